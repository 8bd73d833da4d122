import Foundation
import Imaging
import NeuralEngine
import OCR

enum RecognizeCommand: Command {
    static let name = "recognize"
    static let abstract = "Read text-line images."
    static let help = """
        OVERVIEW: Recognize single text-line images and print their text in input order. A file
        that cannot be read is reported on stderr and the others are still recognized (exit 1).

        USAGE: ocr recognize [--model MODEL] [--format text|tsv] [--beam N] IMAGE...

        OPTIONS:
          --model <model>         The model (default: the shipped model, see 'ocr info').
          --format <format>       text: one line of text per image (default); tsv:
                                  path<TAB>text<TAB>confidence with \\t \\n \\\\ escaped.
          --beam <n>              Prefix beam search width (default 1: greedy).
          --threads <n>           Threads (default: the number of cores).
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, valued: ["--model", "--format", "--beam", "--threads"], switches: [])
        guard !a.positionals.isEmpty else { throw UsageError("give at least one image") }
        let format = a.string("--format") ?? "text"
        guard format == "text" || format == "tsv" else { throw UsageError("--format must be text or tsv") }
        let beam = try a.int("--beam", default: 1, range: 1...1000)
        Parallelism.threads = try a.int("--threads", default: Parallelism.threads, range: 1...256)
        guard let modelPath = a.string("--model") ?? ModelLocation.shippedModel() else {
            printError("ocr recognize: no --model given and no shipped model found (looked for "
                       + "\(ModelLocation.shippedFileName) in pretrained/ and share/ocr/, and $OCR_MODEL)")
            return 1
        }
        let model = try OCRModel.load(contentsOf: modelPath)
        let decoder = ImageDecoder()
        var failed = false
        for path in a.positionals {
            let image: GrayImage
            do {
                image = try decoder.decodeGray(contentsOf: path)
            } catch {
                printError("ocr recognize: \(error)")
                failed = true
                continue
            }
            let characters = recognizeBatch(model, images: [model.preprocessing.normalizedImage(image)], beamWidth: beam)[0]
            let text = String(characters.map(\.character))
            switch format {
            case "tsv":
                let confidence = characters.isEmpty ? 0 : characters.map(\.confidence).min()!
                print("\(escapeTSV(path))\t\(escapeTSV(text))\t\(String(format: "%.4f", confidence))")
            default:
                print(text)
            }
        }
        return failed ? 1 : 0
    }

    /// Tabs, newlines and backslashes as \t, \n, \\.
    static func escapeTSV(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\t": out += "\\t"
            case "\n", "\r\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.append(c)
            }
        }
        return out
    }
}
