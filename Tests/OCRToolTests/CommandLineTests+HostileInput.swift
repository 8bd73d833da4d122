import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

extension CommandLineTests {
    /// A folder with good images beside a 1,000,000-wide, a 100,000-wide and a blank one: every
    /// good image is read, the wide ones are named with the reason, the blank one reads empty.
    @Test func hostileImagesDoNotStopTheBatch() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        for name in ["wide_1Mx1.png", "wide_100kx16.png", "white_400x40.png"] {
            try FileManager.default.copyItem(atPath: TestModels.fixtures + "/" + name, toPath: dir + "/" + name)
        }
        let run = try ocr(["recognize", "--format", "tsv", dir])
        #expect(run.status == 1)
        let rows = run.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 15, "\(run.stdout)")
        for row in rows where row[0].contains("wide_") {
            #expect(row.count == 4 && row[3].contains("over the limit of"), "\(row)")
            #expect(run.stderr.contains(row[0] + ": a "))
        }
        #expect(rows.filter { $0[0].contains("/line") }.allSatisfy { $0.count == 3 && !$0[1].isEmpty })
        #expect(rows.first { $0[0].hasSuffix("white_400x40.png") }.map { $0.count == 3 && $0[1].isEmpty } == true)
    }
}

extension CommandLineTests {
    /// A failed write to standard output is reported, with exit 1, not a crash.
    @Test func aFullStandardOutputIsReported() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["recognize", dir]
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let err = Pipe()
        process.standardOutput = full
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("cannot write output: No space left on device"), "\(stderr)")
    }
}

extension CommandLineTests {
    /// A 100 GB (sparse) file, a FIFO and a device among the inputs are refused by name at once;
    /// the other images are read.
    @Test func filesThatAreNotImagesToReadAreRefusedAtOnce() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        try #require(FileManager.default.createFile(atPath: dir + "/huge.png", contents: nil))
        try #require(truncate(dir + "/huge.png", 100 << 30) == 0)
        try #require(mkfifo(dir + "/fifo.png", 0o644) == 0)
        let started = Date()
        let run = try ocr(["recognize", "--format", "tsv", dir, "/dev/zero"])
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(run.status == 1)
        #expect(run.stderr.contains("huge.png: file is 107374182400 bytes, over the limit of"), "\(run.stderr)")
        #expect(run.stderr.contains("fifo.png: is a FIFO, not a regular file"), "\(run.stderr)")
        #expect(run.stderr.contains("/dev/zero: is a device, not a regular file"), "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 15 && rows.filter { $0.count == 3 && !$0[1].isEmpty }.count == 12, "\(run.stdout)")
        let model = try ocr(["info", "/dev/zero"])
        #expect(model.status == 1 && model.stderr.contains("is a device"), "\(model.stderr)")
    }
}

extension CommandLineTests {
    /// A checkpoint already at or past --steps says so instead of doing nothing in silence.
    @Test func aCheckpointPastTheStepsSaysSo() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let common = ["--train", dir, "--val", dir, "--out", dir + "/m.safetensors", "--batch", "4", "--validate-every", "10",
                      "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0")]
        #expect(try ocr(["train"] + common + ["--steps", "10"]).status == 0)
        let past = try ocr(["train"] + common + ["--steps", "5", "--resume", dir + "/m.safetensors.ckpt"])
        #expect(past.status == 1 && past.stderr.contains("is at step 10, not before --steps 5: nothing to train"), "\(past.stderr)")
    }
}

extension CommandLineTests {
    /// A link to a folder is searched; a name that is not UTF-8 is reported, not skipped; a
    /// list's byte-order mark is not part of its first path, and a line that is not UTF-8 is
    /// reported alone while the others are read.
    @Test func folderSearchAndListsAccountForEverything() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let raw = Array((dir + "/bad").utf8) + [0xFF] + Array(".png".utf8) + [0]
        let fd = raw.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        try #require(fd >= 0)
        close(fd)
        let link = (try temporaryPath("x") as NSString).deletingLastPathComponent + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dir)
        let run = try ocr(["recognize", "--format", "tsv", link])
        #expect(run.status == 1)
        #expect(run.stderr.contains("/bad\\xff.png: the file name is not UTF-8"), "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").count == 12, "\(run.stdout)")
        let list = dir + "/list.txt"
        let bytes = [0xEF, 0xBB, 0xBF] + Array((dir + "/line0.png\n").utf8) + [0x2F, 0xFE, 0x0A] + Array((dir + "/line1.png\r\n").utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: list))
        let listed = try ocr(["recognize", "--format", "tsv", "--list", list])
        #expect(listed.status == 1 && listed.stderr.contains("list.txt line 2: the path is not UTF-8"), "\(listed.stderr)")
        let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 2 && rows.allSatisfy { $0.count == 3 } && rows[0][0] == (dir + "/line0.png")[...], "\(listed.stdout)")
    }
}

