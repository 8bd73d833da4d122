import Foundation
import Imaging
import NeuralEngine
import OCR
import Platform

/// Renders labeled lines from fonts and text, deterministic for a seed: line i is a function of
/// (seed, i) alone, so it does not depend on threads or on which lines were made before.
public final class SyntheticLines {
    public let fontPaths: [String]
    public let text: SyntheticText
    public let seed: UInt64
    /// Degrade the rendered lines like a print and scan (blur, noise, contrast, shear, ink).
    public var degrades = true
    /// The print-and-scan degradations applied when `degrades` is set.
    public var degradation = ScanDegradation()
    /// Share of the lines (0-1) that keep cut-off parts of the lines above and below them, as
    /// lines cut from a page with tight leading do. At 0, the default, no random numbers are
    /// drawn for it, so a seed gives the same lines as before the option existed.
    public var neighborShare: Float = 0
    /// The font sizes drawn from, in pixels (default 14-44).
    public var pixelSizes: ClosedRange<Int> = 14...44 {
        didSet { precondition(pixelSizes.lowerBound >= 4, "font sizes start at 4 px") }
    }

    public init(fontPaths: [String], text: SyntheticText, seed: UInt64) {
        precondition(!fontPaths.isEmpty, "no fonts")
        self.fontPaths = fontPaths
        self.text = text
        self.seed = seed
    }

    /// Font files (.ttf, .otf, .pfb, .t1) in the given files and folders (recursively), sorted.
    /// A `.txt` file is a font list: one path per line (relative paths from the list's folder),
    /// `#` starts a comment; every font it names must exist.
    public static func fonts(in paths: [String]) throws(FileError) -> [String] {
        var out = [String]()
        for path in paths {
            guard let isFolder = FolderSearch.isFolder(path) else {
                throw FileError(file: path, reason: "no such file or folder")
            }
            if isFolder {
                out += (FolderSearch.files(under: path, endingWith: [".ttf", ".otf", ".pfb", ".t1"]) ?? []).map { path + "/" + $0 }
            } else if path.lowercased().hasSuffix(".txt") {
                out += try fontList(path)
            } else {
                out.append(path)
            }
        }
        return out.sorted()
    }

