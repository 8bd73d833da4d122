/// y = x W^T + b, applied to the last dimension. PyTorch's `nn.Linear` (`weight` [out, in], `bias` [out]).
public final class Linear: ParameterHolder {
    public let inputFeatures: Int
    public let outputFeatures: Int
    public let weight: Parameter
    public let bias: Parameter
    private var input: [Float] = []  // cache: [rows, in]

    public init(inputFeatures: Int, outputFeatures: Int, rng: inout some InitialWeights) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let bound = 1 / Float(inputFeatures).squareRoot()
        weight = Parameter("weight", shape: [outputFeatures, inputFeatures], uniformBound: bound, rng: &rng)
        bias = Parameter("bias", shape: [outputFeatures], uniformBound: bound, rng: &rng)
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// x: [rows, in] flattened → y: [rows, out].
    public func forward(_ x: [Float], rows: Int, training: Bool) -> [Float] {
        precondition(x.count == rows * inputFeatures, "Linear: \(x.count) inputs is not \(rows) x \(inputFeatures)")
        if training { input = x }
        var y = floatsToOverwrite(rows * outputFeatures)
        y.withUnsafeMutableBufferPointer { yp in
            for r in 0..<rows { (yp.baseAddress! + r * outputFeatures).update(from: bias.value, count: outputFeatures) }
        }
        sgemm(transposeB: true, m: rows, n: outputFeatures, k: inputFeatures,
              x, lda: inputFeatures, weight.value, ldb: inputFeatures, beta: 1, &y, ldc: outputFeatures)
        return y
    }

    /// dy: [rows, out] → dx: [rows, in]; accumulates dW and db.
    public func backward(_ dy: [Float], rows: Int) -> [Float] {
        parameters.forEach { $0.allocateGradient() }
        // y = x W^T + b  ⇒  dW += dy^T x,  db += Σ_rows dy,  dx = dy W
        sgemm(transposeA: true, m: outputFeatures, n: inputFeatures, k: rows,
              dy, lda: outputFeatures, input, ldb: inputFeatures, beta: 1, &weight.gradient, ldc: inputFeatures)
        dy.withUnsafeBufferPointer { d in
            bias.gradient.withUnsafeMutableBufferPointer { db in
                for r in 0..<rows {
                    for o in 0..<outputFeatures { db[o] += d[r &* outputFeatures &+ o] }
                }
            }
        }
        var dx = floatsToOverwrite(rows * inputFeatures)  // beta 0: the GEMM writes every element
        sgemm(m: rows, n: inputFeatures, k: outputFeatures,
              dy, lda: outputFeatures, weight.value, ldb: inputFeatures, &dx, ldc: inputFeatures)
        return dx
    }
}
