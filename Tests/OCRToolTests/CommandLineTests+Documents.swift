import Foundation
import Imaging
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

/// Document formats, output folders and batches that resume.
extension CommandLineTests {
    /// A tiny random model (fast; what it reads does not matter here) and a folder of images.
    func documentBatch() throws -> (model: String, dir: String) {
        let dir = try temporaryDirectory()
        let charset = Charset(Array("0123456789 "))
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: charset.classCount)
        try OCRModel(architecture: architecture, charset: charset, seed: 3).save(to: dir + "/random.safetensors")
        return (dir + "/random.safetensors", dir)
    }

    /// Every file under `folder`, relative, sorted, but the temporary ones of a killed run.
    func files(under folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [])
            .filter { !$0.contains(".tmp-") && FolderSearch.isFolder(folder + "/" + $0) != true }.sorted()
    }

    @Test func outputFolderMirrorsFoldersAndResumes() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let (model, dir) = try documentBatch()
        for name in ["in/a/x", "in/b/x", "in/c"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + (name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try PNGEncoder.write(BitmapFont.render(BitmapFont.lines[name.count % 12]), to: "\(dir)/\(name).png")
        }
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: dir + "/in/bad.png"))
        let formats = "text,tsv,json,hocr,alto,page"
        let run = try ocr(["recognize", "--model", model, "--format", formats, "--output-dir", dir + "/out", dir + "/in"])
        #expect(run.status == 1 && run.stderr.contains("bad.png") && run.stderr.contains("3 of 4 images read (3 pages), 1 failed"), "\(run.stderr)")
        // The folder's tree, mirrored.
        let expected = ["a/x", "b/x", "c"].flatMap { name in
            ["alto.xml", "hocr", "json", "page.xml", "tsv", "txt"].map { "\(name).\($0)" }
        }.sorted()
        #expect(files(under: dir + "/out") == expected)
        // The text file holds what standard output would.
        let alone = try ocr(["recognize", "--model", model, dir + "/in/a/x.png"])
        #expect(try String(contentsOfFile: dir + "/out/a/x.txt", encoding: .utf8) == alone.stdout)
        let hocr = try String(contentsOfFile: dir + "/out/b/x.hocr", encoding: .utf8)
        let page = ParsedXML.parse(hocr)?.all.first { $0.attributes["class"] == "ocr_page" }
        #expect(page?.attributes["title"]?.hasPrefix("image \"x.png\"; bbox 0 0 ") == true, "\(hocr)")

        // Resumed: only what is missing is read again, and comes out the same.
        try FileManager.default.removeItem(atPath: dir + "/out/b/x.hocr")
        let again = try ocr(["recognize", "--model", model, "--format", formats, "--output-dir", dir + "/out", "--skip-existing", dir + "/in"])
        #expect(again.status == 1 && again.stderr.contains("1 of 2 images read (1 page), 1 failed, 2 skipped"), "\(again.stderr)")
        #expect(try String(contentsOfFile: dir + "/out/b/x.hocr", encoding: .utf8) == hocr)
        #expect(files(under: dir + "/out") == expected)
    }

    @Test func aKilledBatchResumesToTheSameFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let (model, dir) = try documentBatch()
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        for i in 0..<120 {
            try PNGEncoder.write(BitmapFont.render(BitmapFont.lines[i % 12] + String(i)), to: "\(dir)/in/\(String(format: "%03d", i)).png")
        }
        let arguments = ["recognize", "--model", model, "--format", "text,page", "--jobs", "1"]
        let whole = try ocr(arguments + ["--output-dir", dir + "/whole", dir + "/in"])
        #expect(whole.status == 0)
        // Killed (SIGKILL) once some of its files are there.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments + ["--output-dir", dir + "/killed", dir + "/in"]
        process.standardError = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while files(under: dir + "/killed").count < 20 && Date() < deadline && process.isRunning { usleep(2000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let left = files(under: dir + "/killed")
        #expect(left.count >= 20 && left.count < files(under: dir + "/whole").count, "\(left.count) files before the kill")
        // What it left is whole: each file as the uninterrupted batch wrote it.
        for file in left {
            #expect(FileManager.default.contents(atPath: dir + "/killed/" + file) == FileManager.default.contents(atPath: dir + "/whole/" + file), "\(file)")
        }
        let resumed = try ocr(arguments + ["--output-dir", dir + "/killed", "--skip-existing", dir + "/in"])
        #expect(resumed.status == 0 && resumed.stderr.contains("skipped"), "\(resumed.stderr)")
        #expect(files(under: dir + "/killed") == files(under: dir + "/whole"))
        for file in files(under: dir + "/whole") {
            #expect(FileManager.default.contents(atPath: dir + "/killed/" + file) == FileManager.default.contents(atPath: dir + "/whole/" + file), "\(file)")
        }
    }

    @Test func documentFormatsAndShardsAreChecked() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let (model, dir) = try documentBatch()
        for name in ["a", "b", "c", "d"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(name)", withIntermediateDirectories: true)
            try PNGEncoder.write(BitmapFont.render(BitmapFont.lines[Int(name.utf8.first!) % 12]), to: "\(dir)/\(name)/x.png")
        }
        let several = try ocr(["recognize", "--model", model, "--format", "text,hocr", dir + "/a/x.png"])
        #expect(several.status == 64 && several.stderr.contains("need --output-dir"))
        let two = try ocr(["recognize", "--model", model, "--format", "alto", dir + "/a/x.png", dir + "/b/x.png"])
        #expect(two.status == 64 && two.stderr.contains("give --output-dir for 2 images"))
        // Files given by themselves are named from the folder they share: a/x and b/x.
        let apart = try ocr(["recognize", "--model", model, "--format", "text,hocr", "--output-dir", dir + "/apart", dir + "/a/x.png", dir + "/b/x.png"])
        #expect(apart.status == 0 && files(under: dir + "/apart") == ["a/x.hocr", "a/x.txt", "b/x.hocr", "b/x.txt"], "\(apart.stderr)")
        let clash = try ocr(["recognize", "--model", model, "--output-dir", dir + "/out", dir + "/a/x.png", dir + "/a/./x.png"])
        #expect(clash.status == 64 && clash.stderr.contains("would both write"), "\(clash.stderr)")
        #expect(try ocr(["recognize", "--model", model, "--skip-existing", dir + "/a/x.png"]).status == 64)
        let page = try ocr(["recognize", "--model", model, "--format", "page", dir + "/a/x.png"])
        #expect(page.status == 0 && ParsedXML.parse(page.stdout)?.name == "PcGts")

        // --shard auto is the share of this task of a Slurm job array.
        let list = dir + "/list.txt"
        try ["a", "b", "c", "d"].map { "\(dir)/\($0)/x.png" }.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let slurm = ["SLURM_ARRAY_TASK_ID": "11", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "3"]
        let auto = try ocr(["recognize", "--model", model, "--format", "tsv", "--list", list, "--shard", "auto"], environment: slurm)
        let explicit = try ocr(["recognize", "--model", model, "--format", "tsv", "--list", list, "--shard", "2/3"])
        #expect(auto.status == 0 && auto.stdout == explicit.stdout && auto.stdout.contains("/b/x.png"))
        let noArray = try ocr(["recognize", "--model", model, "--list", list, "--shard", "auto"],
                              environment: ["SLURM_ARRAY_TASK_ID": "", "SLURM_ARRAY_TASK_COUNT": ""])
        #expect(noArray.status == 64 && noArray.stderr.contains("SLURM_ARRAY_TASK_ID"))
    }
}