    /// The fonts a list file names; an error names the missing ones.
    static func fontList(_ path: String) throws(FileError) -> [String] {
        guard let text = try? readTextFile(path) else {
            throw FileError(file: path, reason: "cannot read the font list")
        }
        let folder = (path as NSString).deletingLastPathComponent
        var fonts = [String](), missing = [String]()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = String(raw.prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let font = line.hasPrefix("/") ? line : (folder.isEmpty ? line : folder + "/" + line)
            if FileManager.default.fileExists(atPath: font) { fonts.append(font) } else { missing.append(font) }
        }
        if !missing.isEmpty {
            throw FileError(file: path, reason: "\(missing.count) listed fonts are missing (install the packages the list names): "
                            + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", ..." : ""))
        }
        if fonts.isEmpty { throw FileError(file: path, reason: "the font list names no fonts") }
        return fonts
    }

    /// Line `index`: its image (dark on light) and text. The font's size is in `pixelSizes`;
    /// half the lines keep the font's full line height, half are cropped to the ink with a random
    /// margin; `neighborShare` of them keep parts of the lines above and below.
    /// Throws if the chosen font cannot render the text (the caller skips that line).
    public func line(_ index: Int) throws(FileError) -> (GrayImage, String) {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index))
        let font = fontPaths[Int(rng.next() % UInt64(fontPaths.count))]
        let size = pixelSizes.lowerBound + Int(rng.next() % UInt64(pixelSizes.count))
        let content = text.line(rng: &rng)
        let renderer = try FontRenderer(path: font, pixelSize: size)
        var image = try renderer.render(content, margin: 2 + Int(rng.next() % 6))
        if rng.nextFloat() < 0.5, let ink = image.inkRows() {
            let margin = { (rng: inout SplitMix64) in Int(rng.next() % UInt64(max(2, size / 4))) }
            let top = max(0, ink.lowerBound - margin(&rng)), bottom = min(image.height, ink.upperBound + margin(&rng))
            image = image.cropped(x: 0, y: top, width: image.width, height: bottom - top)
        }
        if neighborShare > 0 && rng.nextFloat() < neighborShare {
            image = withNeighbors(image, renderer: renderer, size: size, rng: &rng)
        }
        guard image.inkRows() != nil else { throw FileError(file: font, reason: "draws no ink for '\(content)'") }
        if degrades { image = legiblyDegraded(image, rng: &rng) }
        return (image, content)
    }

    /// Tries before a line is kept undegraded: a degradation that wipes out the text (too little
    /// contrast left, or noise where the ink was) is drawn again, since a label for a picture
    /// without its text teaches the network to invent text.
    static let degradationAttempts = 4

    /// `image` degraded so that its text still shows (``showsText(_:of:)``), or undegraded when
    /// ``degradationAttempts`` draws all wiped it out.
    func legiblyDegraded(_ image: GrayImage, rng: inout SplitMix64) -> GrayImage {
        for _ in 0..<Self.degradationAttempts {
            let degraded = degradation.apply(image, rng: &rng)
            if Self.showsText(degraded, of: image) { return degraded }
        }
        return image
    }

    /// Whether `degraded` still shows the text of `clean` (dark on white). Of Otsu's split of
    /// `degraded`, the dark pixels per column, smoothed over a third of the height and stretched to
    /// the clean image's width, are its ink profile; the clean image's pixels below 128 give its
    /// own. The text shows when the darker and lighter pixels differ by 20 levels or more (else
    /// the line is one flat colour), the two profiles correlate by ``minimumCorrelation`` or more
    /// (else it is noise), and at most ``maximumLostInk`` of the clean ink lies in columns where
    /// the degraded profile is under 15% of its mean over the clean ink's columns (else a part is
    /// gone: rules of `=` or `~` blurred away, words drowned in spread ink). Thresholds set on
    /// 2000 lines of `ocr synth --fonts datasets/fonts/train.txt --seed 1`, looked at by eye.
    static func showsText(_ degraded: GrayImage, of clean: GrayImage) -> Bool {
        guard degraded.width > 0, degraded.height > 0, clean.width > 0 else { return false }
        let threshold = degraded.otsuThreshold()
        var darkSum = 0, darkCount = 0, lightSum = 0, lightCount = 0
        for v in degraded.pixels {
            if v <= threshold { darkSum += Int(v); darkCount += 1 } else { lightSum += Int(v); lightCount += 1 }
        }
        guard darkCount > 0, lightCount > 0, lightSum / lightCount - darkSum / darkCount >= 20 else { return false }
        func profile(_ image: GrayImage, ink: (UInt8) -> Bool) -> [Double] {
            var columns = [Double](repeating: 0, count: clean.width)
            for x in 0..<image.width {
                var count = 0
                for y in 0..<image.height where ink(image[x, y]) { count += 1 }
                columns[min(clean.width - 1, x * clean.width / image.width)] += Double(count) / Double(image.height)
            }
            let radius = max(1, clean.height / 6)
            return columns.indices.map { x in
                columns[max(0, x - radius)...min(columns.count - 1, x + radius)].reduce(0, +)
            }
        }
        let a = profile(clean) { $0 < 128 }, b = profile(degraded) { $0 <= threshold }
        guard correlation(a, b) >= minimumCorrelation else { return false }
        let inkColumns = a.indices.filter { a[$0] > 0 }
        let reference = inkColumns.reduce(0) { $0 + b[$1] } / Double(max(inkColumns.count, 1))
        let lost = inkColumns.filter { b[$0] < 0.15 * reference }.reduce(0) { $0 + a[$1] }
        return lost <= maximumLostInk * a.reduce(0, +)
    }

    /// The correlation of ink profiles below which a degraded line is noise, not text.
    static let minimumCorrelation = 0.2
    /// The share of the clean ink that may lie where the degraded line shows almost none.
    static let maximumLostInk = 0.15

    /// Pearson's correlation of two series of one length (0 when either is constant).
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count), ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var ab = 0.0, aa = 0.0, bb = 0.0
        for (x, y) in zip(a, b) { ab += (x - ma) * (y - mb); aa += (x - ma) * (x - ma); bb += (y - mb) * (y - mb) }
        return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : 0
    }

    /// `image` below the bottom of another line, above the top of another, or both: each part
    /// cut 1 px to a quarter of the font size into that line's ink, 0 to size/6 px away, shifted
    /// sideways by up to 1/8 of the width. A neighbor the font cannot render is left out.
    func withNeighbors(_ image: GrayImage, renderer: FontRenderer, size: Int, rng: inout SplitMix64) -> GrayImage {
        let above = rng.nextFloat() < 0.7
        let below = !above || rng.nextFloat() < 0.7
        func neighbor(isAbove: Bool, rng: inout SplitMix64) -> GrayImage? {
            let content = text.line(rng: &rng)
            let depth = 1 + Int(rng.next() % UInt64(max(1, size / 4)))
            let gap = Int(rng.next() % UInt64(size / 6 + 1))
            let shift = Int(rng.next() % UInt64(image.width / 4 + 1)) - image.width / 8
            guard let other = try? renderer.render(content, margin: 0), let ink = other.inkRows() else { return nil }
            let rows = min(depth, ink.count)
            let part = other.cropped(x: 0, y: isAbove ? ink.upperBound - rows : ink.lowerBound, width: other.width, height: rows)
            var out = GrayImage(width: image.width, height: rows + gap, value: 255)
            for y in 0..<rows {
                for x in 0..<image.width where x + shift >= 0 && x + shift < part.width {
                    out[x, isAbove ? y : y + gap] = part[x + shift, y]
                }
            }
            return out
        }
        let top = above ? neighbor(isAbove: true, rng: &rng) : nil
        let bottom = below ? neighbor(isAbove: false, rng: &rng) : nil
        return GrayImage.stacked([top, image, bottom].compactMap { $0 })
    }
}

extension SyntheticLines {
    /// Line `index` ready for training or validation (normalized, labels encoded), or nil when the
    /// font cannot render it or its text has characters outside `charset`.
    public func prepared(_ index: Int, preprocessing: Preprocessing, charset: Charset, source: String) -> PreparedLine? {
        guard let (image, text) = try? line(index), let labels = try? charset.encode(text) else { return nil }
        return PreparedLine(image: preprocessing.normalizedImage(image), labels: labels, text: text, source: source)
    }
}
