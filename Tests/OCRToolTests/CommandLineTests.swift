import Foundation
import Imaging
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

/// Runs the built `ocr` executable (beside the test bundle) and checks what users see.
@Suite(.serialized) struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: String {
        let bundle = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("ocr").path
    }

    /// Runs `executable` (the built ocr by default) in `folder` with `environment` added to ours.
    func ocr(_ args: [String], executable: String = CommandLineTests.executable, in folder: String? = nil,
             environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func usageAndHelp() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let bare = try ocr([])
        #expect(bare.status == 64 && bare.stderr.contains("USAGE: ocr <subcommand>"))
        let help = try ocr(["train", "--help"])
        #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW:") && help.stdout.contains("\nOPTIONS:\n"))
        let unknown = try ocr(["frobnicate"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown subcommand 'frobnicate'"))
        let missing = try ocr(["train", "--out", "x.safetensors"])
        #expect(missing.status == 64 && missing.stderr.contains("--train (or --synth-fonts) is required"))
        let badOption = try ocr(["eval", "--modle", "m"])
        #expect(badOption.status == 64 && badOption.stderr.contains("unknown option --modle"))
    }

    @Test func badWordListsAreReported() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let missing = try ocr(["recognize", "--words", dir + "/none.txt", dir + "/line0.png"])
        #expect(missing.status == 1 && missing.stderr.contains("none.txt: cannot read the word list"), "\(missing.stderr)")
        let weight = try ocr(["eval", "--model", TestModels.shippedModelPath, "--spelling-weight", "-1", dir])
        #expect(weight.status == 64 && weight.stderr.contains("--spelling-weight must be a number"))
        let off = try ocr(["recognize", "--words", dir + "/none.txt", "--spelling-weight", "0", dir + "/line0.png"])
        #expect(off.status == 0, "\(off.stderr)")
    }

    @Test func synthWritesLabeledLines() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let fonts = TestModels.fontDirectory
        let run = try ocr(["synth", "--out", dir + "/a", "--count", "5", "--fonts", fonts, "--binarized", "1", "--neighbors", "0.5"])
        #expect(run.status == 0 && run.stdout.contains("wrote 5 lines"), "\(run.stderr)")
        for i in 0..<5 {
            let stem = dir + "/a/" + String(format: "%08d", i)
            let image = try ImageDecoder().decodeGray(contentsOf: stem + ".png")
            #expect(image.pixels.allSatisfy { $0 == 0 || $0 == 255 }, "\(stem).png is not binarized")
            #expect(!(try String(contentsOfFile: stem + ".gt.txt", encoding: .utf8)).isEmpty)
        }
        // The documented defaults are the defaults.
        _ = try ocr(["synth", "--out", dir + "/b", "--count", "3", "--fonts", fonts, "--seed", "7"])
        _ = try ocr(["synth", "--out", dir + "/c", "--count", "3", "--fonts", fonts, "--seed", "7", "--binarized", "0.25", "--neighbors", "0",
                   "--sizes", "14-44", "--prose", "0"])
        for i in 0..<3 {
            for name in [String(format: "/%08d.png", i), String(format: "/%08d.gt.txt", i)] {
                #expect(FileManager.default.contentsEqual(atPath: dir + "/b" + name, andPath: dir + "/c" + name))
            }
        }
        let bad = try ocr(["synth", "--out", dir + "/d", "--count", "3", "--fonts", fonts, "--neighbors", "1.5"])
        #expect(bad.status == 64 && bad.stderr.contains("--neighbors must be a number in 0...1, got '1.5'"), "\(bad.stderr)")
        let prose = try ocr(["synth", "--out", dir + "/d", "--count", "3", "--fonts", fonts, "--prose", "-0.1"])
        #expect(prose.status == 64 && prose.stderr.contains("--prose must be a number in 0...1"), "\(prose.stderr)")
        let sizes = try ocr(["synth", "--out", dir + "/d", "--count", "3", "--fonts", fonts, "--sizes", "30-20"])
        #expect(sizes.status == 64 && sizes.stderr.contains("--sizes must be MIN-MAX pixels"), "\(sizes.stderr)")
    }

    /// A fresh folder of the bitmap-font lines with their ground truth.
    func labeledFolder() throws -> String {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        for (i, text) in BitmapFont.lines.enumerated() {
            try PNGEncoder.write(BitmapFont.render(text), to: "\(dir)/line\(i).png")
            try (text + "\n").write(toFile: "\(dir)/line\(i).gt.txt", atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test func trainResumeEvalRecognize() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let model = dir + "/m.safetensors"
        let common = ["--train", dir, "--val", dir, "--out", model, "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0"),
                      "--batch", "4", "--validate-every", "20", "--no-augment", "--lr", "0.003", "--warmup", "5"]
        let first = try ocr(["train"] + common + ["--steps", "40", "--keep-checkpoints", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("validation at step 40"))
        for suffix in ["", ".ckpt", ".log.csv", ".chart.png", ".step-40.ckpt"] {
            #expect(FileManager.default.fileExists(atPath: model + suffix), "missing \(model + suffix)")
        }
        #expect(!FileManager.default.fileExists(atPath: model + ".step-20.ckpt"))  // only the last one kept
        let average = try ocr(["average", "--out", dir + "/mean.safetensors", model + ".step-40.ckpt", model])
        #expect(average.status == 0 && FileManager.default.fileExists(atPath: dir + "/mean.safetensors"), "\(average.stderr)")
        let weighted = try ocr(["average", "--out", dir + "/mix.safetensors", "--weights", "1,3", model + ".step-40.ckpt", model])
        #expect(weighted.status == 0 && weighted.stdout.contains("weighted mean of 2"), "\(weighted.stderr)")
        for bad in ["1", "1,0", "1,x", "1,2,3"] {
            let refused = try ocr(["average", "--out", dir + "/bad.safetensors", "--weights", bad, model, model])
            #expect(refused.status == 64 && refused.stderr.contains("--weights"), "\(bad): \(refused.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad.safetensors"))
        let resumed = try ocr(["train"] + common + ["--steps", "60", "--resume", model + ".ckpt"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming \(model).ckpt at step 40") && resumed.stdout.contains("validation at step 60"))
        let csv = try String(contentsOfFile: model + ".log.csv", encoding: .utf8)
        let logRows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        // The header, the validations at steps 20, 40 and 60, and the loss alone at step 50.
        #expect(logRows.map { $0.first ?? "" } == ["step", "20", "40", "50", "60"], "\(csv)")
        #expect(logRows[3].count == 6 && Double(logRows[3][1]) != nil && logRows[3][4].isEmpty && !logRows[4][4].isEmpty, "\(csv)")

        let eval = try ocr(["eval", "--model", model, "--format", "json", dir])
        #expect(eval.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any])
        #expect(report["lines"] as? Int == 12 && report["cer"] is Double)

        let recognize = try ocr(["recognize", "--model", model, "--format", "tsv", dir + "/line0.png", dir + "/nothing.png",
                                 dir + "/line1.png"])
        #expect(recognize.status == 1)
        let rows = recognize.stdout.split(separator: "\n")
        #expect(rows.count == 3 && rows[0].hasPrefix(dir + "/line0.png\t") && rows[2].hasPrefix(dir + "/line1.png\t"))
        #expect(rows[1].hasPrefix(dir + "/nothing.png\t\t\t") && rows[1].contains("no such file"))
        #expect(recognize.stderr.contains("nothing.png: no such file"))

        let info = try ocr(["info", model])
        #expect(info.status == 0 && info.stdout.contains("charset       11 characters"))
        let notAModel = try ocr(["info", dir + "/line0.png"])
        #expect(notAModel.status == 1 && notAModel.stderr.contains("line0.png"))
    }

    /// Many inputs: --jobs keeps input order, a bad file is reported and skipped, shards
    /// partition the list, json and tsv carry every input.
    @Test func batchRecognition() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let charset = Charset(Array("0123456789 "))
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: charset.classCount)
        let model = dir + "/random.safetensors"
        try OCRModel(architecture: architecture, charset: charset, seed: 3).save(to: model)
        var paths = [String]()
        for i in 0..<40 {
            let path = "\(dir)/img\(String(format: "%02d", i)).png"
            try PNGEncoder.write(BitmapFont.render(BitmapFont.lines[i % 12] + String(i % 10)), to: path)
            paths.append(path)
        }
        paths.insert(dir + "/broken.png", at: 17)
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: dir + "/broken.png"))
        let list = dir + "/list.txt"
        try paths.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)

        let one = try ocr(["recognize", "--model", model, "--format", "tsv", "--jobs", "1", "--list", list])
        let two = try ocr(["recognize", "--model", model, "--format", "tsv", "--jobs", "2", "--list", list])
        #expect(one.status == 1 && two.status == 1)
        #expect(two.stderr.contains("broken.png") && two.stderr.contains("not an image"))
        let rows = two.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(rows == paths)  // the broken file keeps its row, with an empty text and the reason
        #expect(one.stdout == two.stdout)

        // Shards partition the list exactly, each in input order.
        var union = [String]()
        for i in 1...3 {
            let shard = try ocr(["recognize", "--model", model, "--format", "tsv", "--list", list, "--shard", "\(i)/3"])
            union += shard.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        }
        #expect(union.sorted() == rows.sorted() && union.count == rows.count)
        #expect(try ocr(["recognize", "--model", model, "--list", list, "--shard", "4/3"]).status == 64)

        // JSON: one object per input (errors included), characters with ranges inside the image.
        let json = try ocr(["recognize", "--model", model, "--format", "json", "--jobs", "2", "--list", list])
        let objects = try json.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == paths.count)
        #expect((objects[17]["error"] as? String)?.hasPrefix("not an image") == true && objects[0]["text"] is String)
        let lines = try #require((objects[0]["blocks"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])
        let box = try #require(lines.first?["box"] as? [String: Int])
        #expect(box["width"] == BitmapFont.render(BitmapFont.lines[0] + "0").width)
        let words = try #require(lines.first?["words"] as? [[String: Any]])
        #expect(!words.isEmpty)
        for word in words {
            for c in try #require(word["characters"] as? [[String: Any]]) {
                let b = try #require(c["box"] as? [String: Int])
                #expect(b["x"]! >= 0 && b["width"]! > 0 && b["x"]! + b["width"]! <= box["width"]!)
                #expect(b["y"]! >= 0 && b["height"]! > 0 && b["y"]! + b["height"]! <= box["height"]!)
            }
        }

        // A folder is searched for images; text output has a line per image line.
        let folder = try ocr(["recognize", "--model", model, "--single-line", dir])
        #expect(folder.stdout.split(separator: "\n", omittingEmptySubsequences: false).count == 41)
    }

    /// SIGTERM writes a checkpoint and exits 143; kill -9 leaves the last checkpoint whole; both
    /// resume.
    @Test func trainingSurvivesSignals() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let model = dir + "/m.safetensors"
        let args = ["train", "--train", dir, "--val", dir, "--out", model, "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0"),
                    "--batch", "4", "--validate-every", "10", "--steps", "100000", "--threads", "1"]
        func start(_ extra: [String]) throws -> (Process, Pipe) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.executable)
            process.arguments = args + extra
            let out = Pipe()
            process.standardOutput = out
            process.standardError = Pipe()
            try process.run()
            return (process, out)
        }
        func waitForCheckpoint() throws {
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: model + ".ckpt") && Date() < deadline { usleep(50_000) }
            try #require(FileManager.default.fileExists(atPath: model + ".ckpt"), "no checkpoint within a minute")
        }

        // SIGTERM: a checkpoint at the current step, exit 143.
        let (first, firstOut) = try start([])
        try waitForCheckpoint()
        usleep(300_000)
        first.terminate()
        let printed = String(decoding: firstOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        first.waitUntilExit()
        #expect(first.terminationStatus == 143, "\(printed)")
        #expect(printed.contains("SIGTERM at step") && printed.contains("--resume \(model).ckpt"))
        let stoppedAt = try TrainingCheckpoint(contentsOf: model + ".ckpt").step
        #expect(printed.contains("SIGTERM at step \(stoppedAt):"))

        // kill -9 while running: the checkpoint on disk still loads, and training resumes from it.
        let (second, _) = try start(["--resume", model + ".ckpt"])
        usleep(800_000)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        let survivor = try TrainingCheckpoint(contentsOf: model + ".ckpt")
        #expect(survivor.step >= stoppedAt)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp") }
        #expect(leftovers.count <= 1)  // at most the temporary file the kill interrupted, never a torn checkpoint
        let resumed = try ocr(Array(args.dropLast(2)) + ["--threads", "1", "--steps", String(survivor.step + 10),
                                                         "--resume", model + ".ckpt"])
        #expect(resumed.status == 0 && resumed.stdout.contains("resuming \(model).ckpt at step \(survivor.step)"))
    }

    /// A full disk while writing (simulated with a file-size limit, which makes write() fail with
    /// EFBIG): a clear error naming the file, exit 1, and the previous checkpoint still loads.
    @Test func fullDiskKeepsThePreviousCheckpoint() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let model = dir + "/m.safetensors"
        let args = ["train", "--train", dir, "--val", dir, "--out", model, "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0"),
                    "--batch", "4", "--validate-every", "10", "--threads", "1"]
        #expect(try ocr(args + ["--steps", "10"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: model + ".ckpt"))
        // sh: ignore SIGXFSZ (so write() fails instead of the process dying), limit files to 10 KB.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f 20; exec \"$0\" \"$@\"", Self.executable]
            + args + ["--steps", "20", "--resume", model + ".ckpt"]
        let err = Pipe()
        process.standardOutput = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("cannot write: File too large") && stderr.contains(dir), "\(stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: model + ".ckpt")) == before)
        #expect(try TrainingCheckpoint(contentsOf: model + ".ckpt").step == 10)
    }

    @Test func layoutModesAreNamed() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let bad = try ocr(["recognize", "--layout", "page", dir + "/line0.png"])
        #expect(bad.status == 64 && bad.stderr.contains("--layout must be auto, column or line, got 'page'"), "\(bad.stderr)")
        let both = try ocr(["recognize", "--single-line", "--layout", "column", dir + "/line0.png"])
        #expect(both.status == 64 && both.stderr.contains("contradict"), "\(both.stderr)")
        let line = try ocr(["recognize", "--layout", "line", dir + "/line0.png"])
        let single = try ocr(["recognize", "--single-line", dir + "/line0.png"])
        #expect(line.status == 0 && line.stdout == single.stdout)
    }

    /// `ocr eval` of a folder of pages measures each page's text in reading order and its words:
    /// ground truth listing the columns the other way round costs in CER, not in bag-of-words.
    @Test func evalMeasuresPages() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let left = TestPages.column("c1", lines: 8, x: 40, y: 40)
        let others = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs"]
        let right = (0..<8).map { k in ((0..<4).map { others[($0 + k) % others.count] }.joined(separator: " "), 520, 40 + 30 * k) }
        let page = try TestPages.page(width: 960, height: 320, left + right)
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        func text(_ items: [(String, Int, Int)]) -> String { items.map(\.0).joined(separator: "\n") }
        try PNGEncoder.write(page, to: dir + "/ordered.png")
        try (text(left) + "\n\n" + text(right) + "\n").write(toFile: dir + "/ordered.gt.txt", atomically: true, encoding: .utf8)
        try PNGEncoder.write(page, to: dir + "/swapped.png")
        try (text(right) + "\n\n" + text(left) + "\n").write(toFile: dir + "/swapped.gt.txt", atomically: true, encoding: .utf8)
        let run = try ocr(["eval", "--format", "json", dir])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let pages = try #require(report["per_page"] as? [[String: Any]])
        #expect(report["pages"] as? Int == 2 && pages.count == 2)
        // The same figures as the metric computes on what `ocr recognize` prints.
        let read = try ocr(["recognize", dir + "/ordered.png"]).stdout
        var ordered = PageErrorRates(), swapped = PageErrorRates()
        ordered.add(prediction: read, reference: text(left) + "\n" + text(right))
        swapped.add(prediction: read, reference: text(right) + "\n" + text(left))
        let cer = pages.map { $0["cer"] as? Double ?? -1 }, bag = pages.map { $0["bag_of_words_error"] as? Double ?? -1 }
        #expect(abs(cer[0] - ordered.cer) < 1e-9 && abs(cer[1] - swapped.cer) < 1e-9, "\(cer)")
        #expect(cer[0] < 0.1 && cer[1] > 0.4, "\(cer)")
        #expect(abs(bag[0] - bag[1]) < 1e-9 && bag[0] < 0.25, "\(bag)")
        let plain = try ocr(["eval", dir])
        #expect(plain.stdout.contains("pages 2") && plain.stdout.contains("page CER"), "\(plain.stdout)")
    }
}
