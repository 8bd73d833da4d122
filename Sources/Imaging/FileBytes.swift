#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file, refusing directories and empty files, naming the problem in an `ImageError`.
public func readWholeFile(_ path: String) throws(ImageError) -> [UInt8] {
    func fail(_ reason: ImageErrorReason) -> ImageError { ImageError(file: path, reason: reason) }
    func errnoReason() -> ImageErrorReason {
        let code = errno
        if code == ENOENT || code == ENOTDIR { return .fileNotFound }
        if code == EISDIR { return .isDirectory }
        return .unreadable(String(cString: strerror(code)))
    }

    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw fail(errnoReason()) }
    defer { close(fd) }
    var info = stat()
    if fstat(fd, &info) != 0 { throw fail(errnoReason()) }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw fail(.isDirectory) }

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
        bytes.append(contentsOf: chunk[0..<got])
    }
    if bytes.isEmpty { throw fail(.emptyFile) }
    return bytes
}
