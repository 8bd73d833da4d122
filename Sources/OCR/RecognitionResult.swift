import Foundation

/// One recognized character with its confidence and where it lies in the input image.
public struct RecognizedCharacter: Equatable, Sendable {
    public var character: Character
    /// The character's probability at its most confident network step (0-1).
    public var confidence: Float
    /// The columns of the input image the character was read from (half-open).
    public var x: Range<Int>
    /// The character's box in the input image: its columns, and the rows of the line's ink in
    /// them (the line's rows for a space or where there is no ink).
    public var box: PixelBox

    public init(character: Character, confidence: Float, x: Range<Int>, box: PixelBox? = nil) {
        self.character = character
        self.confidence = confidence
        self.x = x
        self.box = box ?? PixelBox(x: x.lowerBound, y: 0, width: x.count, height: 0)
    }
}

/// One word of a line: the characters between spaces.
public struct RecognizedWord: Equatable, Sendable {
    public var text: String
    /// The lowest confidence of its characters.
    public var confidence: Float
    /// The union of its characters' boxes.
    public var box: PixelBox
    public var characters: [RecognizedCharacter]
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
    /// The skew the line was read along: rows up per column right (positive when the text runs
    /// uphill, as on a page turned counter-clockwise).
    public var slope: Float = 0

    /// The line's words, left to right: its characters split at the spaces it was read with.
    public var words: [RecognizedWord] {
        var words = [RecognizedWord](), current = [RecognizedCharacter]()
        func finish() {
            guard let first = current.first else { return }
            let box = current.dropFirst().reduce(first.box) { $0.union($1.box) }
            words.append(RecognizedWord(text: String(current.map(\.character)), confidence: current.map(\.confidence).min() ?? 1,
                                        box: box, characters: current))
            current = []
        }
        for c in characters {
            if c.character.isWhitespace { finish() } else { current.append(c) }
        }
        finish()
        return words
    }
}

/// A block of text in reading order: where it is on the page.
public struct RecognizedBlock: Equatable, Sendable {
    /// The bounding box of the block's ink.
    public var box: PixelBox
}

/// What a recognizer read from one image: its lines in reading order (block by block, each
/// block's lines top to bottom) and the blocks they belong to.
public struct RecognitionResult: Equatable, Sendable {
    public var lines: [RecognizedLine]
    /// The blocks of the page in reading order; ``RecognizedLine/block`` indexes them. Empty
    /// for a result put together by hand; one block for a line or a column.
    public var blocks: [RecognizedBlock] = []
    /// The page's skew in degrees as the layout measured it (0 for a line or a small image).
    public var skewDegrees: Float = 0
    /// The boxes of the photos and other pictures the layout left out (not read).
    public var photos: [PixelBox] = []
    /// The size of the image read, in pixels.
    public var width = 0, height = 0
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
