/// The CTC topology that the loss (forward-backward) and the decoder's alignment (Viterbi) walk:
/// a label sequence l1 ... lN becomes the states blank, l1, blank, l2, ..., lN, blank, and a path
/// stays in a state, moves to the next, or skips a blank between two different labels.
public enum CTCTopology {
    /// The states of `labels`: [0, l1, 0, l2, ..., lN, 0] (2N + 1 of them).
    public static func states(_ labels: [Int]) -> [Int] {
        (0..<(2 * labels.count + 1)).map { $0 % 2 == 0 ? 0 : labels[$0 / 2] }
    }

    /// Whether a path may go from state s - 2 straight to state `s` of `states`: only to a label
    /// that differs from the one before the skipped blank.
    @inline(__always)
    public static func canSkip(to s: Int, in states: [Int]) -> Bool {
        s >= 2 && states[s] != 0 && states[s] != states[s - 2]
    }
}
