import CKernels

/// One direction of an LSTM layer over a padded batch, as PyTorch's `nn.LSTM` computes it:
///
///     gates = x W_ih^T + b_ih + h W_hh^T + b_hh      // [N, 4H], gate order i, f, g, o
///     i, f, o = σ(·);  g = tanh(·)
///     c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')
///
/// Sequences are time-major, `[T, N, features]`, with a length per sample. Steps at or past a
/// sample's length output zero and reset the state, so the reverse direction starts at each
/// sample's own last step. The input projection is one GEMM over all time steps.
public final class LSTMDirection: ParameterHolder {
    public let inputSize: Int
    public let hiddenSize: Int
    public let reverse: Bool
    public let weightIH: Parameter  // [4H, I]
    public let weightHH: Parameter  // [4H, H]
    public let biasIH: Parameter    // [4H]
    public let biasHH: Parameter    // [4H]

    // Caches of the last training forward pass.
    private var input: [Float] = []   // [T, N, I]
    private var gates: [Float] = []   // [T, N, 4H] after the nonlinearities
    private var cells: [Float] = []   // [T, N, H]
    private var hidden: [Float] = []  // [T, N, H]
    private var lengths: [Int] = []
    private var steps = 0, batch = 0

    /// `suffix` completes PyTorch's names: "_l0" gives `weight_ih_l0`, "_l0_reverse" the backward direction.
    public init(inputSize: Int, hiddenSize: Int, reverse: Bool, suffix: String, rng: inout some InitialWeights) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.reverse = reverse
        let bound = 1 / Float(hiddenSize).squareRoot()
        weightIH = Parameter("weight_ih\(suffix)", shape: [4 * hiddenSize, inputSize], uniformBound: bound, rng: &rng)
        weightHH = Parameter("weight_hh\(suffix)", shape: [4 * hiddenSize, hiddenSize], uniformBound: bound, rng: &rng)
        biasIH = Parameter("bias_ih\(suffix)", shape: [4 * hiddenSize], uniformBound: bound, rng: &rng)
        biasHH = Parameter("bias_hh\(suffix)", shape: [4 * hiddenSize], uniformBound: bound, rng: &rng)
    }

    public var parameters: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }

    /// W_ih^T and W_hh^T packed for the GEMM kernel, kept while the weights stay the same.
    private let packedInputWeights = TransformedWeights(), packedRecurrentWeights = TransformedWeights()

    /// Wᵀ for a weight [rows, columns], packed: fresh in training (the weights change every
    /// step), cached at inference.
    private func packedTransposed(_ weight: Parameter, cache: TransformedWeights, training: Bool) -> [Float] {
        let rows = weight.shape[0], columns = weight.shape[1]
        let pack = { packB(transposed: true, k: columns, n: rows, weight.value, ldb: columns) }
        return training ? pack() : cache.get(weights: weight.value, scale: nil, transform: pack)
    }

    /// x: [T, N, I] → h: [T, N, H].
    public func forward(_ x: [Float], steps T: Int, batch N: Int, lengths: [Int], training: Bool) -> [Float] {
        let H = hiddenSize, G = 4 * hiddenSize, I = inputSize
        precondition(x.count == T * N * I, "LSTM: input is not [\(T), \(N), \(I)]")
        precondition(lengths.count == N && lengths.allSatisfy { $0 >= 0 && $0 <= T }, "LSTM: bad lengths")
        // All steps' input projections at once, biases folded in: [T*N, 4H].
        var gates = floatsToOverwrite(T * N * G)  // every row starts as the bias
        let bias = zip(biasIH.value, biasHH.value).map { $0 + $1 }
        gates.withUnsafeMutableBufferPointer { g in
            for r in 0..<(T * N) { (g.baseAddress! + r * G).update(from: bias, count: G) }
        }
        let packedIH = packedTransposed(weightIH, cache: packedInputWeights, training: training)
        let packedHH = packedTransposed(weightHH, cache: packedRecurrentWeights, training: training)
        sgemm(m: T * N, n: G, k: I, x, lda: I, packedB: packedIH, beta: 1, &gates, ldc: G, threads: Parallelism.threads)

        var cells = [Float](repeating: 0, count: T * N * H)
        var hidden = [Float](repeating: 0, count: T * N * H)
        let zeros = [Float](repeating: 0, count: N * H)
        packedHH.withUnsafeBufferPointer { whh in
            gates.withUnsafeMutableBufferPointer { gp in
                cells.withUnsafeMutableBufferPointer { cp in
                    hidden.withUnsafeMutableBufferPointer { hp in
                        zeros.withUnsafeBufferPointer { zero in
                            for step in 0..<T {
                                let t = reverse ? T - 1 - step : step
                                let previous = reverse ? t + 1 : t - 1
                                let hasPrevious = step > 0
                                let cPrev = hasPrevious ? UnsafePointer(cp.baseAddress! + previous * N * H) : zero.baseAddress!
                                let g = gp.baseAddress! + t * N * G
                                // gates[t] += h_prev W_hh^T (nothing to add at the first step: h_prev = 0)
                                if hasPrevious {
                                    ocr_sgemm_packed_b(Int32(N), Int32(G), Int32(H), hp.baseAddress! + previous * N * H,
                                                       Int32(H), whh.baseAddress!, 1, g, Int32(G))
                                }
                                let c = cp.baseAddress! + t * N * H, h = hp.baseAddress! + t * N * H
                                for b in 0..<N {
                                    let row = g + b * G
                                    if t >= lengths[b] {
                                        // Past the end: zero output and state (and gates, so backward sees zeros).
                                        row.update(repeating: 0, count: G)
                                        continue
                                    }
                                    // i, f, g, o activated in place; c = f c_prev + i g; h = o tanh(c)
                                    ocr_lstm_cell(row, cPrev + b * H, c + b * H, h + b * H, H)
                                }
                            }
                        }
                    }
                }
            }
        }
        if training {
            self.input = x
            self.gates = gates
            self.cells = cells
            self.hidden = hidden
            self.lengths = lengths
            self.steps = T
            self.batch = N
        }
        return hidden
    }

    /// dh: [T, N, H] (gradient of the outputs) → dx: [T, N, I]; accumulates parameter gradients.
    public func backward(_ dOutput: [Float]) -> [Float] {
        parameters.forEach { $0.allocateGradient() }
        let T = steps, N = batch, H = hiddenSize, G = 4 * hiddenSize, I = inputSize
        precondition(dOutput.count == T * N * H, "LSTM backward: gradient is not [\(T), \(N), \(H)]")
        var dGates = [Float](repeating: 0, count: T * N * G)  // w.r.t. the pre-activations
        // Gradients flowing into the state from the step processed after this one.
        let dhRecurrent = UnsafeMutablePointer<Float>.allocate(capacity: N * H)
        let dcRecurrent = UnsafeMutablePointer<Float>.allocate(capacity: N * H)
        let tanhC = UnsafeMutablePointer<Float>.allocate(capacity: H)
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: H)  // the state before the first step
        dhRecurrent.initialize(repeating: 0, count: N * H)
        dcRecurrent.initialize(repeating: 0, count: N * H)
        zeros.initialize(repeating: 0, count: H)
        defer {
            dhRecurrent.deallocate()
            dcRecurrent.deallocate()
            tanhC.deallocate()
            zeros.deallocate()
        }
        gates.withUnsafeBufferPointer { gp in
            cells.withUnsafeBufferPointer { cp in
                dGates.withUnsafeMutableBufferPointer { dgp in
                    dOutput.withUnsafeBufferPointer { dop in
                        // W_hh packed once for all steps' products [N, 4H] x [4H, H].
                        packB(transposed: false, k: G, n: H, weightHH.value, ldb: H).withUnsafeBufferPointer { whh in
                            for step in stride(from: T - 1, through: 0, by: -1) {
                                let t = reverse ? T - 1 - step : step
                                let previous = reverse ? t + 1 : t - 1
                                let hasPrevious = step > 0
                                let g = gp.baseAddress! + t * N * G, c = cp.baseAddress! + t * N * H
                                let dg = dgp.baseAddress! + t * N * G, dOut = dop.baseAddress! + t * N * H
                                for b in 0..<N {
                                    let dhb = dhRecurrent + b * H, dcb = dcRecurrent + b * H
                                    if t >= lengths[b] {
                                        dhb.update(repeating: 0, count: H)
                                        dcb.update(repeating: 0, count: H)
                                        continue
                                    }
                                    let row = g + b * G, dRow = dg + b * G, cRow = c + b * H, dOutRow = dOut + b * H
                                    let cPrev = hasPrevious ? cp.baseAddress! + previous * N * H + b * H : UnsafePointer(zeros)
                                    ocr_vtanh(cRow, tanhC, H)
                                    for j in 0..<H {
                                        let i = row[j], f = row[H &+ j], gg = row[2 &* H &+ j], o = row[3 &* H &+ j]
                                        let dhj = dOutRow[j] + dhb[j]
                                        // h = o ⊙ tanh(c)
                                        let dO = dhj * tanhC[j]
                                        let dc = dcb[j] + dhj * o * (1 - tanhC[j] * tanhC[j])
                                        // c = f ⊙ c_prev + i ⊙ g
                                        let dI = dc * gg, dF = dc * cPrev[j], dG = dc * i
                                        dcb[j] = dc * f
                                        // through σ and tanh
                                        dRow[j] = dI * i * (1 - i)
                                        dRow[H &+ j] = dF * f * (1 - f)
                                        dRow[2 &* H &+ j] = dG * (1 - gg * gg)
                                        dRow[3 &* H &+ j] = dO * o * (1 - o)
                                    }
                                }
                                // gates += h_prev W_hh^T  ⇒  dh_prev = dGates W_hh
                                if hasPrevious {
                                    sgemm(m: N, n: H, k: G, dg, lda: G, packedB: whh.baseAddress!, beta: 0, dhRecurrent, ldc: H,
                                          threads: Parallelism.threads)
                                }
                            }
                        }
                    }
                }
            }
        }
        // dW_hh += Σ_t dGates[t]^T h_prev[t], one GEMM over all steps: h_prev[t] is hidden[t - 1]
        // (forward) or hidden[t + 1] (reverse), and the first processed step has none.
        if T > 1 {
            dGates.withUnsafeBufferPointer { dgp in
                hidden.withUnsafeBufferPointer { hp in
                    let dg = dgp.baseAddress! + (reverse ? 0 : N * G), h = hp.baseAddress! + (reverse ? N * H : 0)
                    sgemm(transposeA: true, m: G, n: H, k: (T - 1) * N, dg, lda: G, h, ldb: H, beta: 1,
                          &weightHH.gradient, ldc: H, threads: Parallelism.threads)
                }
            }
        }
        // gates = x W_ih^T + b_ih + b_hh  ⇒  dx = dGates W_ih,  dW_ih += dGates^T x,  db += Σ dGates
        var dx = floatsToOverwrite(T * N * I)  // beta 0: the GEMM writes every element
        sgemm(m: T * N, n: I, k: G, dGates, lda: G, weightIH.value, ldb: I, &dx, ldc: I, threads: Parallelism.threads)
        sgemm(transposeA: true, m: G, n: I, k: T * N, dGates, lda: G, input, ldb: I, beta: 1,
              &weightIH.gradient, ldc: I, threads: Parallelism.threads)
        var biasGradient = [Float](repeating: 0, count: G)
        dGates.withUnsafeBufferPointer { dgp in
            biasGradient.withUnsafeMutableBufferPointer { bg in
                for r in 0..<(T * N) {
                    let row = dgp.baseAddress! + r * G
                    for j in 0..<G { bg[j] += row[j] }
                }
            }
        }
        for j in 0..<G {
            biasIH.gradient[j] += biasGradient[j]
            biasHH.gradient[j] += biasGradient[j]
        }
        return dx
    }
}

