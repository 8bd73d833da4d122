import Foundation
import Platform
import ShippedModel

/// Where the shipped printed-English model is looked for when no model is named.
public enum ModelLocation {
    public static let shippedFileName = ShippedModelFiles.model
    /// The environment variable that names a model to use instead of the shipped one.
    public static let environmentVariable = "OCR_MODEL"

    /// The real path of the running executable (symlinks resolved), or nil where it cannot be told.
    public static var executablePath: String? {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        return Bundle.main.executablePath.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }

    /// The places the shipped model is looked for, in order: the resource folder SwiftPM copies
    /// beside the executable; `share/ocr/` in the executable's prefix (`bin/../share/ocr`);
    /// `pretrained/` beside the executable or in a folder above it (a checkout's
    /// `.build/release/ocr`); the checkout this library was built from; `/usr/local/share/ocr`
    /// and `/usr/share/ocr`. ``environmentVariable`` comes before all of them when set.
    public static func candidates(executable: String? = ModelLocation.executablePath) -> [String] {
        var out = [String]()
        if let executable {
            let dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for entry in entries.sorted() where ShippedModelFiles.resourceFolderSuffixes.contains(where: entry.hasSuffix) {
                out.append(dir.appendingPathComponent(entry).appendingPathComponent(shippedFileName).path)
            }
            out.append(dir.deletingLastPathComponent().appendingPathComponent("share/ocr/\(shippedFileName)").path)
            var above = dir
            for _ in 0..<6 {
                out.append(above.appendingPathComponent("pretrained/\(shippedFileName)").path)
                if above.path == "/" { break }
                above.deleteLastPathComponent()
            }
        }
        out.append(URL(fileURLWithPath: ShippedModelFiles.sourceFolder).appendingPathComponent(shippedFileName).path)
        out += ["/usr/local/share/ocr/\(shippedFileName)", "/usr/share/ocr/\(shippedFileName)"]
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    /// The word list that goes with a model file: `X.words.txt` beside `X.safetensors` (or
    /// `X.safetensors.ckpt`), whether or not it exists.
    public static func wordList(forModel path: String) -> String {
        var base = path
        for suffix in [".ckpt", ".safetensors"] where base.hasSuffix(suffix) { base.removeLast(suffix.count) }
        return base + ".words.txt"
    }

    /// ``wordList(forModel:)`` when that file exists, else nil.
    public static func existingWordList(forModel path: String) -> String? {
        let words = wordList(forModel: path)
        return FileManager.default.fileExists(atPath: words) ? words : nil
    }

    /// The model to use when none is named: the file ``environmentVariable`` names when it is set
    /// (an error when that file does not exist: a typo must not silently fall back to another
    /// model), else the first of ``candidates(executable:)`` that exists, else nil.
    public static func shippedModel() throws(FileError) -> String? {
        if let named = ProcessInfo.processInfo.environment[environmentVariable], !named.isEmpty {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: named, isDirectory: &isFolder), !isFolder.boolValue else {
                throw FileError(file: named, reason: "no such model file (named by \(environmentVariable))")
            }
            return named
        }
        return candidates().first { FileManager.default.fileExists(atPath: $0) }
    }
}

extension ModelLocation {
    /// `named` when given, else ``shippedModel()``; when there is none, the error says where it
    /// was looked for.
    public static func model(named: String?) throws(FileError) -> String {
        if let named { return named }
        guard let found = try shippedModel() else {
            throw FileError(file: shippedFileName, reason: notFound)
        }
        return found
    }

    /// Why there is no model: the shipped one is nowhere it was looked for.
    static var notFound: String {
        "the shipped model was not found (name a model, or set \(environmentVariable)); looked for it in:\n  "
            + candidates().joined(separator: "\n  ")
    }
}
