import Testing
@testable import NeuralEngine

func randomValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in (rng.nextFloat() * 2 - 1) * scale }
}

/// Compares an analytic gradient with central finite differences of `loss` at every coordinate
/// of `x` (or an evenly spaced sample of them), in relative terms. Returns the worst relative error.
func gradientCheck(_ x: inout [Float], analytic: [Float], epsilon: Float = 1e-2, maxChecks: Int = 400,
                   loss: ([Float]) -> Double) -> Double {
    var copy = x
    return gradientCheck(count: x.count, analytic: analytic, epsilon: epsilon, maxChecks: maxChecks,
                         get: { copy[$0] }, set: { copy[$0] = $1 }, loss: { loss(copy) })
}

/// The same check for a parameter, whose value the loss reads through the layer.
func gradientCheck(_ p: Parameter, epsilon: Float = 1e-2, maxChecks: Int = 400, loss: () -> Double) -> Double {
    gradientCheck(count: p.value.count, analytic: p.gradient, epsilon: epsilon, maxChecks: maxChecks,
                  get: { p.value[$0] }, set: { p.value[$0] = $1 }, loss: loss)
}

func gradientCheck(count: Int, analytic: [Float], epsilon: Float, maxChecks: Int,
                   get: (Int) -> Float, set: (Int, Float) -> Void, loss: () -> Double) -> Double {
    precondition(count == analytic.count)
    var worst = 0.0
    for i in stride(from: 0, to: count, by: max(1, count / maxChecks)) {
        let saved = get(i)
        set(i, saved + epsilon)
        let plus = loss()
        set(i, saved - epsilon)
        let minus = loss()
        set(i, saved)
        let numeric = (plus - minus) / (2 * Double(epsilon))
        let error = abs(numeric - Double(analytic[i])) / max(1e-2, abs(numeric) + abs(Double(analytic[i])))
        worst = max(worst, error)
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
