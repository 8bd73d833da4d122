import Foundation

/// This test process's scratch folder under the system's temporary directory; it and everything
/// the tests wrote in it are removed when the process exits.
public let testScratchFolder: String = {
    let path = NSTemporaryDirectory() + "ocr-tests-" + UUID().uuidString
    atexit { try? FileManager.default.removeItem(atPath: testScratchFolder) }
    return path
}()

/// `name` in a new empty directory of the test process's scratch folder.
public func temporaryPath(_ name: String) throws -> String {
    let dir = testScratchFolder + "/" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir + "/" + name
}

/// A new empty directory in the test process's scratch folder.
public func temporaryDirectory() throws -> String {
    (try temporaryPath("x") as NSString).deletingLastPathComponent
}
