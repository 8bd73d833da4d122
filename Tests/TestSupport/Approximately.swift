import Testing

/// Expects `actual` and `expected` to have the same length and to differ nowhere by more than
/// `tolerance`; a failure names the largest difference, where it is and both values there.
public func expectClose(_ actual: some Collection<Float>, _ expected: some Collection<Float>, tolerance: Float,
                        _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        let note = comment.isEmpty ? "" : ": " + comment
        Issue.record(Comment(rawValue: "\(actual.count) values, expected \(expected.count)" + note), sourceLocation: sourceLocation)
        return
    }
    var worst: (index: Int, difference: Float, actual: Float, expected: Float)?
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let difference = abs(a - e)
        // NaN differences count as the largest.
        if !(difference <= tolerance), worst == nil || !(difference <= worst!.difference) {
            worst = (i, difference, a, e)
        }
    }
    if let worst {
        let note = comment.isEmpty ? "" : "; " + comment
        let message = "largest difference \(worst.difference) at [\(worst.index)]: \(worst.actual) vs \(worst.expected), "
            + "over the tolerance \(tolerance)" + note
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
