import Foundation
import NeuralEngine

/// One recognized character: its class, confidence, and the range of network time steps
/// (columns) it was read from.
public struct DecodedCharacter: Equatable, Sendable {
    public var character: Character
    public var classIndex: Int
    /// Probability of the character at its most confident step.
    public var confidence: Float
    /// Time steps [first, last] where the character was emitted.
    public var steps: ClosedRange<Int>
}

/// Turns per-step class scores into text.
public enum CTCDecoder {
    /// Softmax probabilities of one sample: [steps, classes] from logits [T, N, classes].
    public static func probabilities(logits: [Float], steps: Int, batch: Int, classes: Int, sample: Int,
                                     length: Int) -> [Float] {
        var out = [Float](repeating: 0, count: length * classes)
        logits.withUnsafeBufferPointer { scores in
            out.withUnsafeMutableBufferPointer { probabilities in
                for t in 0..<length {
                    Softmax.probabilities(scores.baseAddress! + (t * batch + sample) * classes, classes: classes,
                                          into: probabilities.baseAddress! + t * classes)
                }
            }
        }
        return out
    }

    /// Best path: the most likely class at each step, repeats merged, blanks dropped.
    /// `allowed` (classes) restricts the choice at each step to the blank and those classes.
    public static func greedy(_ probs: [Float], classes: Int, charset: Charset, allowed: Set<Int>? = nil) -> [DecodedCharacter] {
        let steps = probs.count / classes
        var out = [DecodedCharacter]()
        var previous = 0
        for t in 0..<steps {
            var best = 0, bestP: Float = -1
            for c in 0..<classes where c == 0 || allowed?.contains(c) ?? true {
                if probs[t * classes + c] > bestP { bestP = probs[t * classes + c]; best = c }
            }
            if best != 0 {
                if best == previous, var last = out.last {
                    last.steps = last.steps.lowerBound...t
                    last.confidence = max(last.confidence, bestP)
                    out[out.count - 1] = last
                } else if let ch = charset.character(best) {
                    out.append(DecodedCharacter(character: ch, classIndex: best, confidence: bestP, steps: t...t))
                }
            }
            previous = best
        }
        return out
    }

    /// Prefix beam search over label sequences (blank and non-blank endings tracked apart), keeping
    /// `beamWidth` prefixes per step. Characters' confidences and steps come from the best path
    /// that spells the winning text.
    ///
    /// Prefixes are nodes of a trie (a node is its parent plus one label), so extending or
    /// comparing one costs O(1), not O(length).
    ///
    /// With `spelling`, each prefix's score also holds `spelling.weight` times the spelling
    /// model's score of its text (shallow fusion).
    public static func beamSearch(_ probs: [Float], classes: Int, charset: Charset, beamWidth: Int,
                                  allowed: Set<Int>? = nil,
                                  spelling: WeightedSpelling? = nil) -> [DecodedCharacter] {
        precondition(beamWidth >= 1, "beam width must be at least 1")
        let steps = probs.count / classes
        var trie = PrefixTrie(spelling: spelling.map { ($0.model, $0.weight, SpellingModel.symbols(of: charset)) })
        // Live prefixes: trie node, log-probability of ending in a blank, and in a label.
        struct Beam { var node: Int32; var blank: Float; var nonBlank: Float
            var total: Float { logAdd(blank, nonBlank) } }
        func ranked(_ beam: Beam) -> Float { beam.total + trie.spellingScore(beam.node) }
        var beams = [Beam(node: 0, blank: 0, nonBlank: -.infinity)]
        var next = [Beam](), slot = [Int32: Int]()
        let candidates = (1..<classes).filter { allowed?.contains($0) ?? true }
        var active = [Int]()
        for t in 0..<steps {
            let row = t * classes
            // Prune the characters considered at this step to those with some probability.
            active.removeAll(keepingCapacity: true)
            for c in candidates where probs[row + c] > 1e-4 { active.append(c) }
            let pBlank = log(max(probs[row], 1e-30))
            next.removeAll(keepingCapacity: true)
            slot.removeAll(keepingCapacity: true)
            func add(_ node: Int32, blank: Float = -.infinity, nonBlank: Float = -.infinity) {
                if let i = slot[node] {
                    next[i].blank = logAdd(next[i].blank, blank)
                    next[i].nonBlank = logAdd(next[i].nonBlank, nonBlank)
                } else {
                    slot[node] = next.count
                    next.append(Beam(node: node, blank: blank, nonBlank: nonBlank))
                }
            }
            for beam in beams {
                let total = beam.total
                add(beam.node, blank: total + pBlank)
                let last = trie.label(beam.node)
                for c in active {
                    let p = log(probs[row + c]), extended = trie.child(of: beam.node, label: c)
                    if c == last {
                        // A repeat without a blank between collapses into the same prefix.
                        add(beam.node, nonBlank: beam.nonBlank + p)
                        add(extended, nonBlank: beam.blank + p)
                    } else {
                        add(extended, nonBlank: total + p)
                    }
                }
            }
            if next.count > beamWidth {
                next.sort { ranked($0) > ranked($1) }
                next.removeLast(next.count - beamWidth)
            }
            swap(&beams, &next)
        }
        func final(_ beam: Beam) -> Float { beam.total + trie.finalSpellingScore(beam.node) }
        let best = beams.max { final($0) < final($1) }?.node ?? 0
        return align(trie.labels(best), probs: probs, classes: classes, charset: charset)
    }

