/// Batch normalization over `[N, C, H, W]` per channel, as PyTorch's `nn.BatchNorm2d`
/// (`weight`, `bias` trained; `running_mean`, `running_var` saved but not trained).
/// Training normalizes with the batch's statistics and updates the running ones (momentum 0.1,
/// unbiased variance); inference uses the running statistics.
public final class BatchNorm2d: ParameterHolder {
    public let channels: Int
    public let epsilon: Float
    public let momentum: Float
    public let weight: Parameter
    public let bias: Parameter
    public var runningMean: [Float]
    public var runningVariance: [Float]

    private var normalized: [Float] = []      // cache: x̂ [N, C, H, W]
    private var inverseStd: [Float] = []      // cache: 1/sqrt(var + ε) [C]
    private var shape = (n: 0, plane: 0)

    public init(channels: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        self.channels = channels
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter("weight", shape: [channels], value: [Float](repeating: 1, count: channels))
        bias = Parameter("bias", shape: [channels], value: [Float](repeating: 0, count: channels))
        runningMean = [Float](repeating: 0, count: channels)
        runningVariance = [Float](repeating: 1, count: channels)
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// x: [N, C, plane] → y, same shape.
    public func forward(_ x: [Float], batch n: Int, plane: Int, training: Bool) -> [Float] {
        precondition(x.count == n * channels * plane, "BatchNorm2d: input is not [\(n), \(channels), \(plane)]")
        var y = [Float](repeating: 0, count: x.count)
        let count = n * plane
        var mean = runningMean, invStd = runningVariance.map { 1 / ($0 + epsilon).squareRoot() }
        if training {
            for c in 0..<channels {
                var sum = 0.0, squares = 0.0
                x.withUnsafeBufferPointer { xp in
                    for s in 0..<n {
                        let base = (s * channels + c) * plane
                        var partial: Float = 0
                        for p in 0..<plane { partial += xp[base &+ p] }
                        sum += Double(partial)
                    }
                    let m = Float(sum / Double(count))
                    for s in 0..<n {
                        let base = (s * channels + c) * plane
                        var partial: Float = 0
                        for p in 0..<plane { let d = xp[base &+ p] - m; partial += d * d }
                        squares += Double(partial)
                    }
                }
                let m = sum / Double(count)
                let variance = squares / Double(count)
                mean[c] = Float(m)
                invStd[c] = Float(1 / (variance + Double(epsilon)).squareRoot())
                let unbiased = count > 1 ? squares / Double(count - 1) : variance
                runningMean[c] = (1 - momentum) * runningMean[c] + momentum * Float(m)
                runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
            }
            inverseStd = invStd
            shape = (n, plane)
        }
        if training { normalized = [Float](repeating: 0, count: x.count) }
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                normalized.withUnsafeMutableBufferPointer { np in
                    for s in 0..<n {
                        for c in 0..<channels {
                            let base = (s * channels + c) * plane
                            let m = mean[c], k = invStd[c], g = weight.value[c], b = bias.value[c]
                            for p in 0..<plane {
                                let xhat = (xp[base &+ p] - m) * k
                                if training { np[base &+ p] = xhat }
                                yp[base &+ p] = g * xhat + b
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// dy → dx, accumulating dγ and dβ (batch statistics, as used in training).
    public func backward(_ dy: [Float]) -> [Float] {
        let (n, plane) = shape
        precondition(dy.count == n * channels * plane, "BatchNorm2d backward: wrong gradient size")
        let count = Float(n * plane)
        var dx = [Float](repeating: 0, count: dy.count)
        for c in 0..<channels {
            // y = γ x̂ + β  ⇒  dβ = Σ dy,  dγ = Σ dy x̂
            var sumDy: Float = 0, sumDyXhat: Float = 0
            for s in 0..<n {
                let base = (s * channels + c) * plane
                for p in 0..<plane {
                    sumDy += dy[base + p]
                    sumDyXhat += dy[base + p] * normalized[base + p]
                }
            }
            bias.gradient[c] += sumDy
            weight.gradient[c] += sumDyXhat
            // x̂ = (x - μ)/σ with μ, σ from the batch  ⇒  dx = γ/(σ M) (M dy - Σ dy - x̂ Σ dy x̂)
            let scale = weight.value[c] * inverseStd[c] / count
            for s in 0..<n {
                let base = (s * channels + c) * plane
                for p in 0..<plane {
                    dx[base + p] = scale * (count * dy[base + p] - sumDy - normalized[base + p] * sumDyXhat)
                }
            }
        }
        return dx
    }

    /// The per-channel scale and shift that inference applies: y = scale · x + shift.
    public var inferenceAffine: (scale: [Float], shift: [Float]) {
        let scale = (0..<channels).map { weight.value[$0] / (runningVariance[$0] + epsilon).squareRoot() }
        let shift = (0..<channels).map { bias.value[$0] - runningMean[$0] * scale[$0] }
        return (scale, shift)
    }
}
