import Foundation
import Imaging
import Platform

/// Why recognition failed.
public enum RecognitionError: Error, CustomStringConvertible, Sendable {
    /// The image could not be read or decoded.
    case image(ImageError)
    /// The raw pixel buffer does not match the stated size.
    case badPixelBuffer(count: Int, width: Int, height: Int)
    /// The model file could not be loaded.
    case model(FileError)
    /// The word list of the spelling model could not be read.
    case wordList(SpellingModelError)
    /// A line of the image is wider at the network's height than ``Recognizer/maxLineColumns``.
    case lineTooWide(width: Int, height: Int, columns: Int)
    /// The image's lines together are wider than ``Recognizer/maxImageColumns``.
    case tooMuchText(columns: Int)
    /// The network's output for a line is not finite: the model computes NaN or infinity.
    case nonFiniteOutput

    public var description: String {
        switch self {
        case .image(let error): return error.description
        case let .badPixelBuffer(count, width, height): return "\(count) pixels do not fill a \(width)x\(height) image"
        case .model(let error): return error.description
        case .wordList(let error): return error.description
        case let .lineTooWide(width, height, columns):
            return "a \(width)x\(height) line is \(columns) columns wide at the network's height, over the limit of "
                + "\(Recognizer.maxLineColumns)"
        case .tooMuchText(let columns):
            return "its lines are \(columns) columns wide together at the network's height, over the limit of "
                + "\(Recognizer.maxImageColumns)"
        case .nonFiniteOutput:
            return "the network's output is not finite (NaN or infinity): the model is damaged"
        }
    }
}
