/// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it into place, so
/// a reader never sees a partial file.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(FileProblem) {
    func fail() -> FileProblem { .writeFailed(String(cString: strerror(errno))) }
    let temporary = "\(path).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { throw fail() }
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            let error = fail()
            close(fd)
            unlink(temporary)
            throw error
        }
        written += n
    }
    let synced = fsync(fd) == 0
    let syncError = synced ? nil : fail()
    let closed = close(fd) == 0
    if let error = syncError ?? (closed ? nil : fail()) {
        unlink(temporary)
        throw error
    }
    if rename(temporary, path) != 0 {
        let error = fail()
        unlink(temporary)
        throw error
    }
}

