import Foundation
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum EvalCommand: Command {
    static let name = "eval"
    static let abstract = "Measure a model's accuracy on labeled lines or pages."
    static let options: [Option] = [
        Option("--model", value: "<model>", help: "The model (default: the shipped model, see 'ocr info')."),
        Option("--format", value: "<format>", help: "text (default) or json."),
        Option("--beam", value: "<n>", help: "Prefix beam search width (default \(Recognizer.defaultBeamWidth); 1 is greedy decoding)."),
    ] + SpellingOptions.options + [
        Option("--pages", help: "DATA holds pages (found by itself when some ground truth has several lines)."),
        Option("--top", value: "<n>", help: "Confusions and worst lines to list (default 10)."),
        Option("--threads", value: "<n>", help: "Threads (default: the number of cores)."),
    ]
    static let help = """
        OVERVIEW: Recognize labeled lines and report CER, WER, line accuracy, the most frequent
        confusions and the worst lines; or recognize pages and report each page's CER in reading
        order and its bag-of-words error (as ../shared/eval/page_cer.py measures them: whitespace
        joined, typographic quotes, dashes and ligatures as ASCII).

        USAGE: ocr eval [--model MODEL] [--format text|json] [--beam N] [--pages] DATA...

        ARGUMENTS:
          DATA                    Folders of X.png + X.gt.txt, or TSV manifests (path<TAB>text);
                                  pages: folders of X.png + X.gt.txt (the page's text).

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        guard !a.positionals.isEmpty else { throw UsageError("give at least one DATA folder or manifest") }
        let modelPath = try ModelLocation.model(named: a.string("--model"))
        let format = a.string("--format") ?? "text"
        guard format == "text" || format == "json" else { throw UsageError("--format must be text or json, got '\(format)'") }
        let beam = try a.int("--beam", default: Recognizer.defaultBeamWidth, range: 1...1000), top = try a.int("--top", default: 10, range: 0...10_000)
        Parallelism.threads = try a.int("--threads", default: Parallelism.threads, range: 1...256)
        let spellingOptions = try SpellingOptions(a, modelPath: modelPath)
        let model = try OCRModel.load(contentsOf: modelPath)
        let spelling = try spellingOptions.load(beamWidth: beam)
        if try a.has("--pages") || PageDataset.holdsPages(a.positionals) {
            return try pages(a.positionals, model: model, beam: beam, spelling: spelling, json: format == "json",
                             modelPath: modelPath, top: top)
        }
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
        let report = EvaluationReport(model: model, lines: lines, beamWidth: beam, spelling: spelling, top: top)
        let rates = report.rates, predictions = report.predictions
        func text(_ c: Character?) -> String { c.map { String($0) } ?? "" }
        if format == "json" {
            var object: [String: Any] = [
                "model": modelPath, "lines": lines.count, "unreadable": failures,
                "cer": rates.cer, "wer": rates.wer, "line_accuracy": rates.lineAccuracy,
                "characters": rates.referenceCharacters, "character_errors": rates.characterEdits,
                "lines_per_second": report.linesPerSecond,
                "least_confident_tenth": ["lines": report.confidence.least.lines, "cer": report.confidence.least.cer],
                "more_confident_rest": ["lines": report.confidence.rest.lines, "cer": report.confidence.rest.cer],
                "least_confident_tenth_of_words": ["words": report.wordConfidence.least.words,
                                                   "wrong": report.wordConfidence.least.wrong],
                "more_confident_rest_of_words": ["words": report.wordConfidence.rest.words,
                                                 "wrong": report.wordConfidence.rest.wrong],
            ]
            object["confusions"] = report.confusions.map { entry -> [String: Any] in
                ["expected": text(entry.confusion.expected), "got": text(entry.confusion.got), "count": entry.count]
            }
            object["worst"] = report.worst.map { ["file": lines[$0.index].source, "expected": lines[$0.index].text,
                                                  "got": predictions[$0.index], "cer": $0.cer] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("lines \(lines.count)  characters \(rates.referenceCharacters)  "
                  + String(format: "%.1f lines/s", report.linesPerSecond))
            print(String(format: "CER %.2f%%  WER %.2f%%  line accuracy %.2f%%", rates.cer * 100, rates.wer * 100,
                         rates.lineAccuracy * 100))
            let c = report.confidence
            print(String(format: "CER of the 10%% least confident lines (%d) %.2f%%, of the rest (%d) %.2f%%",
                         c.least.lines, c.least.cer * 100, c.rest.lines, c.rest.cer * 100))
            let w = report.wordConfidence
            print(String(format: "words wrong among the 10%% least confident (%d) %.2f%%, among the rest (%d) %.2f%%",
                         w.least.words, w.least.wrong * 100, w.rest.words, w.rest.wrong * 100))
            if !report.confusions.isEmpty {
                print("\nmost frequent errors (expected → got):")
                for entry in report.confusions {
                    print("  \(shown(text(entry.confusion.expected))) → \(shown(text(entry.confusion.got)))  \(entry.count)")
                }
            }
            if !report.worst.isEmpty {
                print("\nworst lines:")
                for w in report.worst {
                    print(String(format: "  %.1f%%  ", w.cer * 100) + lines[w.index].source)
                    print("    expected: \(lines[w.index].text)\n    got:      \(predictions[w.index])")
                }
            }
        }
        return failures > 0 ? 1 : 0
    }

    /// `ocr eval` of page folders: the whole and each page, worst first.
    static func pages(_ folders: [String], model: OCRModel, beam: Int, spelling: WeightedSpelling?, json: Bool,
                      modelPath: String, top: Int) throws -> Int32 {
        let samples = try PageDataset.load(folders)
        guard !samples.isEmpty else {
            throw UsageError("no pages found in \(folders.joined(separator: ", ")) (X.png, .jpg or .jpeg with X.gt.txt beside it)")
        }
        let recognizer = Recognizer(model: model, beamWidth: beam, layout: .auto, spelling: spelling)
        let report = PageEvaluationReport(recognizer: recognizer, pages: samples)
        for page in report.pages {
            if let failure = page.failure { printError("ocr eval: \(escapingControls(page.source)): \(escapingControls(failure))") }
        }
        let failures = report.pages.filter { $0.failure != nil }.count
        let rates = report.rates
        let worst = report.pages.indices.filter { report.pages[$0].rates.cer > 0 }
            .sorted { report.pages[$0].rates.cer > report.pages[$1].rates.cer }.prefix(top)
        if json {
            var object: [String: Any] = [
                "model": modelPath, "pages": report.pages.count, "unreadable": failures,
                "cer": rates.cer, "bag_of_words_error": rates.bagOfWordsError,
                "characters": rates.referenceCharacters, "character_errors": rates.characterEdits,
                "pages_per_second": report.pagesPerSecond,
            ]
            object["per_page"] = report.pages.map { page -> [String: Any] in
                ["file": page.source, "cer": page.rates.cer, "bag_of_words_error": page.rates.bagOfWordsError,
                 "characters": page.rates.referenceCharacters]
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("pages \(report.pages.count)  characters \(rates.referenceCharacters)  "
                  + String(format: "%.2f pages/s", report.pagesPerSecond))
            print(String(format: "page CER %.2f%%  bag-of-words error %.2f%%", rates.cer * 100, rates.bagOfWordsError * 100))
            if !worst.isEmpty {
                print("\nworst pages:")
                for k in worst {
                    let page = report.pages[k]
                    print(String(format: "  CER %.2f%%  bag-of-words %.2f%%  ", page.rates.cer * 100,
                                 page.rates.bagOfWordsError * 100) + escapingControls(page.source))
                }
            }
        }
        return failures > 0 ? 1 : 0
    }

    static func shown(_ s: String) -> String {
        s.isEmpty ? "(nothing)" : s == " " ? "(space)" : "'\(s)'"
    }
}
