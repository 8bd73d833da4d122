import Foundation
import Imaging
import NeuralEngine

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
    public static func fonts(in paths: [String]) throws(FontError) -> [String] {
        var out = [String]()
        for path in paths {
            guard let isFolder = FolderSearch.isFolder(path) else {
                throw FontError(file: path, reason: "no such file or folder")
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
    static func fontList(_ path: String) throws(FontError) -> [String] {
        guard let text = readUTF8File(path) else {
            throw FontError(file: path, reason: "cannot read the font list")
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
            throw FontError(file: path, reason: "\(missing.count) listed fonts are missing (install the packages the list names): "
                            + missing.prefix(5).joined(separator: ", ") + (missing.count > 5 ? ", ..." : ""))
        }
        if fonts.isEmpty { throw FontError(file: path, reason: "the font list names no fonts") }
        return fonts
    }

    /// Line `index`: its image (dark on light) and text. The font's size is in `pixelSizes`;
    /// half the lines keep the font's full line height, half are cropped to the ink with a random
    /// margin; `neighborShare` of them keep parts of the lines above and below.
    /// Throws if the chosen font cannot render the text (the caller skips that line).
    public func line(_ index: Int) throws(FontError) -> (GrayImage, String) {
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
        if degrades { image = degradation.apply(image, rng: &rng) }
        return (image, content)
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

extension GrayImage {
    /// The rows holding any pixel darker than mid-gray, or nil for a blank image.
    func inkRows() -> Range<Int>? {
        var first = -1, last = -1
        for y in 0..<height {
            for x in 0..<width where self[x, y] < 128 {
                if first < 0 { first = y }
                last = y
                break
            }
        }
        return first < 0 ? nil : first..<(last + 1)
    }
}
