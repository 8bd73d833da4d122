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

    private var input: [Float] = []           // cache: x [N, C, H, W]
    private var means: [Float] = []           // cache: the batch's mean [C]
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

    /// x: [N, C, plane] → y, same shape. Channels are spread over the threads.
    public func forward(_ x: [Float], batch n: Int, plane: Int, training: Bool) -> [Float] {
        precondition(x.count == n * channels * plane, "BatchNorm2d: input is not [\(n), \(channels), \(plane)]")
        let C = channels, count = n * plane
        var y = floatsToOverwrite(x.count)  // every element is written below
        if !training {
            // The running statistics; nothing of the layer is written (it may be shared by threads).
            let scale = (0..<C).map { weight.value[$0] * (1 / (runningVariance[$0] + epsilon).squareRoot()) }
            let shift = (0..<C).map { bias.value[$0] - runningMean[$0] * scale[$0] }
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in
                    for s in 0..<n {
                        for c in 0..<C {
                            let base = (s * C + c) * plane, k = scale[c], b = shift[c]
                            for p in 0..<plane { yp[base &+ p] = k * xp[base &+ p] + b }
                        }
                    }
                }
            }
            return y
        }
        input = x
        shape = (n, plane)
        let eps = Double(epsilon)
        // Per channel, in one pass: Σ d and Σ d² of d = x - K, shifted by K = the channel's first
        // value (within a few deviations of the mean) so that the variance Σd²/M - (Σd/M)² does
        // not cancel (per-plane sums in Float, totals in Double); then y.
        var statistics = [(mean: Float, variance: Double)](repeating: (0, 0), count: C)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                statistics.withUnsafeMutableBufferPointer { stats in
                    Parallelism.forEachItem(C) { c in
                        let shift = xp[c * plane]
                        var sum = 0.0, squares = 0.0
                        for s in 0..<n {
                            let (d, d2) = vectorShiftedSums(xp.baseAddress! + (s * C + c) * plane, plane, shift: shift)
                            sum += Double(d)
                            squares += Double(d2)
                        }
                        let meanShift = sum / Double(count)
                        let variance = max(squares / Double(count) - meanShift * meanShift, 0)
                        let m = Float(Double(shift) + meanShift)
                        stats[c] = (m, variance)
                        let k = Float(1 / (variance + eps).squareRoot())
                        // y = γ (x - m) k + β = a x + b
                        let a = weight.value[c] * k, b = bias.value[c] - a * m
                        for s in 0..<n {
                            let base = (s * C + c) * plane
                            let xs = xp.baseAddress! + base, ys = yp.baseAddress! + base
                            for p in 0..<plane { ys[p] = a * xs[p] + b }
                        }
                    }
                }
            }
        }
        // The cache for backward, and the running statistics (momentum, unbiased variance).
        means = statistics.map(\.mean)
        inverseStd = statistics.map { Float(1 / ($0.variance + eps).squareRoot()) }
        for (c, (m, variance)) in statistics.enumerated() {
            let unbiased = count > 1 ? variance * Double(count) / Double(count - 1) : variance
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * m
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
        }
        return y
    }

    /// dy → dx, accumulating dγ and dβ (batch statistics, as used in training).
    public func backward(_ dy: [Float]) -> [Float] {
        parameters.forEach { $0.allocateGradient() }
        let (n, plane) = shape, C = channels
        precondition(dy.count == n * C * plane, "BatchNorm2d backward: wrong gradient size")
        let count = Float(n * plane)
        var dx = floatsToOverwrite(dy.count)  // every element is written below
        var sums = [Float](repeating: 0, count: 2 * C)  // Σ dy, Σ dy x̂ per channel
        dy.withUnsafeBufferPointer { dyp in
            input.withUnsafeBufferPointer { xp in
                dx.withUnsafeMutableBufferPointer { dxp in
                    sums.withUnsafeMutableBufferPointer { sp in
                        Parallelism.forEachItem(C) { c in
                            // y = γ x̂ + β  ⇒  dβ = Σ dy,  dγ = Σ dy x̂ = k Σ dy (x - μ);  x̂ = (x - μ) k
                            let m = means[c], k = inverseStd[c]
                            var sumDy: Float = 0, sumDyCentered: Float = 0
                            for s in 0..<n {
                                let base = (s * C + c) * plane
                                let (d, dc) = vectorSumAndCenteredDot(dyp.baseAddress! + base, xp.baseAddress! + base,
                                                                      plane, center: m)
                                sumDy += d
                                sumDyCentered += dc
                            }
                            let sumDyXhat = k * sumDyCentered
                            sp[c] = sumDy
                            sp[C + c] = sumDyXhat
                            // x̂ = (x - μ)/σ with μ, σ from the batch  ⇒  dx = γ/(σ M) (M dy - Σ dy - x̂ Σ dy x̂)
                            //   = a dy + b (x - μ) + e with a = γk, b = -γk² Σdy x̂ / M, e = -γk Σdy / M
                            let a = weight.value[c] * k, b = -a * k * sumDyXhat / count, e = -a * sumDy / count
                            for s in 0..<n {
                                let base = (s * C + c) * plane
                                let d = dyp.baseAddress! + base, x = xp.baseAddress! + base, out = dxp.baseAddress! + base
                                for p in 0..<plane { out[p] = a * d[p] + b * (x[p] - m) + e }
                            }
                        }
                    }
                }
            }
        }
        for c in 0..<C {
            bias.gradient[c] += sums[c]
            weight.gradient[c] += sums[C + c]
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

// Reductions 8 lanes at a time (independent partial sums, so they are not one long chain of
// dependent adds); plain `+` and `*`, which need no FMA hardware.

/// Σ x[0..<count].
@inline(__always)
func vectorSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD8<Float>(), i = 0
    while i &+ 8 <= count {
        acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        i &+= 8
    }
    var total = acc.sum()
    while i < count { total += x[i]; i &+= 1 }
    return total
}

/// (Σ d, Σ d²) of d = x[i] - shift over 0..<count.
@inline(__always)
func vectorShiftedSums(_ x: UnsafePointer<Float>, _ count: Int, shift: Float) -> (Float, Float) {
    var acc = SIMD8<Float>(), acc2 = SIMD8<Float>(), i = 0
    let k = SIMD8<Float>(repeating: shift)
    while i &+ 8 <= count {
        let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - k
        acc += d
        acc2 += d * d
        i &+= 8
    }
    var total = acc.sum(), total2 = acc2.sum()
    while i < count { let d = x[i] - shift; total += d; total2 += d * d; i &+= 1 }
    return (total, total2)
}

/// (Σ a[i], Σ a[i] · (b[i] - center)) over 0..<count.
@inline(__always)
func vectorSumAndCenteredDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int,
                             center: Float) -> (Float, Float) {
    var acc = SIMD8<Float>(), accDot = SIMD8<Float>(), i = 0
    let m = SIMD8<Float>(repeating: center)
    while i &+ 8 <= count {
        let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
        acc += va
        accDot += va * (UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self) - m)
        i &+= 8
    }
    var total = acc.sum(), totalDot = accDot.sum()
    while i < count { total += a[i]; totalDot += a[i] * (b[i] - center); i &+= 1 }
    return (total, totalDot)
}
