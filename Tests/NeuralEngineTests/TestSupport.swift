import Testing
@testable import NeuralEngine

func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in (rng.nextFloat() * 2 - 1) * scale }
}

/// Compares an analytic gradient with central finite differences of `loss` at every coordinate
/// of `x` (or a sample of them), in relative terms. Returns the worst relative error.
func gradientCheck(_ x: inout [Float], analytic: [Float], epsilon: Float = 1e-2, maxChecks: Int = 400,
                   loss: ([Float]) -> Double) -> Double {
    precondition(x.count == analytic.count)
    let stride = max(1, x.count / maxChecks)
    var worst = 0.0
    var i = 0
    while i < x.count {
        let saved = x[i]
        x[i] = saved + epsilon
        let plus = loss(x)
        x[i] = saved - epsilon
        let minus = loss(x)
        x[i] = saved
        let numeric = (plus - minus) / (2 * Double(epsilon))
        let error = abs(numeric - Double(analytic[i])) / max(1e-2, abs(numeric) + abs(Double(analytic[i])))
        worst = max(worst, error)
        i += stride
    }
    return worst
}

/// Σ w_i y_i with fixed random weights: a scalar loss whose gradient with respect to y is w.
struct ProbeLoss {
    let weights: [Float]
    init(count: Int, seed: UInt64) { weights = randomValues(count, seed: seed) }
    func callAsFunction(_ y: [Float]) -> Double {
        zip(weights, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
}