extension CommandLineTests {
    /// A TIFF of three pages gives three pages in every format; --pages takes some of them.
    @Test func aThreePageTIFFGivesThreePagesEverywhere() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let (model, dir) = try documentBatch()
        let tiff = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ImagingTests/Fixtures/three_pages.tif").standardized.path
        let run = try ocr(["recognize", "--model", model, "--format", "text,tsv,json,hocr,alto,page,pdf", "--output-dir", dir + "/out", tiff])
        #expect(run.status == 0 && run.stderr.contains("1 of 1 images read (3 pages)"), "\(run.stderr)")
        let out = dir + "/out/three_pages"
        let text = try String(contentsOfFile: out + ".txt", encoding: .utf8)
        #expect(text.filter { $0 == "\u{0C}" }.count == 2)
        #expect(try String(contentsOfFile: out + ".tsv", encoding: .utf8).split(separator: "\n").count == 1)
        let json = try String(contentsOfFile: out + ".json", encoding: .utf8).split(separator: "\n")
        #expect(json.count == 3 && json[2].contains("\"page\":3"))
        let hocr = try #require(ParsedXML.parse(try String(contentsOfFile: out + ".hocr", encoding: .utf8)))
        #expect(hocr.all.filter { $0.attributes["class"] == "ocr_page" }.count == 3)
        #expect(hocr.all.first { $0.attributes["class"] == "ocr_page" }?.attributes["title"]?.contains("scan_res 300 300") == true)
        let alto = try #require(ParsedXML.parse(try String(contentsOfFile: out + ".alto.xml", encoding: .utf8)))
        #expect(alto.elements("Page").map { $0.attributes["PHYSICAL_IMG_NR"] ?? "" } == ["1", "2", "3"])
        #expect(files(under: dir + "/out").filter { $0.hasSuffix(".page.xml") }
                == ["three_pages-page2.page.xml", "three_pages-page3.page.xml", "three_pages.page.xml"])
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + ".pdf")), as: UTF8.self)
        #expect(pdf.contains("/Count 3 >>"))
        // 37x21 pixels at 300 dpi: 8.88 x 5.04 points.
        #expect(pdf.contains("/MediaBox [0 0 8.88 5.04]"))

        let some = try ocr(["recognize", "--model", model, "--format", "json", "--pages", "2-", tiff])
        #expect(some.status == 0 && some.stdout.split(separator: "\n").count == 2 && some.stdout.contains("\"page\":2"))
        let none = try ocr(["recognize", "--model", model, "--pages", "5", tiff])
        #expect(none.status == 1 && none.stderr.contains("has no page 5 (it has 3)"), "\(none.stderr)")
        let pageXML = try ocr(["recognize", "--model", model, "--format", "page", tiff])
        #expect(pageXML.status == 1 && pageXML.stderr.contains("give --output-dir"))
    }
}
