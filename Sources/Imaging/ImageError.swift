/// Why an image could not be read or written.
public enum ImageErrorReason: Equatable, Sendable {
    case fileNotFound
    case isDirectory
    case unreadable(String)
    case emptyFile
    /// Not PNG, JPEG, TIFF or PNM; the associated value names the format when it is recognized.
    case notAnImage(detected: String?)
    /// A page (from 1) past the last of a file of `pages` pages.
    case noSuchPage(Int, pages: Int)
    case truncated
    /// The decoder rejected the data (bad CRC, bad marker, ...); the message is the library's.
    case corrupt(String)
    case zeroDimensions
    /// Refused before any pixel buffer was allocated.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// A side longer than the decoder reads (libpng reads up to 1,000,000 pixels per side).
    case sideTooLong(width: Int, height: Int, limit: Int)
    case writeFailed(String)
    /// Not a regular file: a FIFO, a device, a socket (named in the associated value).
    case notARegularFile(String)
    /// Larger than what is read from one file.
    case fileTooLarge(bytes: Int, limit: Int)
}

/// An error from decoding or encoding an image, naming the file (when there is one) and the reason.
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path of the file, or nil for bytes in memory.
    public var file: String?
    public var reason: ImageErrorReason

    public init(file: String?, reason: ImageErrorReason) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file ?? "<memory>"): \(reason.message)" }
}

extension ImageErrorReason {
    /// The reason in words, without the file name.
    public var message: String {
        let what: String
        switch self {
        case .fileNotFound: what = "no such file"
        case .isDirectory: what = "is a directory, not an image file"
        case .unreadable(let why): what = "cannot read: \(why)"
        case .emptyFile: what = "empty file"
        case .notAnImage(let detected?): what = "not a supported image (\(detected)); PNG, JPEG, TIFF and PNM are supported"
        case .notAnImage(nil): what = "not an image (not PNG, JPEG, TIFF or PNM)"
        case let .noSuchPage(page, pages): what = "has no page \(page) (it has \(pages))"
        case .truncated: what = "truncated image data"
        case .corrupt(let message): what = "corrupt image data: \(message)"
        case .zeroDimensions: what = "image has zero width or height"
        case let .tooLarge(width, height, limit):
            what = "image is \(width)x\(height) pixels, over the limit of \(limit) pixels"
        case let .sideTooLong(width, height, limit):
            what = "image is \(width)x\(height) pixels, over the limit of \(limit) pixels per side"
        case .writeFailed(let why): what = "cannot write: \(why)"
        case .notARegularFile(let kind): what = "is \(kind), not a regular file"
        case let .fileTooLarge(bytes, limit): what = "file is \(bytes) bytes, over the limit of \(limit) bytes"
        }
        return what
    }
}
