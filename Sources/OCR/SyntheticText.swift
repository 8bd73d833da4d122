import NeuralEngine

/// Makes the text of synthetic lines: runs of corpus words mixed with generated material
/// (numbers, prices, dates, codes, e-mail-like strings, punctuation, mixed case), so every
/// printable ASCII character appears often.
public struct SyntheticText: Sendable {
    /// Words to draw from (a corpus split on whitespace); if empty, pseudo-words are made up.
    public var words: [String]
    public var maxLength: Int

    public init(words: [String], maxLength: Int = 48) {
        self.words = words.filter { !$0.isEmpty }
        self.maxLength = maxLength
    }

    static let lowercase = Array("abcdefghijklmnopqrstuvwxyz"), uppercase = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    static let digits = Array("0123456789"), punctuation = Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

    public func line(rng: inout SplitMix64) -> String {
        var tokens = [String]()
        var length = 0
        let target = 8 + Int(rng.next() % UInt64(max(maxLength - 8, 1)))
        while length < target {
            let token = self.token(rng: &rng)
            tokens.append(token)
            length += token.count + 1
        }
        var text = tokens.joined(separator: " ")
        if text.count > maxLength { text = String(text.prefix(maxLength)).trimmingTrailingSpaces() }
        return text.isEmpty ? "0" : text
    }

    func token(rng: inout SplitMix64) -> String {
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        func number(_ digits: Int) -> String { String((0..<digits).map { _ in pick(Self.digits) }) }
        let roll = rng.nextFloat()
        switch roll {
        case ..<0.62:
            var word = words.isEmpty ? String((0..<(2 + Int(rng.next() % 8))).map { _ in pick(Self.lowercase) }) : pick(words)
            let casing = rng.nextFloat()
            if casing < 0.15 { word = word.prefix(1).uppercased() + word.dropFirst() }
            else if casing < 0.2 { word = word.uppercased() }
            let after = rng.nextFloat()
            if after < 0.12 { word += String(pick(Array(",.;:!?"))) }
            else if after < 0.16 { word = "(" + word + ")" }
            else if after < 0.2 { word = "\"" + word + "\"" }
            else if after < 0.22 { word = "'" + word + "'" }
            return word
        case ..<0.70: return number(1 + Int(rng.next() % 5))
        case ..<0.74: return "$" + number(1 + Int(rng.next() % 4)) + "." + number(2)
        case ..<0.77: return number(2) + pick(["/", "-", "."]) + number(2) + pick(["/", "-", "."]) + number(4)
        case ..<0.80: return String((0..<(2 + Int(rng.next() % 3))).map { _ in pick(Self.uppercase) }) + "-" + number(2 + Int(rng.next() % 4))
        case ..<0.82:
            let user = words.isEmpty ? "info" : pick(words).lowercased()
            return user + "@" + (words.isEmpty ? "example" : pick(words).lowercased()) + "." + pick(["com", "org", "net", "io"])
        case ..<0.84: return number(1 + Int(rng.next() % 3)) + pick(["%", "kg", "cm", "mm", "km"])
        case ..<0.90: return String((0..<(1 + Int(rng.next() % 3))).map { _ in pick(Self.punctuation) })
        case ..<0.95: return String((0..<(3 + Int(rng.next() % 6))).map { _ in pick(Self.lowercase + Self.uppercase + Self.digits) })
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
