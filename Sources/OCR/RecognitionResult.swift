import Foundation

/// One recognized character with its confidence and where it lies in the input image.
public struct RecognizedCharacter: Equatable, Sendable {
    public var character: Character
    /// The character's probability at its most confident network step (0-1).
    public var confidence: Float
    /// The columns of the input image the character was read from (half-open).
    public var x: Range<Int>
}

/// One recognized text line.
public struct RecognizedLine: Equatable, Sendable {
    public var text: String
    /// The lowest character confidence (1 for an empty line).
    public var confidence: Float
    public var characters: [RecognizedCharacter]
    /// Where the line lies in the input image.
    public var box: PixelBox
}

/// What a recognizer read from one image: its lines, top to bottom.
public struct RecognitionResult: Equatable, Sendable {
    public var lines: [RecognizedLine]
    /// The lines' text joined by newlines.
    public var text: String { lines.map(\.text).joined(separator: "\n") }
    /// The lowest line confidence (1 when nothing was read).
    public var confidence: Float { lines.map(\.confidence).min() ?? 1 }
}
