import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct SyntheticLinesTests {

    @Test func rendersDarkTextOnWhite() throws {
        let fonts = try SyntheticLines.fonts(in: [TestModels.fontDirectory])
        let font = try #require(fonts.first { $0.hasSuffix("DejaVuSans.ttf") })
        let renderer = try FontRenderer(path: font, pixelSize: 24)
        #expect(renderer.name.hasPrefix("DejaVu Sans"))
        let image = try renderer.render("Hello, world 123", margin: 4)
        #expect(abs(image.height - (24 + 8)) <= 6)
        #expect(image.pixels.min()! < 40 && image[0, 0] == 255)
        let wider = try renderer.render("Hello, world 1234", margin: 4)
        #expect(wider.width > image.width)
        #expect(throws: FileError.self) { try FontRenderer(path: "/nonexistent.ttf", pixelSize: 12) }
    }

    @Test func sameSeedSameLines() throws {
        let fonts = try SyntheticLines.fonts(in: [TestModels.fontDirectory])
        try #require(!fonts.isEmpty)
        let a = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["alpha", "beta"]), seed: 5)
        let b = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["alpha", "beta"]), seed: 5)
        for i in [0, 7, 3] {
            let (imageA, textA) = try a.line(i), (imageB, textB) = try b.line(i)
            #expect(imageA == imageB && textA == textB)
            #expect(!textA.isEmpty && textA.count <= 48)
        }
        let c = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["alpha", "beta"]), seed: 6)
        #expect(try c.line(0).1 != (try a.line(0).1) || (try c.line(0).0) != (try a.line(0).0))
    }

    @Test func fontListNamesFilesAndReportsMissingOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fontlist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let list = directory + "/fonts.txt"
        try "# sans\n\(TestModels.fontDirectory)/DejaVuSans.ttf  # regular\n\n\(TestModels.fontDirectory)/DejaVuSans-Bold.ttf\n"
            .write(toFile: list, atomically: true, encoding: .utf8)
        #expect(try SyntheticLines.fonts(in: [list]) == ["\(TestModels.fontDirectory)/DejaVuSans-Bold.ttf", "\(TestModels.fontDirectory)/DejaVuSans.ttf"])
        try "\(TestModels.fontDirectory)/DejaVuSans.ttf\nNoSuchFont.otf\n".write(toFile: list, atomically: true, encoding: .utf8)
        do {
            _ = try SyntheticLines.fonts(in: [list])
            Issue.record("a missing listed font was not reported")
        } catch {
            #expect(error.description.contains("\(directory)/NoSuchFont.otf") && error.description.contains("1 listed fonts are missing"))
        }
        #expect(throws: FileError.self) { try SyntheticLines.fonts(in: [directory + "/absent"]) }
    }

    @Test func runningTextKeepsCorpusOrder() {
        var rng = SplitMix64(seed: 3)
        let corpus = (0..<200).map { "w\($0)" }
        let generator = SyntheticText(words: corpus, running: true)
        for _ in 0..<20 {
            let words = generator.line(rng: &rng).split(separator: " ").map { Int($0.dropFirst())! }
            #expect(!words.isEmpty)
            for (a, b) in zip(words, words.dropFirst()) { #expect(b == (a + 1) % 200) }
        }
    }

    @Test func scanDegradationSteps() throws {
        var image = GrayImage(width: 80, height: 20, value: 255)
        for y in 6..<14 { for x in 10..<70 { image[x, y] = 20 } }
        let degradation = ScanDegradation()
        #expect(image.rotated(degrees: 0) == image)
        let turned = image.rotated(degrees: 4)
        #expect(turned.width == 80 && turned.height == 20 + Int((80 * sin(4 * Float.pi / 180)).rounded(.up)))
        // Counter-clockwise: the bar's right end rises, its left end sinks.
        func inkCentre(_ im: GrayImage, x: Int) -> Double {
            let rows = (0..<im.height).filter { im[x, $0] < 128 }
            return Double(rows.reduce(0, +)) / Double(max(rows.count, 1))
        }
        #expect(inkCentre(turned, x: 65) < inkCentre(turned, x: 15) - 2)
        let soft = image.lowResolution(factor: 0.5)
        #expect(soft.width == 80 && soft.height == 20)
        #expect(soft.pixels.contains { $0 > 30 && $0 < 240 })
        var rng = SplitMix64(seed: 9)
        let speckled = degradation.speckled(image, density: 0.05, rng: &rng)
        let flipped = zip(speckled.pixels, image.pixels).filter { $0 != $1 }.count
        #expect(flipped > 20 && flipped < 200)
        for seed in 0..<40 {
            var a = SplitMix64(seed: UInt64(seed)), b = SplitMix64(seed: UInt64(seed))
            let out = degradation.apply(image, rng: &a)
            #expect(out == degradation.apply(image, rng: &b))
            #expect(Int(out.pixels.max()!) - Int(out.pixels.min()!) >= 70, "seed \(seed)")
        }
    }

    /// `binarizedShare` of the degraded lines come out as pure black and white.
    @Test func binarizedShareSetsHowManyLinesAreTwoLevel() {
        var image = GrayImage(width: 80, height: 20, value: 255)
        for y in 6..<14 { for x in 10..<70 where x % 7 != 0 { image[x, y] = 20 } }
        func twoLevelCount(_ share: Float) -> Int {
            let degradation = ScanDegradation(binarizedShare: share)
            return (0..<200).filter { seed in
                var rng = SplitMix64(seed: UInt64(seed))
                return degradation.apply(image, rng: &rng).pixels.allSatisfy { $0 == 0 || $0 == 255 }
            }.count
        }
        #expect(twoLevelCount(0) == 0)
        #expect(twoLevelCount(1) == 200)
        let quarter = twoLevelCount(0.25)
        #expect(quarter > 30 && quarter < 70, "\(quarter) of 200")
    }

    /// Lines as cut from a page: the same text and the same line, with rows of other lines above
    /// or below it; at share 0 the lines are as they were.
    @Test func neighborsAddRowsOfOtherLines() throws {
        let fonts = try SyntheticLines.fonts(in: [TestModels.fontDirectory])
        let plain = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["alpha", "beta"]), seed: 5)
        let cut = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["alpha", "beta"]), seed: 5)
        plain.degrades = false
        cut.degrades = false
        cut.neighborShare = 1
        var moreInk = 0
        for i in 0..<12 {
            let (line, text) = try plain.line(i), (withNeighbors, sameText) = try cut.line(i)
            #expect(text == sameText && withNeighbors.width == line.width)
            #expect(withNeighbors.height > line.height, "line \(i)")
            let bands = 0...max(0, withNeighbors.height - line.height)
            #expect(bands.contains { withNeighbors.cropped(x: 0, y: $0, width: line.width, height: line.height) == line })
            func ink(_ image: GrayImage) -> Int { image.pixels.filter { $0 < 128 }.count }
            if ink(withNeighbors) > ink(line) { moreInk += 1 }
        }
        #expect(moreInk >= 10)
    }

    @Test func generatedTextCoversPrintableASCII() {
        var rng = SplitMix64(seed: 1)
        let generator = SyntheticText(words: ["word", "Text", "line"])
        var seen = Set<Character>()
        for _ in 0..<3000 { for c in generator.line(rng: &rng) { seen.insert(c) } }
        let missing = Charset.printableASCII.characters.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "never generated: \(String(missing))")
    }

    /// Rules and separators (runs of one mark, like a license text's row of asterisks) appear.
    @Test func generatedTextHasSeparatorRuns() {
        var rng = SplitMix64(seed: 2)
        let generator = SyntheticText(words: ["word", "Text", "line"])
        let lines = (0..<3000).map { _ in generator.line(rng: &rng) }
        for mark in "*=-_.#~+" {
            #expect(lines.contains { $0.contains(String(repeating: mark, count: 8)) }, "no run of '\(mark)'")
        }
    }

    /// Word lists never put a mark between two letters; `proseShare` makes compounds,
    /// contractions, and/or pairs, broken words, abbreviations and addresses, each often.
    @Test func proseFormsJoinWords() throws {
        let words = ["alpha", "Beta", "gamma", "delta"]
        func lines(share: Float) -> [String] {
            var rng = SplitMix64(seed: 3)
            let generator = SyntheticText(words: words, proseShare: share)
            return (0..<2000).map { _ in generator.line(rng: &rng) }
        }
        let plain = lines(share: 0), prose = lines(share: 0.3)
        let patterns = ["[a-z]-[a-z]", "[a-z]-of-[a-z]", "[a-z]'[a-z]|[a-z]s'", "[a-z]/[a-z]", "[a-z]- ", "[a-zA-Z]\\.[a-zA-Z]\\.|etc\\.|vs\\.",
                        "[0-9]\\.[0-9]+\\.", "\\.(com|org|net|io|gov)"]
        for pattern in patterns {
            let regex = try Regex(pattern)
            let count = prose.filter { $0.contains(regex) }.count
            #expect(count >= 20, "'\(pattern)' in \(count) of 2000 lines")
        }
        let joined = try Regex("[a-z]-[a-z]|[a-z]'[a-z]")
        #expect(!plain.contains { $0.contains(joined) })
        // Share 0 draws no random numbers: the lines of `ocr synth --seed 3` from these words as
        // they were before the option existed.
        let fonts = try SyntheticLines.fonts(in: [TestModels.fontDirectory])
        let synthetic = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: words), seed: 3)
        #expect(try (0..<4).map { try synthetic.line($0).1 } == [
            "$0163.17 'Beta' delta@beta.net", "Alpha. gamma Gamma \"delta\" gamma 267 YuJzv",
            "\"Beta\" \\n $00.13 delta 69/18-3105", "alpha@delta.org"])
        // Every line stays within the length limit.
        #expect(prose.allSatisfy { $0.count <= 48 && !$0.isEmpty })
    }

    @Test func augmentationKeepsTextVisible() {
        // A faint line (ink 200 on 255) stays at least 70 levels apart after any augmentation.
        var image = GrayImage(width: 60, height: 20, value: 255)
        for x in 10..<50 { image[x, 10] = 200; image[x, 11] = 200 }
        for seed in 0..<50 {
            var rng = SplitMix64(seed: UInt64(seed))
            let out = Augmentation().apply(image, rng: &rng)
            #expect(Int(out.pixels.max()!) - Int(out.pixels.min()!) >= 70, "seed \(seed)")
            #expect(out.height == 20)
        }
    }

    @Test func chartDrawsBothSeries() throws {
        var chart = TrainingChart()
        chart.losses = [(100, 50), (200, 5), (300, 0.5)]
        chart.errorRates = [(100, 0.5), (200, 0.1), (300, 0.02)]
        let image = chart.render()
        #expect(image.width == 720 && image.height == 430)
        // The title and the legend are drawn above the plot.
        let black = (0..<20).contains { y in (0..<720).contains { x in image.pixels[(y * 720 + x) * 3] == 0 } }
        #expect(black, "no title")
        var blue = 0, red = 0
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            if image.pixels[i] == 30 && image.pixels[i + 2] == 200 { blue += 1 }
            if image.pixels[i] == 200 && image.pixels[i + 1] == 40 { red += 1 }
        }
        #expect(blue > 100 && red > 100)
        let decoded = try ImageDecoder().decodeRGB(try PNGEncoder.encode(image))
        #expect(decoded == image)
    }

    /// A line whose degradation wiped out its text is told from one that still shows it: a flat
    /// colour, noise, or the clean ink gone from a third of the line are refused; the line itself,
    /// blurred, faint or binarized, is kept.
    @Test func degradedLinesMustStillShowTheirText() throws {
        let clean = try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSans.ttf", pixelSize: 24).render("time ===============")
        #expect(SyntheticLines.showsText(clean, of: clean))
        let faint = GrayImage(width: clean.width, height: clean.height, pixels: clean.pixels.map { 200 + $0 / 5 })
        #expect(SyntheticLines.showsText(faint, of: clean))
        #expect(SyntheticLines.showsText(clean.binarized(threshold: 128), of: clean))
        var rng = SplitMix64(seed: 1)
        let blurred = Augmentation().apply(clean, rng: &rng)
        #expect(SyntheticLines.showsText(blurred, of: clean))
        #expect(!SyntheticLines.showsText(GrayImage(width: clean.width, height: clean.height, value: 180), of: clean))
        let noise = GrayImage(width: clean.width, height: clean.height, pixels: clean.pixels.map { _ in UInt8(rng.next() % 256) })
        #expect(!SyntheticLines.showsText(noise, of: clean))
        // The rule of `=` blurred away, "time" left: most of the ink is gone.
        let ruleStart = try #require(try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSans.ttf", pixelSize: 24).render("time ")
            .inkColumns).upperBound + 4
        var wiped = clean
        for y in 0..<clean.height { for x in ruleStart..<clean.width { wiped[x, y] = 255 } }
        #expect(!SyntheticLines.showsText(wiped, of: clean))
    }

    /// CMU Typewriter carries 1-bit embedded bitmaps at small sizes, which drew blank lines; the
    /// renderer draws outlines at every size (fonts-cmu, which .ci/run installs).
    @Test func fontsWithEmbeddedBitmapsDrawInk() throws {
        let path = "/usr/share/fonts/truetype/cmu/cmuntt.ttf"
        try #require(FileManager.default.fileExists(atPath: path), "apt-get install fonts-cmu")
        for size in [12, 14, 16, 20, 24, 30] {
            let image = try FontRenderer(path: path, pixelSize: size).render("Younger. field Caged \"with\" work 267")
            #expect(image.inkRows() != nil, "blank at \(size) px")
        }
    }
}

