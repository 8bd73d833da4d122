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
