/// The most bytes ``readWholeFile(_:maxBytes:)`` reads unless told otherwise (1 GiB).
public let defaultMaxFileBytes = 1 << 30

/// Reads a whole regular file of at most `maxBytes` bytes, refusing directories, FIFOs, devices
/// and empty or larger files before reading (a FIFO is never waited on).
public func readWholeFile(_ path: String, maxBytes: Int = defaultMaxFileBytes) throws(FileProblem) -> [UInt8] {
    func fail(_ problem: FileProblem) -> FileProblem { problem }
    func errnoReason() -> FileProblem {
        let code = errno
        if code == ENOENT || code == ENOTDIR { return .notFound }
        if code == EISDIR { return .isDirectory }
        return .unreadable(String(cString: strerror(code)))
    }

    // O_NONBLOCK: opening a FIFO must not wait for a writer; a regular file ignores it.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    if fd < 0 { throw fail(errnoReason()) }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw fail(errnoReason()) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw fail(.isDirectory)
    case S_IFIFO: throw fail(.notARegularFile("a FIFO"))
    case S_IFCHR, S_IFBLK: throw fail(.notARegularFile("a device"))
    case S_IFSOCK: throw fail(.notARegularFile("a socket"))
    default: throw fail(.notARegularFile("a special file"))
    }
    if Int(info.st_size) > maxBytes { throw fail(.tooLarge(bytes: Int(info.st_size), limit: maxBytes)) }

    var bytes = [UInt8]()
    bytes.reserveCapacity(max(Int(info.st_size), 0))
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 {
            if errno == EINTR { continue }
            throw fail(errnoReason())
        }
        if got == 0 { break }
        // A file that grows while it is read is bounded too.
        if bytes.count + got > maxBytes { throw fail(.tooLarge(bytes: bytes.count + got, limit: maxBytes)) }
        bytes.append(contentsOf: chunk[0..<got])
    }
    if bytes.isEmpty { throw fail(.empty) }
    return bytes
}

/// A text file's bytes (an empty file has none), or why it cannot be read.
public func readTextFileBytes(_ path: String) throws(FileProblem) -> [UInt8] {
    do {
        return try readWholeFile(path)
    } catch .empty {
        return []
    }
}

/// A UTF-8 text file's contents, or the file and why it cannot be read (`not UTF-8 text`).
/// Read with our own reader rather than Foundation's, whose path for files reporting size 0
/// leaks its buffer on Linux (found by Fuzz/FuzzLineData under LeakSanitizer).
public func readTextFile(_ path: String) throws(FileError) -> String {
    let bytes: [UInt8]
    do {
        bytes = try readTextFileBytes(path)
    } catch {
        throw FileError(file: path, error)
    }
    guard let text = String(validating: bytes, as: UTF8.self) else { throw FileError(file: path, reason: "not UTF-8 text") }
    return text
}