/// Code-like lines hold what code and codes hold, with spaces only between pieces.
@Suite struct CodeTextTests {
    @Test func codeLinesHoldBracketsQuotesAndCodesWithoutInventedSpaces() {
        let code = CodeText(words: ["license", "work", "notice", "grant"], maxLength: 48)
        var rng = SplitMix64(seed: 5)
        let lines = (0..<2000).map { _ in code.line(rng: &rng) }
        let all = Set(lines.joined())
        for c in "()[]{}<>_\"'`\\=+-*/%&|^~!?#$@;:,." { #expect(all.contains(c), "no \(c)") }
        #expect(lines.allSatisfy { !$0.isEmpty && $0.count <= 48 && !$0.hasPrefix(" ") && !$0.hasSuffix(" ") })
        // A space never follows an opening bracket of a call, an index or a dictionary.
        #expect(lines.filter { $0.contains("( ") || $0.contains("[ ") || $0.contains("{ ") }.count
                < lines.count / 50, "spaces after opening brackets come only from random codes")
        var again = SplitMix64(seed: 5)
        #expect((0..<2000).map { _ in code.line(rng: &again) } == lines)
        // In SyntheticText, the share of code lines is about what is asked; 0 changes nothing.
        var text = SyntheticText(words: ["license", "work", "notice"], maxLength: 48)
        var a = SplitMix64(seed: 9), b = SplitMix64(seed: 9)
        let plain = (0..<200).map { _ in text.line(rng: &a) }
        text.codeShare = 0
        #expect((0..<200).map { _ in text.line(rng: &b) } == plain)
        text.codeShare = 0.3
        var c = SplitMix64(seed: 9)
        let mixed = (0..<1000).map { _ in text.line(rng: &c) }
        let codeLike = mixed.filter { $0.contains("(") || $0.contains("[") || $0.contains("_") || $0.contains("=") }.count
        #expect(codeLike > 200 && codeLike < 600, "\(codeLike) code-like lines of 1000")
    }

