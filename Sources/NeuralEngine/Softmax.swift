import Foundation

/// Softmax over one row of class scores, the one place it is computed: probabilities for the
/// decoders, log-probabilities in double precision for CTC's forward-backward. The largest score
/// is subtracted first, so no exponential overflows.
public enum Softmax {
    /// The probabilities of `row`'s `classes` scores, written to `out`.
    public static func probabilities(_ row: UnsafePointer<Float>, classes: Int, into out: UnsafeMutablePointer<Float>) {
        var top = -Float.infinity
        for c in 0..<classes { top = max(top, row[c]) }
        var sum: Float = 0
        for c in 0..<classes {
            let e = Foundation.exp(row[c] - top)
            out[c] = e
            sum += e
        }
        for c in 0..<classes { out[c] /= sum }
    }

    /// The log-probabilities of `row`'s `classes` scores in double precision, written to `out`.
    public static func logProbabilities(_ row: UnsafePointer<Float>, classes: Int, into out: UnsafeMutablePointer<Double>) {
        var top = -Double.infinity
        for c in 0..<classes { top = max(top, Double(row[c])) }
        var sum = 0.0
        for c in 0..<classes { sum += exp(Double(row[c]) - top) }
        let logSum = top + log(sum)
        for c in 0..<classes { out[c] = Double(row[c]) - logSum }
    }
}

/// log(exp(a) + exp(b)) without overflow; -inf is the identity.
@inline(__always)
public func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}

/// log(exp(a) + exp(b)) in single precision; -inf is the identity.
@inline(__always)
public func logAdd(_ a: Float, _ b: Float) -> Float {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}
