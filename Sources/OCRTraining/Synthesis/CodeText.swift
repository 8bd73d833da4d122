import Foundation
import NeuralEngine

/// Lines of what documents hold besides prose (#21): code and markup (identifiers with
/// underscores and mixed case, calls, indexing, brackets of every kind, quotes, backslash
/// escapes, operators, comments), bracketed references, random codes (strings of any printable
/// character, with no space inside), hexadecimal numbers and numbers with units. Words, when
/// given, name the identifiers. Spaces stand only where such text has them: between tokens,
/// never inside a code or after an opening bracket.
public struct CodeText: Sendable {
    public var words: [String]
    public var maxLength: Int

    public init(words: [String], maxLength: Int = 48) {
        self.words = words.filter { w in !w.isEmpty && w.allSatisfy { $0.isLetter && $0.isASCII } }
        self.maxLength = maxLength
    }

    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz"), uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789"), printable = (33...126).map { Character(Unicode.Scalar(UInt8($0))) }
    static let operators = ["=", "==", "!=", "<=", ">=", "+=", "-=", "*", "/", "%", "+", "-", "->", "=>", "&&", "||", "::", "<<", ">>", "&", "|", "^", "~", "!"]
    static let escapes = ["\\n", "\\t", "\\\\", "\\\"", "\\'", "\\0", "\\x1b", "\\u00e9"]
    static let units = ["mm", "cm", "kg", "ms", "s", "MHz", "GHz", "kB", "MB", "%", "dpi", "V", "mA", "px", "pt"]

    /// One line, at most ``maxLength`` characters.
    public func line(rng: inout SplitMix64) -> String {
        let target = 8 + Int(rng.next() % UInt64(max(maxLength - 8, 1)))
        var text = ""
        while text.count < target {
            let piece = self.piece(rng: &rng)
            text += text.isEmpty ? piece : " " + piece
        }
        if text.count > maxLength {
            // Cut at the last space that fits; a single long piece is cut where it must.
            let head = text.prefix(maxLength + 1)
            if let space = head.lastIndex(of: " "), space > head.startIndex { text = String(head[..<space]) } else { text = String(text.prefix(maxLength)) }
        }
        while text.hasSuffix(" ") { text.removeLast() }
        return text.isEmpty ? "x" : text
    }

    func pick<T>(_ items: [T], _ rng: inout SplitMix64) -> T { items[Int(rng.next() % UInt64(items.count))] }

    /// A name as code spells it: snake_case, camelCase, CONSTANT, with digits now and then.
    func identifier(_ rng: inout SplitMix64) -> String {
        func word() -> String {
            words.isEmpty ? String((0..<(2 + Int(rng.next() % 6))).map { _ in pick(Self.lowercase, &rng) }) : pick(words, &rng).lowercased()
        }
        let parts = (0..<(1 + Int(rng.next() % 3))).map { _ in word() }
        var name: String
        switch rng.next() % 5 {
        case 0, 1: name = parts.joined(separator: "_")
        case 2: name = parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        case 3: name = parts.joined(separator: "_").uppercased()
        default: name = (rng.next() % 2 == 0 ? "_" : "") + parts.joined(separator: "_")
        }
        if rng.next() % 6 == 0 { name += String(Int(rng.next() % 100)) }
        return name
    }

    func literal(_ rng: inout SplitMix64) -> String {
        switch rng.next() % 7 {
        case 0: return String(Int(rng.next() % 10000))
        case 1: return "0x" + String(rng.next() % 65536, radix: 16, uppercase: rng.next() % 2 == 0)
        case 2: return String(format: "%.\(1 + Int(rng.next() % 3))f", Double(rng.next() % 100000) / 100)
        case 3, 4:
            let q = pick(["\"", "'", "`"], &rng)
            var body = words.isEmpty ? "text" : pick(words, &rng)
            if rng.next() % 2 == 0 { body += pick(Self.escapes, &rng) }
            return q + body + q
        case 5: return pick(["None", "null", "true", "false", "nil", "[]", "{}", "()", "''", "\"\""], &rng)
        default: return identifier(&rng)
        }
    }

    /// A call, an expression, a statement, a reference, a code, a quantity.
    func piece(rng: inout SplitMix64) -> String {
        switch rng.nextFloat() {
        case ..<0.22:
            let args = (0..<Int(rng.next() % 4)).map { _ in literal(&rng) }.joined(separator: ", ")
            return identifier(&rng) + (rng.next() % 3 == 0 ? "." + identifier(&rng) : "") + "(" + args + ")"
        case ..<0.34: return identifier(&rng) + "[" + literal(&rng) + "]" + (rng.next() % 3 == 0 ? "[" + String(Int(rng.next() % 9)) + "]" : "")
        case ..<0.46: return identifier(&rng) + " " + pick(Self.operators, &rng) + " " + literal(&rng)
        case ..<0.54:
            let entries = (0..<(1 + Int(rng.next() % 2))).map { _ in "\"" + identifier(&rng) + "\": " + literal(&rng) }
            return "{" + entries.joined(separator: ", ") + "}"
        case ..<0.60: return "<" + pick(["div", "span", "a", "p", "img", "td"], &rng) + (rng.next() % 2 == 0 ? " class=\"" + identifier(&rng) + "\"" : "") + ">"
        case ..<0.66: return pick(["# ", "// ", "/* ", "-- ", "; "], &rng) + (words.isEmpty ? "note" : pick(words, &rng))
        case ..<0.72: return pick(["[", "("], &rng) + String(1 + Int(rng.next() % 60)) + pick(["]", ")"], &rng)
        case ..<0.86:
            // A random code: any printable characters, no space inside.
            return String((0..<(3 + Int(rng.next() % 10))).map { _ in pick(Self.printable, &rng) })
        case ..<0.93:
            return String((0..<(4 + Int(rng.next() % 8))).map { _ in pick(Self.uppercase + Self.digits, &rng) })
        default:
            let sign = pick(["", "", "-", "+", "~"], &rng)
            return sign + String(Int(rng.next() % 5000)) + (rng.next() % 2 == 0 ? "." + String(Int(rng.next() % 100)) : "") + pick(["", " "], &rng) + pick(Self.units, &rng)
        }
    }
}
