import Foundation
import Platform
import TestSupport
import Testing

@Suite struct FileReadingTests {
    /// Empty text files read as empty (regression: Foundation's zero-size read leaked, found by
    /// Fuzz/FuzzLineData under LeakSanitizer; we read with our own reader now); a file that is
    /// not UTF-8 or not there is an error naming it.
    @Test func textFiles() throws {
        let dir = try temporaryDirectory()
        FileManager.default.createFile(atPath: dir + "/blank.gt.txt", contents: Data())
        #expect(try readTextFile(dir + "/blank.gt.txt") == "")
        #expect(throws: FileError(file: dir + "/absent", reason: "no such file")) { try readTextFile(dir + "/absent") }
        FileManager.default.createFile(atPath: dir + "/latin1.txt", contents: Data([0x66, 0xE9, 0x65]))
        #expect(throws: FileError(file: dir + "/latin1.txt", reason: "not UTF-8 text")) { try readTextFile(dir + "/latin1.txt") }
        #expect(throws: FileProblem.isDirectory) { try readWholeFile(dir) }
    }

    /// An atomic write leaves the whole file or, when it fails, nothing (not even its temporary).
    @Test func atomicWrites() throws {
        let dir = try temporaryDirectory()
        try writeFileAtomically([1, 2, 3], to: dir + "/a.bin")
        #expect(try readWholeFile(dir + "/a.bin") == [1, 2, 3])
        #expect(throws: FileProblem.self) { try writeFileAtomically([1], to: dir + "/missing/a.bin") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["a.bin"])
    }
}
