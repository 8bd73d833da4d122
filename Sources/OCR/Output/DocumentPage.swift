import Foundation

/// One page of an input as the document formats (hOCR, ALTO, PAGE XML, PDF) write it: what was
/// read from it, the file it came from and, when the file says, its resolution.
public struct DocumentPage: Sendable {
    public var result: RecognitionResult
    /// The image file's path as it was given (documents name its last component).
    public var imagePath: String
    /// The page's number in its file, from 1.
    public var number: Int
    /// Pixels per inch across and down, when the file gives them.
    public var resolution: (x: Double, y: Double)?

    public init(result: RecognitionResult, imagePath: String, number: Int = 1, resolution: (x: Double, y: Double)? = nil) {
        self.result = result
        self.imagePath = imagePath
        self.number = number
        self.resolution = resolution
    }

    /// The image file's name without its folders.
    public var imageFileName: String { (imagePath as NSString).lastPathComponent }
}

/// Where a line's letters stand: the baseline, as a straight line through the page, and the
/// height of its letters.
public struct Baseline: Equatable, Sendable {
    /// The baseline's row at the line box's left edge (the row just below the letters' ink).
    public var y: Double
    /// Rows down per column right (image coordinates: negative when the text runs uphill).
    public var slope: Double

    /// The baseline's row at column `x`.
    public func row(atColumn x: Double, from left: Double) -> Double { y + slope * (x - left) }
}

extension RecognizedLine {
    /// Letters and figures that reach below the baseline, or stand above it, and so say nothing
    /// about where it is.
    static let offBaseline = Set("gjpqyQJ,;()[]{}|/\\_-~'\"`*^")

    /// The line's baseline: its slope the skew it was read along, its row the median of the
    /// bottoms of its letters and figures that sit on it (each taken back along the slope to the
    /// line's left edge); the bottom of the line's box when it has none.
    public var baseline: Baseline {
        let slope = Double(-self.slope)
        let left = Double(box.x)
        let bottoms = characters.filter { ($0.character.isLetter || $0.character.isNumber) && !Self.offBaseline.contains($0.character) }
            .map { c in Double(c.box.y + c.box.height) - slope * (Double(c.box.x) + Double(c.box.width) / 2 - left) }
            .sorted()
        let y = bottoms.isEmpty ? Double(box.y + box.height) : bottoms[bottoms.count / 2]
        return Baseline(y: y, slope: slope)
    }

    /// The median height of the line's letters and figures, in pixels (the line's height when it
    /// has none): about the size of the type.
    public var letterSize: Int {
        let heights = characters.filter { $0.character.isLetter || $0.character.isNumber }.map(\.box.height).sorted()
        return heights.isEmpty ? box.height : heights[heights.count / 2]
    }
}
