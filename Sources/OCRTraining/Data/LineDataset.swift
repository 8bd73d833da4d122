import Foundation
import Imaging
import OCR
import Platform

/// One labeled text-line image.
public struct LineSample: Equatable, Sendable {
    public var imagePath: String
    public var text: String
}

/// Finds labeled lines: folders searched recursively for `X.png` / `.jpg` / `.jpeg` / `.bin.png` /
/// `.nrm.png` with `X.gt.txt` beside them (the tesstrain / kraken / Calamari convention), and TSV
/// manifests of `path<TAB>text` lines with paths relative to the manifest (PaddleOCR's lists).
public enum LineDataset {
    static let imageSuffixes = [".bin.png", ".nrm.png", ".png", ".jpg", ".jpeg"]

    /// Every sample of the given folders and manifests, in a stable order.
    public static func load(_ sources: [String]) throws(FileError) -> [LineSample] {
        var samples = [LineSample]()
        for source in sources {
            guard let isFolder = FolderSearch.isFolder(source) else {
                throw FileError(file: source, reason: "no such file or folder")
            }
            samples += isFolder ? try folder(source) : try manifest(source)
        }
        return samples
    }

    /// The images that more than one sample names, most repeated first, with how many samples
    /// name each. A manifest may repeat a line to weight it, but one repeated by accident trains
    /// on that line alone.
    public static func repeatedImages(_ samples: [LineSample]) -> [(path: String, count: Int)] {
        var counts = [String: Int]()
        for sample in samples { counts[sample.imagePath, default: 0] += 1 }
        return counts.filter { $0.value > 1 }.map { (path: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.path < $1.path }
    }

    static func folder(_ root: String, wholeText: Bool = false) throws(FileError) -> [LineSample] {
        guard let images = FolderSearch.files(under: root, endingWith: imageSuffixes) else {
            throw FileError(file: root, reason: "cannot list the folder")
        }
        var samples = [LineSample]()
        var seenStems = Set<String>()
        for relative in images {
            let lower = relative.lowercased()
            guard let suffix = imageSuffixes.first(where: { lower.hasSuffix($0) }) else { continue }
            let stem = String(relative.dropLast(suffix.count))
            let gt = root + "/" + stem + ".gt.txt"
            guard FileManager.default.fileExists(atPath: gt), seenStems.insert(stem).inserted else { continue }
            samples.append(LineSample(imagePath: root + "/" + relative,
                                      text: wholeText ? try pageGroundTruth(gt) : try groundTruth(gt)))
        }
        return samples.sorted { $0.imagePath < $1.imagePath }
    }

    /// The first line of a ground-truth file, without its line break, NFC-normalized.
    static func groundTruth(_ path: String) throws(FileError) -> String {
        let text = try readTextFile(path)
        let line = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return Charset.normalize(line.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")))
    }

    /// A ground-truth file's whole text (a page's), NFC-normalized, without a byte-order mark.
    static func pageGroundTruth(_ path: String) throws(FileError) -> String {
        Charset.normalize(try readTextFile(path).trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")))
    }

    static func manifest(_ path: String) throws(FileError) -> [LineSample] {
        let text = try readTextFile(path)
        let base = (path as NSString).deletingLastPathComponent
        var samples = [LineSample]()
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.isEmpty { continue }
            guard let tab = line.firstIndex(of: "\t") else {
                throw FileError(file: path, reason: "line \(number + 1) has no tab between path and text")
            }
            let file = String(line[..<tab]), label = String(line[line.index(after: tab)...])
            guard !file.isEmpty else { throw FileError(file: path, reason: "line \(number + 1) has an empty path") }
            let resolved = file.hasPrefix("/") ? file : (base.isEmpty ? file : base + "/" + file)
            samples.append(LineSample(imagePath: resolved, text: Charset.normalize(label)))
        }
        return samples
    }
}
