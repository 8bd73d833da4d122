/// Levenshtein distance between two sequences (insertions, deletions, substitutions cost 1).
public func editDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Character and word error counts over a set of lines: CER = edits / reference characters.
public struct ErrorRates: Sendable {
    public private(set) var characterEdits = 0
    public private(set) var referenceCharacters = 0
    public private(set) var wordEdits = 0
    public private(set) var referenceWords = 0
    public private(set) var lines = 0
    public private(set) var correctLines = 0

    public init() {}

    public mutating func add(prediction: String, reference: String) {
        let p = Array(prediction), r = Array(reference)
        characterEdits += editDistance(p, r)
        referenceCharacters += r.count
        let pw = prediction.split(separator: " "), rw = reference.split(separator: " ")
        wordEdits += editDistance(pw, rw)
        referenceWords += rw.count
        lines += 1
        if prediction == reference { correctLines += 1 }
    }

    public var cer: Double { Double(characterEdits) / Double(max(referenceCharacters, 1)) }
    public var wer: Double { Double(wordEdits) / Double(max(referenceWords, 1)) }
    public var lineAccuracy: Double { Double(correctLines) / Double(max(lines, 1)) }
}

/// The edit operations that turn `reference` into `prediction`, as (expected, got) pairs:
/// a substitution has both, a deletion no `got`, an insertion no `expected`. Matches are left out.
public func characterErrors(prediction: String, reference: String) -> [(expected: Character?, got: Character?)] {
    let p = Array(prediction), r = Array(reference)
    let rows = r.count + 1, cols = p.count + 1
    var d = [Int](repeating: 0, count: rows * cols)
    for i in 0..<rows { d[i * cols] = i }
    for j in 0..<cols { d[j] = j }
    for i in 1..<rows {
        for j in 1..<cols {
            d[i * cols + j] = min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1,
                                  d[(i - 1) * cols + j - 1] + (r[i - 1] == p[j - 1] ? 0 : 1))
        }
    }
    var out = [(expected: Character?, got: Character?)]()
    var i = r.count, j = p.count
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i * cols + j] == d[(i - 1) * cols + j - 1] + (r[i - 1] == p[j - 1] ? 0 : 1) {
            if r[i - 1] != p[j - 1] { out.append((r[i - 1], p[j - 1])) }
            i -= 1; j -= 1
        } else if i > 0 && d[i * cols + j] == d[(i - 1) * cols + j] + 1 {
            out.append((r[i - 1], nil)); i -= 1
        } else {
            out.append((nil, p[j - 1])); j -= 1
        }
    }
    return out.reversed()
}