/// A bidirectional LSTM layer: forward and reverse directions side by side, outputs concatenated
/// to `[T, N, 2H]` (forward first), as PyTorch's `nn.LSTM(bidirectional=True)`.
public final class BidirectionalLSTM: ParameterHolder {
    public let forwardDirection: LSTMDirection
    public let reverseDirection: LSTMDirection
    public var hiddenSize: Int { forwardDirection.hiddenSize }

    public init(inputSize: Int, hiddenSize: Int, rng: inout some InitialWeights) {
        forwardDirection = LSTMDirection(inputSize: inputSize, hiddenSize: hiddenSize, reverse: false,
                                         suffix: "_l0", rng: &rng)
        reverseDirection = LSTMDirection(inputSize: inputSize, hiddenSize: hiddenSize, reverse: true,
                                         suffix: "_l0_reverse", rng: &rng)
    }

    public var parameters: [Parameter] { forwardDirection.parameters + reverseDirection.parameters }

    /// x: [T, N, I] → [T, N, 2H].
    public func forward(_ x: [Float], steps T: Int, batch N: Int, lengths: [Int], training: Bool) -> [Float] {
        let H = hiddenSize
        var f = [Float](), r = [Float]()
        bothDirections { direction in
            let out = direction.forward(x, steps: T, batch: N, lengths: lengths, training: training)
            if direction.reverse { r = out } else { f = out }
        }
        var out = floatsToOverwrite(T * N * 2 * H)  // every row gets both halves
        out.withUnsafeMutableBufferPointer { o in
            f.withUnsafeBufferPointer { f in
                r.withUnsafeBufferPointer { r in
                    for row in 0..<(T * N) {
                        (o.baseAddress! + row * 2 * H).update(from: f.baseAddress! + row * H, count: H)
                        (o.baseAddress! + row * 2 * H + H).update(from: r.baseAddress! + row * H, count: H)
                    }
                }
            }
        }
        return out
    }

