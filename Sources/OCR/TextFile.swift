import Imaging

/// A text file's bytes, or nil when it cannot be read. Read with our own reader rather than
/// Foundation's, whose path for files reporting size 0 leaks its buffer on Linux (found by
/// Fuzz/FuzzLineData under LeakSanitizer).
func readFileBytes(_ path: String) -> [UInt8]? {
    do {
        return try readWholeFile(path)
    } catch {
        return error.reason == .emptyFile ? [] : nil
    }
}

/// A UTF-8 text file's contents, or nil when it cannot be read or is not valid UTF-8.
public func readUTF8File(_ path: String) -> String? {
    guard let bytes = readFileBytes(path) else { return nil }
    return String(validating: bytes, as: UTF8.self)
}