extension CommandLineTests {
    /// `ocr eval` refuses what recognition refuses, by name, and measures the rest: a
    /// 1,000,000 x 1 line and a label of 2,000 characters are skipped, not scaled or aligned.
    @Test func evalSkipsWideLinesAndLongLabels() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        try FileManager.default.copyItem(atPath: TestModels.fixtures + "/wide_1Mx1.png", toPath: dir + "/wide.png")
        try "x\n".write(toFile: dir + "/wide.gt.txt", atomically: true, encoding: .utf8)
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/long.png")
        try (String(repeating: "0", count: 2000) + "\n").write(toFile: dir + "/long.gt.txt", atomically: true, encoding: .utf8)
        let run = try ocr(["eval", dir])
        #expect(run.status == 1)
        #expect(run.stderr.contains("wide.png: a 1000000x1 line is 32000000 columns wide"), "\(run.stderr)")
        #expect(run.stderr.contains("long.png: label of 2000 characters is over the limit of 1000"), "\(run.stderr)")
        #expect(run.stdout.contains("lines 12"), "\(run.stdout)")
    }
}

extension CommandLineTests {
    /// A file name with a line break or a terminal escape stays one line on standard error and
    /// one row of TSV, escaped as TSV escapes (`\r\n` no longer reads back as `\n`).
    @Test func controlCharactersInFileNamesAreEscaped() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent + "/names"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "not an image".write(toFile: dir + "/two\r\nlines.png", atomically: true, encoding: .utf8)
        try "not an image".write(toFile: dir + "/red\u{1B}[31m.png", atomically: true, encoding: .utf8)
        let run = try ocr(["recognize", "--format", "tsv", dir])
        #expect(run.status == 1)
        #expect(!run.stderr.contains("\r") && !run.stderr.contains("\u{1B}"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("/names/two\\r\\nlines.png: not an image"), "\(run.stderr)")
        #expect(run.stderr.contains("/names/red\\x1B[31m.png: not an image"), "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(rows.count == 2 && rows.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 4 },
                "\(run.stdout)")
        #expect(run.stdout.contains("/names/two\\r\\nlines.png\t\t\t"), "\(run.stdout)")
    }

    /// The charset of a new model holds the characters of the lines it trains on: not a NUL of a
    /// refused label, not the label of an image that could not be read. A manifest that repeats
    /// an image, and validation lines that are training lines, are warned about.
    @Test func trainingDataThatWouldMisleadIsReported() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/nul.png")
        try "01\u{0}23\n".write(toFile: dir + "/nul.gt.txt", atomically: true, encoding: .utf8)
        try "not an image".write(toFile: dir + "/broken.png", atomically: true, encoding: .utf8)
        try "Ω\n".write(toFile: dir + "/broken.gt.txt", atomically: true, encoding: .utf8)
        let manifest = dir + "/train.tsv"
        try (String(repeating: "line0.png\t\(BitmapFont.lines[0])\n", count: 300) + "line1.png\t\(BitmapFont.lines[1])\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let model = dir + "/m.safetensors"
        let run = try ocr(["train", "--train", dir, "--train", manifest, "--val", dir, "--out", model, "--steps", "2",
                           "--batch", "4", "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("nul.png: label has the control character U+0000 at character 3"), "\(run.stderr)")
        #expect(run.stderr.contains("broken.png: not an image"), "\(run.stderr)")
        #expect(run.stderr.contains("2 training images are listed more than once (301 repeats; \(dir)/line0.png 301 times)"),
                "\(run.stderr)")
        #expect(run.stderr.contains("14 of the 14 validation lines are training lines too"), "\(run.stderr)")
        let charset = Set(BitmapFont.lines.joined())
        let info = try ocr(["info", model])
        #expect(info.stdout.contains("charset       \(charset.count) characters: \(String(charset.sorted()))"), "\(info.stdout)")
    }
}
