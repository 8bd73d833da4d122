import Foundation
import NeuralEngine
import OCR
import OCRTraining

enum EvalCommand: Command {
    static let name = "eval"
    static let abstract = "Measure a model's accuracy on labeled lines."
    static let help = """
        OVERVIEW: Recognize labeled lines and report CER, WER, line accuracy, the most frequent
        confusions and the worst lines.

        USAGE: ocr eval [--model MODEL] [--format text|json] [--beam N] DATA...

        ARGUMENTS:
          DATA                    Folders of X.png + X.gt.txt, or TSV manifests (path<TAB>text).

        OPTIONS:
          --model <model>         The model (default: the shipped model, see 'ocr info').
          --format <format>       text (default) or json.
          --beam <n>              Prefix beam search width (default \(Recognizer.defaultBeamWidth); 1 is greedy decoding).
        \(SpellingOptions.help)
          --top <n>               Confusions and worst lines to list (default 10).
          --threads <n>           Threads (default: the number of cores).
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, valued: ["--model", "--format", "--beam", "--top", "--threads", "--words",
                                             "--spelling-weight"], switches: [])
        guard !a.positionals.isEmpty else { throw UsageError("give at least one DATA folder or manifest") }
        let modelPath = try ModelLocation.model(named: a.string("--model"))
        let format = a.string("--format") ?? "text"
        guard format == "text" || format == "json" else { throw UsageError("--format must be text or json, got '\(format)'") }
        let beam = try a.int("--beam", default: Recognizer.defaultBeamWidth, range: 1...1000), top = try a.int("--top", default: 10, range: 0...10_000)
        Parallelism.threads = try a.int("--threads", default: Parallelism.threads, range: 1...256)
        let spellingOptions = try SpellingOptions(a, modelPath: modelPath)
        let model = try OCRModel.load(contentsOf: modelPath)
        let spelling = try spellingOptions.load(beamWidth: beam)
        let samples = try LineDataset.load(a.positionals)
        guard !samples.isEmpty else {
            throw UsageError("no labeled lines found in \(a.positionals.joined(separator: ", ")) "
                             + "(X.png, .jpg or .jpeg with X.gt.txt beside it, or a TSV manifest)")
        }
        // Lines with characters the model cannot output still count: their reference keeps them.
        let prep = LinePreparation(preprocessing: model.preprocessing, charset: model.charset, skipsUnknown: true)
        var lines = [PreparedLine](), failures = 0
        for sample in samples {
            switch prep.prepareImageOnly(sample) {
            case .success(let line): lines.append(line)
            case .failure(let error):
                printError("ocr eval: skipped \(escapingControls(error.description))")
                failures += 1
            }
        }
        guard !lines.isEmpty else {
            printError("ocr eval: none of the \(samples.count) labeled lines could be read")
            return 1
        }
        let start = monotonicSeconds()
        let (rates, predictions) = evaluate(model, lines: lines, batchSize: 16, beamWidth: beam, spelling: spelling)
        let seconds = monotonicSeconds() - start
        var confusions = [String: Int]()
        var perLine = [(cer: Double, index: Int)]()
        for (i, line) in lines.enumerated() {
            for e in characterErrors(prediction: predictions[i], reference: line.text) {
                confusions["\(e.expected.map { String($0) } ?? "")\u{0}\(e.got.map { String($0) } ?? "")", default: 0] += 1
            }
            let edits = editDistance(Array(predictions[i]), Array(line.text))
            perLine.append((Double(edits) / Double(max(line.text.count, 1)), i))
        }
        let topConfusions = confusions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
        let worst = perLine.filter { $0.cer > 0 }.sorted { $0.cer != $1.cer ? $0.cer > $1.cer : $0.index < $1.index }.prefix(top)
        if format == "json" {
            var object: [String: Any] = [
                "model": modelPath, "lines": lines.count, "unreadable": failures,
                "cer": rates.cer, "wer": rates.wer, "line_accuracy": rates.lineAccuracy,
                "characters": rates.referenceCharacters, "character_errors": rates.characterEdits,
                "lines_per_second": Double(lines.count) / max(seconds, 1e-9),
            ]
            object["confusions"] = topConfusions.map { entry -> [String: Any] in
                let parts = entry.key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                return ["expected": parts[0], "got": parts[1], "count": entry.value]
            }
            object["worst"] = worst.map { ["file": lines[$0.index].source, "expected": lines[$0.index].text,
                                           "got": predictions[$0.index], "cer": $0.cer] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("lines \(lines.count)  characters \(rates.referenceCharacters)  "
                  + String(format: "%.1f lines/s", Double(lines.count) / max(seconds, 1e-9)))
            print(String(format: "CER %.2f%%  WER %.2f%%  line accuracy %.2f%%", rates.cer * 100, rates.wer * 100,
                         rates.lineAccuracy * 100))
            if !topConfusions.isEmpty {
                print("\nmost frequent errors (expected → got):")
                for entry in topConfusions {
                    let parts = entry.key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
                    print("  \(shown(parts[0])) → \(shown(parts[1]))  \(entry.value)")
                }
            }
            if !worst.isEmpty {
                print("\nworst lines:")
                for w in worst {
                    print(String(format: "  %.1f%%  ", w.cer * 100) + lines[w.index].source)
                    print("    expected: \(lines[w.index].text)\n    got:      \(predictions[w.index])")
                }
            }
        }
        return failures > 0 ? 1 : 0
    }

    static func shown(_ s: String) -> String {
        s.isEmpty ? "(nothing)" : s == " " ? "(space)" : "'\(s)'"
    }
}
