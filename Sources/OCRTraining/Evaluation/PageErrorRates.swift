import Foundation

/// Error rates of whole pages, measured as `../shared/eval/page_cer.py` measures them: both texts
/// normalized alike (typographic quotes, dashes and ligatures to ASCII, every run of whitespace,
/// line breaks included, one space), then
/// - CER: edit distance over the reference's characters (Unicode scalars), on the text in reading
///   order, so that a column read in the wrong order, or two read across, costs;
/// - bag-of-words error: 1 − F1 of the two multisets of words, order-free: recognition alone.
public struct PageErrorRates: Sendable {
    public private(set) var characterEdits = 0
    public private(set) var referenceCharacters = 0
    /// Words in both (as multisets), only in the prediction, only in the reference.
    public private(set) var matchedWords = 0
    public private(set) var extraWords = 0
    public private(set) var missedWords = 0
    public private(set) var pages = 0

    public init() {}

    /// Adds one page: what was read and its ground truth.
    public mutating func add(prediction: String, reference: String) {
        let p = Self.normalized(prediction), r = Self.normalized(reference)
        characterEdits += editDistance(p.unicodeScalars.map(\.value), r.unicodeScalars.map(\.value))
        referenceCharacters += r.unicodeScalars.count
        var counts = [Substring: Int]()
        for word in r.split(separator: " ") { counts[word, default: 0] += 1 }
        let referenceWords = counts.values.reduce(0, +)
        var matched = 0, predicted = 0
        for word in p.split(separator: " ") {
            predicted += 1
            if let n = counts[word], n > 0 { counts[word] = n - 1; matched += 1 }
        }
        matchedWords += matched
        extraWords += predicted - matched
        missedWords += referenceWords - matched
        pages += 1
    }

    public var cer: Double { Double(characterEdits) / Double(max(referenceCharacters, 1)) }
    public var bagOfWordsError: Double {
        1 - 2 * Double(matchedWords) / Double(max(2 * matchedWords + extraWords + missedWords, 1))
    }

    /// Typographic characters the metric counts as their ASCII forms.
    static let asciiForms: [Unicode.Scalar: String] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'", "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"",
        "\u{2013}": "-", "\u{2014}": "-", "\u{2212}": "-", "\u{00AD}": "", "\u{FB01}": "fi", "\u{FB02}": "fl",
        "\u{FB00}": "ff", "\u{FB03}": "ffi", "\u{FB04}": "ffl", "\u{00A0}": " ", "\u{2026}": "...",
    ]

    /// `text` with typographic characters mapped to ASCII and each run of whitespace one space,
    /// none at either end (page_cer.py's `norm`).
    public static func normalized(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        func append(_ s: Unicode.Scalar) {
            if Self.isWhitespace(s) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(s)
            }
        }
        for s in text.unicodeScalars {
            if let mapped = asciiForms[s] { mapped.unicodeScalars.forEach(append) } else { append(s) }
        }
        return String(out)
    }

    /// What Python's `\s` matches in a str: Unicode whitespace and the ASCII separators 0x1C-0x1F.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace || (0x1C...0x1F).contains(s.value)
    }
}
