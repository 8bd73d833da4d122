import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct DatasetTests {
    @Test func foldersAndManifests() throws {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        for name in ["a.png", "sub/b.bin.png", "c.jpg", "orphan.png"] { #expect(fm.createFile(atPath: dir + "/" + name, contents: Data([1]))) }
        try "first line\nsecond\n".write(toFile: dir + "/a.gt.txt", atomically: true, encoding: .utf8)
        try "cafe\u{301}".write(toFile: dir + "/sub/b.gt.txt", atomically: true, encoding: .utf8)
        try "c".write(toFile: dir + "/c.gt.txt", atomically: true, encoding: .utf8)
        let samples = try LineDataset.load([dir])
        #expect(samples.map(\.text) == ["first line", "c", "café"])
        #expect(samples[2].imagePath.hasSuffix("sub/b.bin.png"))
        try "a.png\tfirst\tstill text\n/abs/x.png\ty\n".write(toFile: dir + "/list.tsv", atomically: true, encoding: .utf8)
        let listed = try LineDataset.load([dir + "/list.tsv"])
        #expect(listed == [LineSample(imagePath: dir + "/a.png", text: "first\tstill text"), LineSample(imagePath: "/abs/x.png", text: "y")])
        try "no tab here\n".write(toFile: dir + "/bad.tsv", atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try LineDataset.load([dir + "/bad.tsv"]) }
        #expect(throws: FileError.self) { try LineDataset.load([dir + "/missing"]) }
    }

    /// An empty ground-truth file is an empty label; an empty manifest holds no lines.
    @Test func emptyFilesAreEmptyLabelsAndLists() throws {
        let dir = try temporaryDirectory()
        try PNGEncoder.write(BitmapFont.render("1"), to: dir + "/blank.png")
        FileManager.default.createFile(atPath: dir + "/blank.gt.txt", contents: Data())
        #expect(try LineDataset.load([dir]) == [LineSample(imagePath: dir + "/blank.png", text: "")])
        FileManager.default.createFile(atPath: dir + "/empty.tsv", contents: Data())
        #expect(try LineDataset.load([dir + "/empty.tsv"]).isEmpty)
    }
}
