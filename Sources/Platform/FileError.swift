/// A problem with a file, naming the file and what is wrong: a model, a dataset, a font, a list.
public struct FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public init(file: String, _ problem: FileProblem) {
        self.init(file: file, reason: problem.message)
    }

    public var description: String { "\(file): \(reason)" }
}

/// Why a file could not be read or written, without its name.
public enum FileProblem: Error, Equatable, Sendable {
    case notFound
    case isDirectory
    /// A FIFO, a device, a socket (named in the associated value).
    case notARegularFile(String)
    case empty
    /// Larger than what is read from one file.
    case tooLarge(bytes: Int, limit: Int)
    /// The system's reason (`Permission denied`, ...).
    case unreadable(String)
    case writeFailed(String)

    /// The reason in words.
    public var message: String {
        switch self {
        case .notFound: "no such file"
        case .isDirectory: "is a directory"
        case .notARegularFile(let kind): "is \(kind), not a regular file"
        case .empty: "empty file"
        case let .tooLarge(bytes, limit): "file is \(bytes) bytes, over the limit of \(limit) bytes"
        case .unreadable(let why): "cannot read: \(why)"
        case .writeFailed(let why): "cannot write: \(why)"
        }
    }
}
