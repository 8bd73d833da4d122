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

    public init(fontPaths: [String], text: SyntheticText, seed: UInt64) {
        precondition(!fontPaths.isEmpty, "no fonts")
        self.fontPaths = fontPaths
        self.text = text
        self.seed = seed
    }

    /// Font files (.ttf, .otf, .pfb, .t1) in the given files and folders (recursively), sorted.
    public static func fonts(in paths: [String]) -> [String] {
        var out = [String]()
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if !isDirectory.boolValue { out.append(path); continue }
            let walker = FileManager.default.enumerator(atPath: path)
            while let relative = walker?.nextObject() as? String {
                let lower = relative.lowercased()
                if [".ttf", ".otf", ".pfb", ".t1"].contains(where: { lower.hasSuffix($0) }) { out.append(path + "/" + relative) }
            }
        }
        return out.sorted()
    }

    /// Line `index`: its image (dark on light, height 20-48 px) and text. Throws if the chosen
    /// font cannot render the text (the caller skips that line).
    public func line(_ index: Int) throws(FontError) -> (GrayImage, String) {
        var rng = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(index))
        let font = fontPaths[Int(rng.next() % UInt64(fontPaths.count))]
        let size = 16 + Int(rng.next() % 25)
        let content = text.line(rng: &rng)
        let renderer = try FontRenderer(path: font, pixelSize: size)
        var image = try renderer.render(content, margin: 2 + Int(rng.next() % 6))
        if degrades { image = Augmentation().apply(image, rng: &rng) }
        return (image, content)
    }
}
