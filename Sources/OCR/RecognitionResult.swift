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
    /// The index of the line's block in reading order (0 for an image of one block).
    public var block: Int = 0
}

/// What a recognizer read from one image: its lines, top to bottom.
public struct RecognitionResult: Equatable, Sendable {
    public var lines: [RecognizedLine]
    /// The page's skew in degrees as the layout measured it (0 for a line or a small image).
    public var skewDegrees: Float = 0
    /// The lines' text joined by newlines, with a blank line between blocks.
    public var text: String {
        var out = ""
        for (i, line) in lines.enumerated() {
            if i > 0 { out += line.block != lines[i - 1].block ? "\n\n" : "\n" }
            out += line.text
        }
        return out
    }
    /// The lowest line confidence (1 when nothing was read).
    public var confidence: Float { lines.map(\.confidence).min() ?? 1 }
}
