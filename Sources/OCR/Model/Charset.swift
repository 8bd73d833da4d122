import Foundation

/// The characters a model outputs: class 0 is the CTC blank, class i (i ≥ 1) is `characters[i-1]`.
/// Labels are NFC-normalized before encoding, so "é" typed either way is one character.
public struct Charset: Equatable, Sendable {
    public private(set) var characters: [Character]
    private var indices: [Character: Int]

    /// A charset of the given characters in order (duplicates dropped, first kept).
    public init<S: Sequence>(_ characters: S) where S.Element == Character {
        self.characters = []
        self.indices = [:]
        for c in characters { insert(c) }
    }

    /// Every distinct character of the labels, sorted by code point.
    public init(labels: [String]) {
        var seen = Set<Character>()
        for label in labels { for c in Charset.normalize(label) { seen.insert(c) } }
        self.init(seen.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
    }

    /// The 95 printable ASCII characters, space first.
    public static let printableASCII = Charset((32...126).map { Character(UnicodeScalar(UInt8($0))) })

    /// Classes including the blank.
    public var classCount: Int { characters.count + 1 }

    public static func normalize(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }

    public mutating func insert(_ c: Character) {
        guard indices[c] == nil else { return }
        characters.append(c)
        indices[c] = characters.count
    }

    /// The class of a character, or nil if it is not in the charset.
    public func index(of c: Character) -> Int? { indices[c] }

    /// The character of a class (nil for the blank or out of range).
    public func character(_ index: Int) -> Character? {
        index >= 1 && index <= characters.count ? characters[index - 1] : nil
    }

    /// Encodes a label (NFC first); throws listing every character the charset lacks.
    public func encode(_ label: String) throws(UnknownCharacters) -> [Int] {
        var out = [Int](), missing = [Character]()
        for c in Charset.normalize(label) {
            if let i = indices[c] { out.append(i) } else if !missing.contains(c) { missing.append(c) }
        }
        if !missing.isEmpty { throw UnknownCharacters(characters: missing) }
        return out
    }

    public func decode(_ classes: [Int]) -> String {
        String(classes.compactMap { character($0) })
    }

    public static func == (a: Charset, b: Charset) -> Bool { a.characters == b.characters }
}

/// Characters of a label that the charset does not have.
public struct UnknownCharacters: Error, CustomStringConvertible {
    public var characters: [Character]
    public var description: String {
        "characters not in the charset: " + characters.map { c in
            let codes = c.unicodeScalars.map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
            return "'\(c)' (\(codes))"
        }.joined(separator: ", ")
    }
}
