import Foundation
import Imaging
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum SynthCommand: Command {
    static let name = "synth"
    static let abstract = "Render labeled synthetic text lines with fonts."
    static let help = """
        OVERVIEW: Render text lines with FreeType and write X.png + X.gt.txt pairs. The same
        --seed gives the same lines.

        USAGE: ocr synth --out DIR --count N --fonts DIR|FILE [--fonts ...] [--text FILE] [--seed S]

        OPTIONS:
          --out <dir>             Output folder (created).
          --count <n>             Lines to write.
          --fonts <path>          Font files or folders searched recursively (.ttf .otf .pfb .t1).
          --fonts <list.txt>      A font list: one path per line, '#' comments.
          --text <file>           Corpus whose words the lines use (default: made-up words).
          --running-text          Lines are consecutive words of --text, without generated material.
          --max-chars <n>         Longest line in characters (default 48; lengths vary from 8).
          --seed <n>              Seed (default 1).
          --start <n>             Index of the first line (default 0), to add to an existing set.
          --no-degrade            Clean renderings, without print-and-scan distortions.
          --sizes <min-max>       Font sizes in pixels (default 14-44).
          --binarized <share>     Share of the lines binarized, 0-1 (default 0.25).
          --neighbors <share>     Share of the lines that keep cut-off parts of the lines above and
                                  below them, 0-1 (default 0).
          --prose <share>         Share of the corpus words in forms of running prose, 0-1: hyphenated
                                  compounds, contractions and possessives, and/or pairs, words
                                  broken at the line end, abbreviations, section numbers, list
                                  marks, web addresses (default 0; not with --running-text).
          --threads <n>           Threads (default: the number of cores).
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, valued: ["--out", "--count", "--fonts", "--text", "--seed", "--start", "--threads", "--max-chars",
                                       "--binarized", "--neighbors", "--prose", "--sizes"],
                              switches: ["--no-degrade", "--running-text"])
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
        var text = try a.string("--text").map { try SyntheticText(corpusFile: $0, maxLength: maxChars, running: a.has("--running-text")) }
            ?? SyntheticText(words: [], maxLength: maxChars)
        text.proseShare = try a.fraction("--prose", default: 0)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let generator = SyntheticLines(fontPaths: fonts, text: text, seed: seed)
        generator.degrades = !a.has("--no-degrade")
        generator.degradation = ScanDegradation(binarizedShare: try a.fraction("--binarized", default: 0.25))
        generator.neighborShare = try a.fraction("--neighbors", default: 0)
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
