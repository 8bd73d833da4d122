import Foundation

/// Where the shipped printed-English model is looked for when no model is named.
public enum ModelLocation {
    public static let shippedFileName = "printed-en.safetensors"

    /// The candidates in order: `$OCR_MODEL`, then `pretrained/` beside the executable or in any
    /// folder above it (a checkout's `.build/release/ocr`), then `share/ocr/` installs.
    public static func candidates(executable: String = CommandLine.arguments.first ?? "") -> [String] {
        var out = [String]()
        if let env = ProcessInfo.processInfo.environment["OCR_MODEL"], !env.isEmpty { out.append(env) }
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            out.append(dir.appendingPathComponent("pretrained/\(shippedFileName)").path)
            out.append(dir.appendingPathComponent("share/ocr/\(shippedFileName)").path)
            dir.deleteLastPathComponent()
        }
        out += ["/usr/local/share/ocr/\(shippedFileName)", "/usr/share/ocr/\(shippedFileName)"]
        return out
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

    /// The first candidate that exists, or nil.
    public static func shippedModel() -> String? {
        candidates().first { FileManager.default.fileExists(atPath: $0) }
    }
}
