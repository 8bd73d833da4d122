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
        normalized = floatsToOverwrite(x.count)
        shape = (n, plane)
        let eps = Double(epsilon)
        // Per channel: the batch's mean and Σ (x - mean)², per-plane partial sums in Float, the
        // total in Double; then x̂ and y.
        var statistics = [(mean: Float, squares: Double)](repeating: (0, 0), count: C)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                normalized.withUnsafeMutableBufferPointer { np in
                    statistics.withUnsafeMutableBufferPointer { stats in
                        let workers = min(Parallelism.threads, C)
                        Parallelism.forEach(workers) { worker in
                            for c in Swift.stride(from: worker, to: C, by: workers) {
                                var sum = 0.0, squares = 0.0
                                for s in 0..<n { sum += Double(vectorSum(xp.baseAddress! + (s * C + c) * plane, plane)) }
                                let m = Float(sum / Double(count))
                                for s in 0..<n {
                                    squares += Double(vectorSquaredDistance(xp.baseAddress! + (s * C + c) * plane, plane, from: m))
                                }
                                stats[c] = (m, squares)
                                let k = Float(1 / (squares / Double(count) + eps).squareRoot())
                                let g = weight.value[c], b = bias.value[c]
                                for s in 0..<n {
                                    let base = (s * C + c) * plane
                                    let xs = xp.baseAddress! + base, ys = yp.baseAddress! + base, ns = np.baseAddress! + base
                                    for p in 0..<plane {
                                        let xhat = (xs[p] - m) * k
                                        ns[p] = xhat
                                        ys[p] = g * xhat + b
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // The cache for backward, and the running statistics (momentum, unbiased variance).
        inverseStd = statistics.map { Float(1 / ($0.squares / Double(count) + eps).squareRoot()) }
        for (c, (m, squares)) in statistics.enumerated() {
            let unbiased = count > 1 ? squares / Double(count - 1) : squares / Double(count)
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * m
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * Float(unbiased)
        }
        return y
    }

    /// dy → dx, accumulating dγ and dβ (batch statistics, as used in training).
    public func backward(_ dy: [Float]) -> [Float] {
        let (n, plane) = shape, C = channels
        precondition(dy.count == n * C * plane, "BatchNorm2d backward: wrong gradient size")
        let count = Float(n * plane)
        var dx = floatsToOverwrite(dy.count)  // every element is written below
        var sums = [Float](repeating: 0, count: 2 * C)  // Σ dy, Σ dy x̂ per channel
        dy.withUnsafeBufferPointer { dyp in
            normalized.withUnsafeBufferPointer { np in
                dx.withUnsafeMutableBufferPointer { dxp in
                    sums.withUnsafeMutableBufferPointer { sp in
                        let workers = min(Parallelism.threads, C)
                        Parallelism.forEach(workers) { worker in
                            for c in Swift.stride(from: worker, to: C, by: workers) {
                                // y = γ x̂ + β  ⇒  dβ = Σ dy,  dγ = Σ dy x̂
                                var sumDy: Float = 0, sumDyXhat: Float = 0
                                for s in 0..<n {
                                    let base = (s * C + c) * plane
                                    sumDy += vectorSum(dyp.baseAddress! + base, plane)
                                    sumDyXhat += vectorDot(dyp.baseAddress! + base, np.baseAddress! + base, plane)
                                }
                                sp[c] = sumDy
                                sp[C + c] = sumDyXhat
                                // x̂ = (x - μ)/σ with μ, σ from the batch  ⇒  dx = γ/(σ M) (M dy - Σ dy - x̂ Σ dy x̂)
                                let scale = weight.value[c] * inverseStd[c] / count
                                for s in 0..<n {
                                    let base = (s * C + c) * plane
                                    let d = dyp.baseAddress! + base, xhat = np.baseAddress! + base, out = dxp.baseAddress! + base
                                    for p in 0..<plane { out[p] = scale * (count * d[p] - sumDy - xhat[p] * sumDyXhat) }
                                }
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

/// Σ a[i] · b[i] over 0..<count.
@inline(__always)
func vectorDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD8<Float>(), i = 0
    while i &+ 8 <= count {
        acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
        i &+= 8
    }
    var total = acc.sum()
    while i < count { total += a[i] * b[i]; i &+= 1 }
    return total
}

/// Σ (x[i] - m)² over 0..<count.
@inline(__always)
func vectorSquaredDistance(_ x: UnsafePointer<Float>, _ count: Int, from m: Float) -> Float {
    var acc = SIMD8<Float>(), i = 0
    let mean = SIMD8<Float>(repeating: m)
    while i &+ 8 <= count {
        let d = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self) - mean
        acc += d * d
        i &+= 8
    }
    var total = acc.sum()
    while i < count { let d = x[i] - m; total += d * d; i &+= 1 }
    return total
}