    /// Rule lines hold a run of at least 3 of one mark and fit the line length; their share is
    /// about what is asked, and share 0 changes no line.
    @Test func ruleLinesHoldARunOfOneMark() {
        var text = SyntheticText(words: ["contents", "chapter", "notice"], maxLength: 48)
        var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
        let plain = (0..<300).map { _ in text.line(rng: &a) }
        text.ruleShare = 0
        #expect((0..<300).map { _ in text.line(rng: &b) } == plain)
        func hasRun(_ line: String) -> Bool {
            SyntheticText.ruleMarks.contains { line.contains(String(repeating: $0, count: 3)) }
        }
        var r = SplitMix64(seed: 4)
        let rules = (0..<500).map { _ in text.ruleLine(rng: &r) }
        #expect(rules.allSatisfy { hasRun($0) && !$0.isEmpty && $0.count <= 48 && !$0.hasSuffix(" ") })
        #expect(Set(rules.compactMap { $0.first(where: { SyntheticText.ruleMarks.contains($0) }) }).count
                == SyntheticText.ruleMarks.count, "every mark makes rules")
        #expect(rules.contains { $0.last?.isNumber == true }, "leaders end in a number")
        #expect(rules.contains { $0.allSatisfy { SyntheticText.ruleMarks.contains($0) } }, "rules stand alone too")
        text.ruleShare = 0.3
        var c = SplitMix64(seed: 4)
        let withRules = (0..<1000).map { _ in text.line(rng: &c) }.filter(hasRun).count
        #expect(withRules > 250 && withRules < 450, "\(withRules) lines of 1000 with a run")
    }
}
