import Foundation
import Imaging
import TestSupport
import Testing
@testable import OCR

/// What a new user hit (issue #8): the shipped model from anywhere, data errors, plain messages.
extension CommandLineTests {
    @Test func shippedModelIsFoundFromAnyFolderAndThroughALink() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let elsewhere = (try temporaryPath("x") as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: elsewhere + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: elsewhere + "/bin/ocr", withDestinationPath: Self.executable)
        let image = elsewhere + "/line.png"
        try PNGEncoder.write(BitmapFont.render("0123 45"), to: image)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in [(Self.executable as NSString).deletingLastPathComponent, elsewhere + "/bin"] {
            // Started through PATH (argv[0] is the bare name `ocr`), from another folder, directly
            // and through a symbolic link.
            let environment = ["OCR_MODEL": "", "PATH": folder + ":" + path]
            let info = try ocr(["ocr", "info"], executable: "/usr/bin/env", in: elsewhere, environment: environment)
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.stdout.contains("file          /") && info.stdout.contains(ModelLocation.shippedFileName), "\(info.stdout)")
            #expect(info.stdout.contains("word list     /") && info.stdout.contains("printed-en.words.txt"), "\(info.stdout)")
            let read = try ocr(["ocr", "recognize", "line.png"], executable: "/usr/bin/env", in: elsewhere, environment: environment)
            #expect(read.status == 0, "\(read.stderr)")
        }
    }

    @Test func aMissingModelNamedByTheEnvironmentIsAnError() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let image = try temporaryPath("line.png")
        try PNGEncoder.write(BitmapFont.render("0123 45"), to: image)
        for args in [["info"], ["recognize", image]] {
            let run = try ocr(args, environment: ["OCR_MODEL": "/nonexistent/model.safetensors"])
            #expect(run.status == 1 && run.stderr.contains("/nonexistent/model.safetensors: no such model file (named by OCR_MODEL)"),
                    "\(run.stderr)")
        }
        let good = try ocr(["info"], environment: ["OCR_MODEL": TestModels.shippedModelPath])
        #expect(good.status == 0 && good.stdout.contains("file          \(TestModels.shippedModelPath)"), "\(good.stderr)")
    }

    @Test func evalWithoutLabeledLinesFails() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let empty = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let imagesOnly = (try temporaryPath("y") as NSString).deletingLastPathComponent
        try PNGEncoder.write(BitmapFont.render("0123"), to: imagesOnly + "/a.png")
        let labelsOnly = (try temporaryPath("z") as NSString).deletingLastPathComponent
        try "0123\n".write(toFile: labelsOnly + "/a.gt.txt", atomically: true, encoding: .utf8)
        for folder in [empty, imagesOnly, labelsOnly] {
            let run = try ocr(["eval", folder])
            #expect(run.status == 64 && run.stderr.contains("no labeled lines found in \(folder)"), "\(run.stdout) \(run.stderr)")
            #expect(!run.stdout.contains("CER"))
        }
        // Without --model, eval uses the shipped model, as recognize does.
        let labeled = try labeledFolder()
        let run = try ocr(["eval", labeled])
        #expect(run.status == 0 && run.stdout.contains("CER"), "\(run.stderr)")
    }

    @Test func usageErrorsAreShortAndNameTheProblem() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let image = try temporaryPath("line.png")
        try PNGEncoder.write(BitmapFont.render("0123 45"), to: image)
        let format = try ocr(["recognize", "--format", "xml", image])
        #expect(format.status == 64 && format.stderr == "ocr recognize: --format must be text, tsv, json, hocr, alto, page, pdf "
                + "or several of them joined by commas, got 'xml'\n"
                + "See 'ocr recognize --help'.\n", "\(format.stderr)")
        let steps = try ocr(["train", "--train", image, "--out", "/tmp/x.safetensors", "--steps", "0"])
        #expect(steps.status == 64 && steps.stderr.contains("--steps must be an integer at least 1, got '0'"), "\(steps.stderr)")
        let fonts = try ocr(["synth", "--out", "/tmp/never", "--count", "1"])
        #expect(fonts.status == 64 && fonts.stderr.contains("--fonts is required"), "\(fonts.stderr)")
        for (allow, message) in [("", "--allow needs at least one character"), ("é1", "characters the model cannot read: 'é'")] {
            let run = try ocr(["recognize", "--allow", allow, image])
            #expect(run.status == 64 && run.stderr.contains(message) && run.stdout.isEmpty, "\(run.stderr)")
        }
        let notAModel = try ocr(["info", "/etc/passwd"])
        #expect(notAModel.status == 1 && notAModel.stderr.contains("/etc/passwd: not a safetensors file"), "\(notAModel.stderr)")
    }

    @Test func everyInputIsAccountedFor() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let empty = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let broken = dir + "/broken.png"
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: broken))
        let tsv = try ocr(["recognize", "--format", "tsv", empty, dir + "/line0.png", broken])
        #expect(tsv.status == 1)
        #expect(tsv.stderr.contains("\(empty): no images found"), "\(tsv.stderr)")
        let rows = tsv.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        #expect(rows.count == 2 && rows[0].count == 3 && rows[1].count == 4, "\(tsv.stdout)")
        #expect(rows.last?.first.map(String.init) == broken && rows.last?[1] == "" && rows.last?[3].isEmpty == false)
        let json = try ocr(["recognize", "--format", "json", dir + "/line0.png", broken])
        #expect(json.stdout.split(separator: "\n").count == 2 && json.stdout.contains("\"error\""))
    }
}

extension CommandLineTests {
    /// A run that could not save its model stops before training, and says so.
    @Test func trainingChecksWhereItWillWriteFirst() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "build the ocr product first")
        let dir = try labeledFolder()
        let run = try ocr(["train", "--train", dir, "--out", "/nonexistent/dir/x.safetensors", "--steps", "20",
                           "--arch", TestModels.tinySpec.replacingOccurrences(of: "F11", with: "F0")])
        #expect(run.status == 1 && run.stderr.contains("cannot write --out: no folder /nonexistent/dir"), "\(run.stderr)")
        #expect(!run.stdout.contains("step") && !run.stdout.contains("saved"), "\(run.stdout)")
        let checkpoint = try ocr(["train", "--train", dir, "--out", dir + "/m.safetensors", "--checkpoint", "/nonexistent/c.ckpt",
                                  "--steps", "20"])
        #expect(checkpoint.status == 1 && checkpoint.stderr.contains("cannot write --checkpoint"), "\(checkpoint.stderr)")
    }
}
