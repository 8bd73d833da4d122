import Foundation
import Imaging
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum SynthCommand: Command {
    static let name = "synth"
    static let abstract = "Render labeled synthetic text lines with fonts."
    static let options: [Option] = [
        Option("--out", value: "<dir>", help: "Output folder (created)."),
        Option("--count", value: "<n>", help: "Lines to write."),
        Option("--fonts", value: "<path>", help: "Font files or folders searched recursively (.ttf .otf .pfb .t1),\nor font lists (.txt): one path per line, '#' comments."),
        Option("--running-text", help: "Lines are consecutive words of --text, without generated material\nor prose forms."),
        Option("--max-chars", value: "<n>", help: "Longest line in characters (default 48; lengths vary from 8)."),
        Option("--seed", value: "<n>", help: "Seed (default 1)."),
        Option("--start", value: "<n>", help: "Index of the first line (default 0), to add to an existing set."),
        Option("--no-degrade", help: "Clean renderings, without print-and-scan distortions."),
        Option("--sizes", value: "<min-max>", help: "Font sizes in pixels (default 14-44)."),
    ] + SynthesisOptions.options(prefix: "--") + [
        Option("--threads", value: "<n>", help: "Threads (default: the number of cores)."),
    ]
    static let help = """
        OVERVIEW: Render text lines with FreeType and write X.png + X.gt.txt pairs. The same
        --seed gives the same lines.

        USAGE: ocr synth --out DIR --count N --fonts DIR|FILE [--fonts ...] [--text FILE] [--seed S]

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        if let extra = a.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        guard let out = a.string("--out") else { throw UsageError("--out is required") }
        let count = try a.int("--count", default: 0, range: 1...100_000_000)
        let start = try a.int("--start", default: 0, range: 0...Int.max)
        let seed = UInt64(try a.int("--seed", default: 1, range: 0...Int.max))
        Parallelism.threads = try a.int("--threads", default: Parallelism.threads, range: 1...256)
        guard !a.strings("--fonts").isEmpty else { throw UsageError("--fonts is required (font files, folders or font lists)") }
        let fonts = try SyntheticLines.fonts(in: a.strings("--fonts"))
        guard !fonts.isEmpty else { throw UsageError("no font files found in --fonts \(a.strings("--fonts").joined(separator: " "))") }
        let maxChars = try a.int("--max-chars", default: 48, range: 9...1000)
        let synthesis = try SynthesisOptions(a, prefix: "--", maxLength: maxChars, running: a.has("--running-text"))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let generator = synthesis.lines(fonts: fonts, seed: seed)
        generator.degrades = !a.has("--no-degrade")
        if let sizes = a.string("--sizes") {
            let bounds = sizes.split(separator: "-").compactMap { Int($0) }
            guard bounds.count == 2, bounds[0] >= 4, bounds[0] <= bounds[1], bounds[1] <= 1000 else {
                throw UsageError("--sizes must be MIN-MAX pixels with 4 <= MIN <= MAX <= 1000, got '\(sizes)'")
            }
            generator.pixelSizes = bounds[0]...bounds[1]
        }
        var failures = [String?](repeating: nil, count: count)
        failures.withUnsafeMutableBufferPointer { failed in
            Parallelism.forEachItem(count) { i in
                let index = start + i
                let stem = out + "/" + String(format: "%08d", index)
                do {
                    let (image, text) = try generator.line(index)
                    try writeFileAtomically(Array((text + "\n").utf8), to: stem + ".gt.txt")
                    try PNGEncoder.write(image, to: stem + ".png")
                } catch {
                    failed[i] = "\(error)"
                }
            }
        }
        let problems = failures.compactMap { $0 }
        for p in problems.prefix(10) { printError("ocr synth: skipped a line: \(escapingControls(String(describing: p)))") }
        print("wrote \(count - problems.count) lines to \(out) from \(fonts.count) fonts"
              + (problems.isEmpty ? "" : " (\(problems.count) skipped)"))
        return 0
    }
}