    /// dy: [T, N, 2H] → dx: [T, N, I].
    public func backward(_ dy: [Float]) -> [Float] {
        let H = hiddenSize, rows = dy.count / (2 * H)
        var df = floatsToOverwrite(rows * H), dr = floatsToOverwrite(rows * H)  // every row copied
        dy.withUnsafeBufferPointer { d in
            df.withUnsafeMutableBufferPointer { f in
                dr.withUnsafeMutableBufferPointer { r in
                    for row in 0..<rows {
                        (f.baseAddress! + row * H).update(from: d.baseAddress! + row * 2 * H, count: H)
                        (r.baseAddress! + row * H).update(from: d.baseAddress! + row * 2 * H + H, count: H)
                    }
                }
            }
        }
        var dx = [Float](), dxr = [Float]()
        bothDirections { direction in
            if direction.reverse { dxr = direction.backward(dr) } else { dx = direction.backward(df) }
        }
        dx.withUnsafeMutableBufferPointer { a in
            dxr.withUnsafeBufferPointer { b in
                for i in 0..<a.count { a[i] += b[i] }
            }
        }
        return dx
    }

    /// Runs `body` on both directions, at the same time on two threads when there are at least two
    /// (the recurrence's small per-step GEMMs gain little from splitting), each direction's
    /// kernels on its share of the threads (set per thread, so concurrent callers of one shared
    /// layer do not disturb each other).
    private func bothDirections(_ body: (LSTMDirection) -> Void) {
        let threads = Parallelism.threads
        if threads < 2 {
            body(forwardDirection)
            body(reverseDirection)
            return
        }
        Parallelism.forEach(2) { index in
            Parallelism.withThreads(index == 0 ? threads / 2 : threads - threads / 2) {
                body(index == 0 ? forwardDirection : reverseDirection)
            }
        }
    }
}