    /// The most likely frame alignment of a label sequence (Viterbi over the CTC topology), used to
    /// give beam-search characters their steps and confidences.
    static func align(_ labels: [Int], probs: [Float], classes: Int, charset: Charset) -> [DecodedCharacter] {
        let steps = probs.count / classes
        if labels.isEmpty || steps == 0 { return [] }
        let ext = CTCTopology.states(labels)
        let S = ext.count
        var score = [Float](repeating: -.infinity, count: steps * S)
        var from = [Int](repeating: -1, count: steps * S)
        func lp(_ t: Int, _ s: Int) -> Float { log(max(probs[t * classes + ext[s]], 1e-30)) }
        score[0] = lp(0, 0)
        if S > 1 { score[1] = lp(0, 1) }
        for t in 1..<steps {
            for s in 0..<S {
                var best = score[(t - 1) * S + s], arg = s
                if s >= 1 && score[(t - 1) * S + s - 1] > best { best = score[(t - 1) * S + s - 1]; arg = s - 1 }
                if CTCTopology.canSkip(to: s, in: ext) && score[(t - 1) * S + s - 2] > best {
                    best = score[(t - 1) * S + s - 2]; arg = s - 2
                }
                score[t * S + s] = best + lp(t, s)
                from[t * S + s] = arg
            }
        }
        var s = score[(steps - 1) * S + S - 1] >= score[(steps - 1) * S + S - 2] ? S - 1 : S - 2
        var path = [Int](repeating: 0, count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            path[t] = s
            if t > 0 { s = from[t * S + s] }
        }
        var out = [DecodedCharacter]()
        for (index, label) in labels.enumerated() {
            let s = 2 * index + 1
            let frames = (0..<steps).filter { path[$0] == s }
            guard let first = frames.first, let last = frames.last, let ch = charset.character(label) else { continue }
            let confidence = frames.map { probs[$0 * classes + label] }.max() ?? 0
            out.append(DecodedCharacter(character: ch, classIndex: label, confidence: confidence, steps: first...last))
        }
        return out
    }
}


/// Label sequences as nodes of a trie: node 0 is the empty sequence, every other node its parent's
/// sequence plus one label. With a spelling model, each node also holds its sequence's weighted
/// spelling score.
struct PrefixTrie {
    private var parents: [Int32] = [-1]
    private var lastLabels: [Int32] = [-1]
    private var children: [Int64: Int32] = [:]
    private let spelling: (model: SpellingModel, weight: Float, symbols: [Int])?
    private var states: [SpellingModel.State] = [SpellingModel.State()]
    private var spellingScores: [Float] = [0]

    init(spelling: (model: SpellingModel, weight: Float, symbols: [Int])? = nil) {
        self.spelling = spelling
    }

    /// The node of `node`'s sequence followed by `label`, made on first use.
    mutating func child(of node: Int32, label: Int) -> Int32 {
        let key = Int64(node) << 20 | Int64(label)
        if let existing = children[key] { return existing }
        let made = Int32(parents.count)
        parents.append(node)
        lastLabels.append(Int32(label))
        children[key] = made
        if let spelling {
            let step = spelling.model.advance(states[Int(node)], by: spelling.symbols[label])
            states.append(step.state)
            spellingScores.append(spellingScores[Int(node)] + spelling.weight * step.score)
        }
        return made
    }

    /// The last label of `node`'s sequence (-1 for the empty one).
    func label(_ node: Int32) -> Int { Int(lastLabels[Int(node)]) }

    /// The weighted spelling score of `node`'s sequence (0 without a spelling model).
    func spellingScore(_ node: Int32) -> Float { spelling == nil ? 0 : spellingScores[Int(node)] }

    /// As ``spellingScore(_:)``, with the sequence ended as a line ends (its last word complete).
    func finalSpellingScore(_ node: Int32) -> Float {
        guard let spelling else { return 0 }
        return spellingScores[Int(node)] + spelling.weight * spelling.model.advance(states[Int(node)], by: 0).score
    }

    /// `node`'s whole sequence.
    func labels(_ node: Int32) -> [Int] {
        var out = [Int](), n = node
        while n > 0 { out.append(Int(lastLabels[Int(n)])); n = parents[Int(n)] }
        return out.reversed()
    }
}
