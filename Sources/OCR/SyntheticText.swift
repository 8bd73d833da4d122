import Foundation
import NeuralEngine

/// Makes the text of synthetic lines: runs of corpus words mixed with generated material
/// (numbers, prices, dates, codes, e-mail-like strings, punctuation, mixed case), so every
/// printable ASCII character appears often.
public struct SyntheticText: Sendable {
    /// Words to draw from (a corpus split on whitespace); if empty, pseudo-words are made up.
    public var words: [String]
    public var maxLength: Int
    /// Lines are runs of consecutive corpus words (running text) instead of words drawn at
    /// random mixed with generated material.
    public var running: Bool

    public init(words: [String], maxLength: Int = 48, running: Bool = false) {
        self.words = words.filter { !$0.isEmpty }
        self.maxLength = maxLength
        self.running = running && !self.words.isEmpty
    }

    /// The printable-ASCII words of a corpus file (split on white space; other words are left out).
    public init(corpusFile path: String, maxLength: Int = 48, running: Bool = false) throws(DatasetError) {
        guard let text = readUTF8File(path) else {
            throw DatasetError(file: path, reason: "cannot read the text corpus")
        }
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            .filter { $0.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 } }
        guard !words.isEmpty else { throw DatasetError(file: path, reason: "the corpus has no printable-ASCII words") }
        self.init(words: words, maxLength: maxLength, running: running)
    }

    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz"), uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789"), punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    static let alphanumerics = lowercase + uppercase + digits, sentenceMarks = Array(",.;:!?")
    static let ruleMarks = Array("*=-_.#~+")

    public func line(rng: inout SplitMix64) -> String {
        var tokens = [String]()
        var length = 0
        let target = 8 + Int(rng.next() % UInt64(max(maxLength - 8, 1)))
        var position = Int(rng.next() % UInt64(max(words.count, 1)))
        while length < target {
            let token: String
            if running {
                token = words[position % words.count]
                position += 1
            } else {
                token = self.token(rng: &rng)
            }
            tokens.append(token)
            length += token.count + 1
        }
        var text = tokens.joined(separator: " ")
        if text.count > maxLength {
            // Cut at the last space that fits, so no word is cut in half (unless one word is too long).
            let head = text.prefix(maxLength + 1)
            if let space = head.lastIndex(of: " "), space > head.startIndex {
                text = String(head[..<space]).trimmingTrailingSpaces()
            } else {
                text = String(text.prefix(maxLength))
            }
        }
        return text.isEmpty ? "0" : text
    }

    func token(rng: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func number(_ digits: Int) -> String { String((0..<digits).map { _ in pick(Self.digits) }) }
        let roll = rng.nextFloat()
        switch roll {
        case ..<0.70:
            var word = words.isEmpty ? String((0..<(2 + Int(rng.next() % 8))).map { _ in pick(Self.lowercase) }) : pick(words)
            let casing = rng.nextFloat()
            if casing < 0.15 { word = word.prefix(1).uppercased() + word.dropFirst() }
            else if casing < 0.2 { word = word.uppercased() }
            let after = rng.nextFloat()
            if after < 0.12 { word += String(pick(Self.sentenceMarks)) }
            else if after < 0.16 { word = "(" + word + ")" }
            else if after < 0.2 { word = "\"" + word + "\"" }
            else if after < 0.22 { word = "'" + word + "'" }
            return word
        case ..<0.76: return number(1 + Int(rng.next() % 5))
        case ..<0.79: return "$" + number(1 + Int(rng.next() % 4)) + "." + number(2)
        case ..<0.81: return number(2) + pick(["/", "-", "."]) + number(2) + pick(["/", "-", "."]) + number(4)
        case ..<0.83: return String((0..<(2 + Int(rng.next() % 3))).map { _ in pick(Self.uppercase) }) + "-" + number(2 + Int(rng.next() % 4))
        case ..<0.845:
            let user = words.isEmpty ? "info" : pick(words).lowercased()
            return user + "@" + (words.isEmpty ? "example" : pick(words).lowercased()) + "." + pick(["com", "org", "net", "io"])
        case ..<0.86: return number(1 + Int(rng.next() % 3)) + pick(["%", "kg", "cm", "mm", "km"])
        case ..<0.91: return String((0..<(1 + Int(rng.next() % 3))).map { _ in pick(Self.punctuation) })
        case ..<0.95: return String((0..<(3 + Int(rng.next() % 6))).map { _ in pick(Self.alphanumerics) })
        case ..<0.965:
            // A rule or separator: a run of one mark, as documents and license texts draw them.
            return String(repeating: pick(Self.ruleMarks), count: 3 + Int(rng.next() % 38))
        default: return pick(["&", "#" + number(3), "<" + number(2) + ">", "[" + number(1) + "]", "{x}", "a_b", "x^2", "~", "|", "\\n", "`"])
        }
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
