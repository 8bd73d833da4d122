import Foundation
import NeuralEngine
import OCR
import Platform

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
    /// Share of the corpus words (0-1) given a form of running prose: a hyphenated compound
    /// ("royalty-free", "conflict-of-law"), a contraction or possessive ("don't", "authors'"),
    /// an and/or pair, a word broken at the line end ("transmis-"), an abbreviation ("e.g."), a
    /// section number or list mark ("1.4.", "c)") or a web address. Word lists alone never put a
    /// mark between two letters. At 0, the default, no random numbers are drawn for it, so a
    /// seed gives the same lines as before the option existed.
    public var proseShare: Float = 0
    /// Share of the lines (0-1) that are code-like (``CodeText``: code and markup, references,
    /// random codes, quantities), their identifiers made of the corpus words. At 0, the default,
    /// no random numbers are drawn for it, so a seed gives the same lines as before.
    public var codeShare: Float = 0 {
        didSet { code = codeShare > 0 ? CodeText(words: words, maxLength: maxLength) : nil }
    }
    private var code: CodeText?
    /// Share of the other lines (0-1) that hold a rule: a run of one mark (`*****`, `=====`,
    /// `-----`, `.....`, 3 to 40 long), alone or between a few words, as separators, underlines
    /// and leaders are printed. At 0, the default, no random numbers are drawn for it.
    public var ruleShare: Float = 0

    public init(words: [String], maxLength: Int = 48, running: Bool = false, proseShare: Float = 0) {
        self.words = words.filter { !$0.isEmpty }
        self.maxLength = maxLength
        self.running = running && !self.words.isEmpty
        self.proseShare = proseShare
    }

    /// The printable-ASCII words of a corpus file (split on white space; other words are left out).
    public init(corpusFile path: String, maxLength: Int = 48, running: Bool = false) throws(FileError) {
        guard let text = try? readTextFile(path) else {
            throw FileError(file: path, reason: "cannot read the text corpus")
        }
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            .filter { $0.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 } }
        guard !words.isEmpty else { throw FileError(file: path, reason: "the corpus has no printable-ASCII words") }
        self.init(words: words, maxLength: maxLength, running: running)
    }

    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz"), uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789"), punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    static let alphanumerics = lowercase + uppercase + digits, sentenceMarks = Array(",.;:!?")
    static let ruleMarks = Array("*=-_.#~+")

    public func line(rng: inout SplitMix64) -> String {
        if let code, rng.nextFloat() < codeShare { return code.line(rng: &rng) }
        if ruleShare > 0, rng.nextFloat() < ruleShare { return ruleLine(rng: &rng) }
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

    /// A line holding a run of one mark: alone (a separator), after a few words (an underline to
    /// the margin), or between words and a number (a leader: `Contents ........ 12`).
    func ruleLine(rng: inout SplitMix64) -> String {
        func words(_ count: Int) -> [String] { (0..<count).map { _ in token(rng: &rng) } }
        let mark = String(Self.ruleMarks[Int(rng.next() % UInt64(Self.ruleMarks.count))])
        let form = rng.next() % 3
        var before = form == 0 ? [] : words(1 + Int(rng.next() % 3))
        var after = form == 2 ? [String(1 + rng.next() % 400)] : []
        func room() -> Int { maxLength - (before + after).reduce(0) { $0 + $1.count + 1 } }
        while room() < 3, !before.isEmpty { before.removeLast() }
        if room() < 3 { after = [] }
        let run = max(1, min(room(), 3 + Int(rng.next() % 38)))
        return (before + [String(repeating: mark, count: run)] + after).joined(separator: " ").trimmingTrailingSpaces()
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
            if proseShare > 0 && rng.nextFloat() < proseShare { word = proseForm(of: word, rng: &rng) }
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

    static let contractions = ["'s", "'s", "n't", "'re", "'ll", "'ve", "'d", "'m", "'"]
    static let abbreviations = ["e.g.", "i.e.", "etc.", "U.S.", "a.m.", "p.m.", "Dr.", "Mr.", "Mrs.", "No.", "vs.",
                                "pp.", "Vol.", "Fig.", "Inc.", "Ltd.", "Co.", "St.", "cf.", "et al."]
    static let smallWords = ["of", "in", "to", "the", "and", "a", "by", "for", "on", "up"]

    /// `word` in one of the forms of running prose that a word list lacks (see `proseShare`).
    func proseForm(of word: String, rng: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        // A second word cased like the first: "ROYALTY-FREE", "Royalty-free", "royalty-free".
        let shouts = word.count > 1 && word == word.uppercased()
        func partner() -> String {
            let other = words.isEmpty ? "free" : pick(words)
            return shouts ? other.uppercased() : other.lowercased()
        }
        func number() -> String { String(1 + Int(rng.next() % 19)) }
        let roll = rng.nextFloat()
        switch roll {
        case ..<0.32: return word + "-" + partner()
        case ..<0.40: return word + "-" + pick(Self.smallWords) + "-" + partner()
        case ..<0.60:
            let ending = pick(Self.contractions)
            let possessive = ending == "'" && !word.lowercased().hasSuffix("s") ? "s'" : ending
            return word + (shouts ? possessive.uppercased() : possessive)
        case ..<0.67: return word + "/" + partner()
        case ..<0.77:
            // Broken at the end of a line: at least two letters on each side of the break.
            guard word.count >= 4 else { return word + "-" + partner() }
            return String(word.prefix(2 + Int(rng.next() % UInt64(word.count - 3)))) + "-"
        case ..<0.86: return pick(Self.abbreviations)
        case ..<0.94:
            switch rng.next() % 4 {
            case 0: return number() + "." + number() + "."
            case 1: return number() + "." + number() + "." + number()
            case 2: return String(pick(Self.lowercase)) + ")"
            default: return "(" + pick(["a", "b", "c", "d", "i", "ii", "iii", "iv", "v", number()]) + ")"
            }
        default:
            let host = (words.isEmpty ? "example" : pick(words)).lowercased() + "." + pick(["com", "org", "net", "io", "gov"])
            return pick(["https://", "http://", "www.", ""]) + host + pick(["", "/", "/" + partner().lowercased()])
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
