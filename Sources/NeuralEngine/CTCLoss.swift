/// Connectionist temporal classification loss (Graves et al. 2006), blank = class 0.
///
/// Takes raw scores (logits) and applies log-softmax itself, so the gradient it returns is with
/// respect to the logits: `softmax - posterior`, which is stable and needs no separate
/// log-softmax backward. Alignments are summed in log space with the forward-backward recursion.
public enum CTCLoss {
    /// The result for a batch.
    public struct Result {
        /// Per-sample negative log-likelihood; 0 for an impossible alignment (`zero_infinity`).
        public var losses: [Float]
        /// d(Σ_b scale_b · loss_b) / d logits: [T, N, classes]; zero past each sample's length.
        public var gradient: [Float]
        /// How many samples had no possible alignment (their loss and gradient are zero).
        public var impossible: Int
    }

    /// - Parameters:
    ///   - logits: [T, N, classes], time-major.
    ///   - inputLengths: valid time steps per sample (each ≤ T).
    ///   - targets: label sequences per sample, classes 1..<classes.
    ///   - scales: weight of each sample's loss in the gradient (e.g. 1/N for a batch mean).
    public static func compute(logits: [Float], timeSteps: Int, batch: Int, classes: Int,
                               inputLengths: [Int], targets: [[Int]], scales: [Float]) -> Result {
        precondition(logits.count == timeSteps * batch * classes, "CTC: logits are not [T, N, C]")
        precondition(inputLengths.count == batch && targets.count == batch && scales.count == batch,
                     "CTC: need one input length, target and scale per sample")
        var losses = [Float](repeating: 0, count: batch)
        var gradient = [Float](repeating: 0, count: logits.count)
        var possible = [Bool](repeating: true, count: batch)
        logits.withUnsafeBufferPointer { logits in
            gradient.withUnsafeMutableBufferPointer { gradient in
                losses.withUnsafeMutableBufferPointer { losses in
                    possible.withUnsafeMutableBufferPointer { possible in
                        let g = gradient.baseAddress!, l = losses.baseAddress!, ok = possible.baseAddress!
                        let workers = min(batch, Parallelism.threads)
                        Parallelism.forEach(workers) { worker in
                            var b = worker
                            while b < batch {
                                let (loss, fine) = sample(logits.baseAddress!, g, b: b, timeSteps: timeSteps,
                                                          batch: batch, classes: classes, length: inputLengths[b],
                                                          target: targets[b], scale: scales[b])
                                l[b] = loss
                                ok[b] = fine
                                b += workers
                            }
                        }
                    }
                }
            }
        }
        return Result(losses: losses, gradient: gradient, impossible: possible.filter { !$0 }.count)
    }

    /// One sample: writes its gradient rows, returns (loss, whether an alignment exists).
    private static func sample(_ logits: UnsafePointer<Float>, _ gradient: UnsafeMutablePointer<Float>, b: Int,
                               timeSteps: Int, batch: Int, classes: Int, length: Int, target: [Int],
                               scale: Float) -> (Float, Bool) {
        precondition(length >= 0 && length <= timeSteps, "CTC: input length \(length) outside 0...\(timeSteps)")
        precondition(target.allSatisfy { $0 > 0 && $0 < classes }, "CTC: target classes must be in 1..<\(classes)")
        let T = length, S = 2 * target.count + 1
        if T == 0 { return (0, false) }
        let ext = CTCTopology.states(target)
        // Log-softmax of this sample's rows: [T, classes].
        var lp = [Double](repeating: 0, count: T * classes)
        lp.withUnsafeMutableBufferPointer { out in
            for t in 0..<T {
                Softmax.logProbabilities(logits + (t * batch + b) * classes, classes: classes, into: out.baseAddress! + t * classes)
            }
        }
        // α[t][s]: log-probability of all prefixes ending in ext[s] at t (emission at t included).
        var alpha = [Double](repeating: -.infinity, count: T * S)
        alpha[0] = lp[ext[0]]
        if S > 1 { alpha[1] = lp[ext[1]] }
        for t in 1..<max(T, 1) {
            for s in 0..<S {
                var v = alpha[(t - 1) * S + s]
                if s >= 1 { v = logAdd(v, alpha[(t - 1) * S + s - 1]) }
                if CTCTopology.canSkip(to: s, in: ext) { v = logAdd(v, alpha[(t - 1) * S + s - 2]) }
                alpha[t * S + s] = v + lp[t * classes + ext[s]]
            }
        }
        // β[t][s]: log-probability of all suffixes starting in ext[s] at t (emission at t included).
        var beta = [Double](repeating: -.infinity, count: T * S)
        beta[(T - 1) * S + S - 1] = lp[(T - 1) * classes + ext[S - 1]]
        if S > 1 { beta[(T - 1) * S + S - 2] = lp[(T - 1) * classes + ext[S - 2]] }
        for t in stride(from: T - 2, through: 0, by: -1) {
            for s in 0..<S {
                var v = beta[(t + 1) * S + s]
                if s + 1 < S { v = logAdd(v, beta[(t + 1) * S + s + 1]) }
                if s + 2 < S && CTCTopology.canSkip(to: s + 2, in: ext) { v = logAdd(v, beta[(t + 1) * S + s + 2]) }
                beta[t * S + s] = v + lp[t * classes + ext[s]]
            }
        }
        var logZ = alpha[(T - 1) * S + S - 1]
        if S > 1 { logZ = logAdd(logZ, alpha[(T - 1) * S + S - 2]) }
        // NaN logits are not an impossible alignment: the loss stays NaN for the caller to see
        // (PyTorch's zero_infinity zeroes infinite losses only).
        if logZ.isNaN { return (.nan, true) }
        guard logZ.isFinite else { return (0, false) }  // zero_infinity: no gradient either
        // loss = -log Z ⇒ d loss / d logit[t][k] = softmax[t][k] - Σ_{s: ext[s]=k} exp(α+β-lp[t][k]-log Z)
        var posterior = [Double](repeating: -.infinity, count: classes)
        for t in 0..<T {
            for c in 0..<classes { posterior[c] = -.infinity }
            for s in 0..<S { posterior[ext[s]] = logAdd(posterior[ext[s]], alpha[t * S + s] + beta[t * S + s]) }
            let row = gradient + (t * batch + b) * classes
            for c in 0..<classes {
                let lpc = lp[t * classes + c]
                let grad = exp(lpc) - exp(posterior[c] - lpc - logZ)
                row[c] = Float(grad) * scale
            }
        }
        return (Float(-logZ), true)
    }
}


import Platform
