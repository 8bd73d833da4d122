import Foundation
import Imaging
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum RecognizeCommand: Command {
    static let name = "recognize"
    static let abstract = "Read text from images (single lines, paragraphs, many files at once)."
    static let options: [Option] = [
        Option("--model", value: "<model>", help: "The model (default: the shipped model, see 'ocr info')."),
        Option("--format", value: "<format>", help: "text: the text of each line found, in reading order, a blank\nline between blocks (default);\ntsv: path<TAB>text<TAB>confidence per image, with \\t \\n \\\\\nescaped (lines of one image joined by \\n); an image that\ncannot be read: path<TAB><TAB><TAB>reason;\njson: JSON Lines, one JSON object per image and line of output:\nthe page (size, skew) -> blocks -> lines -> words -> characters,\neach with its box and confidence; an image that cannot be read:\n{\"error\":..., \"path\":...}."),
        Option("--list", value: "<file>", help: "Read image paths from a file, one per line ('-': standard input)."),
        Option("--jobs", value: "<n>", help: "Images recognized in parallel (default: the number of cores)."),
        Option("--threads", value: "<n>", help: "Kernel threads per job (default 1; all cores for a single image)."),
        Option("--shard", value: "<i>/<n>", help: "Recognize only share i of n (1 <= i <= n) of the inputs: every\nn-th input starting with the i-th, for job arrays."),
        Option("--beam", value: "<n>", help: "Prefix beam search width (default \(Recognizer.defaultBeamWidth); 1 is greedy decoding)."),
    ] + SpellingOptions.options + [
        Option("--allow", value: "<chars>", help: "Read only these characters (e.g. \"0123456789.-\")."),
        Option("--layout", value: "<mode>", help: "What each image is: auto (default; a page: columns and blocks in\nreading order, a line read whole), column (one block of lines)\nor line (one line, read whole)."),
        Option("--single-line", help: "The same as --layout line."),
        Option("--overlay", value: "<png>", help: "Draw the (single) input with each character's box and\nconfidence, each line's box and each block's, numbered in\nreading order, into this PNG."),
    ]
    static let help = """
        OVERVIEW: Recognize images and print their text in input order. A page is split into its
        columns and blocks, read in reading order (a blank line between blocks), and each block
        into lines (one output line of text each); a single line is read whole. A file that cannot
        be read is reported on stderr with the reason, the rest are still recognized, and the exit
        status is 1.

        USAGE: ocr recognize [options] IMAGE|FOLDER...
               ocr recognize [options] --list FILE|-

        Folders are searched recursively for .png, .jpg and .jpeg files.

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        let formatName = a.string("--format") ?? "text"
        guard let format = OutputFormat(rawValue: formatName) else {
            throw UsageError("--format must be text, tsv or json, got '\(formatName)'")
        }
        let layoutName = a.string("--layout") ?? (a.has("--single-line") ? "line" : "auto")
        guard let layout = LayoutMode(rawValue: layoutName) else {
            throw UsageError("--layout must be auto, column or line, got '\(layoutName)'")
        }
        if a.has("--single-line") && layout != .line { throw UsageError("--single-line and --layout \(layoutName) contradict each other") }
        let beam = try a.int("--beam", default: Recognizer.defaultBeamWidth, range: 1...1000)
        let jobs = try a.int("--jobs", default: Parallelism.threads, range: 1...256)
        let cores = Parallelism.threads
        var (inputs, problems) = try expandInputs(a.positionals, list: a.string("--list"))
        for problem in problems { printError("ocr recognize: \(escapingControls(problem))") }
        if let share = a.string("--shard") {
            let parts = share.split(separator: "/").compactMap { Int($0) }
            guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
                throw UsageError("--shard must be i/n with 1 <= i <= n, got '\(share)'")
            }
            inputs = shard(inputs, index: parts[0], of: parts[1])
        }
        guard !inputs.isEmpty || a.string("--shard") != nil || !problems.isEmpty else { throw UsageError("give at least one image") }
        if a.string("--overlay") != nil && inputs.count != 1 { throw UsageError("--overlay needs exactly one input image") }
        // One image: all cores on its kernels; many: one thread per job, the jobs in parallel.
        Parallelism.threads = try a.int("--threads", default: inputs.count == 1 ? cores : 1, range: 1...256)

        let modelPath = try ModelLocation.model(named: a.string("--model"))
        let spelling = try SpellingOptions(a, modelPath: modelPath)
        let model = try OCRModel.load(contentsOf: modelPath)
        let allowed = try a.string("--allow").map { try allowedCharacters($0, model: model) }
        let recognizer = Recognizer(model: model, beamWidth: beam, allowedCharacters: allowed,
                                    layout: layout, spelling: try spelling.load(beamWidth: beam))
        var failures = 0
        var outputError: String?
        FileBatch(paths: inputs, recognizer: recognizer, jobs: jobs).run { done in
            var text = ""
            for (i, outcome) in done {
                switch outcome {
                case .success(let read):
                    text += format.record(of: read, path: inputs[i])
                case .failure(.unreadable(let error)):
                    printError("ocr recognize: \(escapingControls(error.description))")
                    failures += 1
                    text += format.failureRecord(path: inputs[i], reason: error.reason.message)
                case .failure(.unrecognized(let error)):
                    printError("ocr recognize: \(escapingControls(inputs[i])): \(error)")
                    failures += 1
                    text += format.failureRecord(path: inputs[i], reason: error.description)
                }
            }
            if !text.isEmpty { outputError = writeStandardOutput(text) }
            return outputError == nil
        }
        if let error = outputError {
            printError("ocr recognize: cannot write output: \(error)")
            return 1
        }
        if let overlay = a.string("--overlay"), failures == 0 {
            let image = try ImageDecoder().decodeGray(contentsOf: inputs[0])
            try PNGEncoder.write(Overlay.draw(try recognizer.recognize(image), on: image), to: overlay)
        }
        return failures > 0 || !problems.isEmpty ? 1 : 0
    }

    /// The characters of `--allow`, every one of which the model must be able to read.
    static func allowedCharacters(_ text: String, model: OCRModel) throws(UsageError) -> Set<Character> {
        guard !text.isEmpty else { throw UsageError("--allow needs at least one character") }
        var seen = Set<Character>()
        let unknown = text.filter { model.charset.index(of: $0) == nil && seen.insert($0).inserted }
        guard unknown.isEmpty else {
            throw UsageError("--allow has characters the model cannot read: \(unknown.map { "'\($0)'" }.joined(separator: " "))")
        }
        return Set(text)
    }

    /// Files as given, folders expanded (sorted), then the --list entries; and what could not be
    /// searched or read (a folder without images or unreadable, a name that is not UTF-8, a line
    /// of the list that is not), each as `path: reason`.
    static func expandInputs(_ paths: [String], list: String?) throws -> (inputs: [String], problems: [String]) {
        var out = [String](), problems = [String]()
        for path in paths {
            if FolderSearch.isFolder(path) == true {
                guard let found = FolderSearch.walk(path, endingWith: [".png", ".jpg", ".jpeg"]) else {
                    problems.append("\(path): cannot read the folder: \(String(cString: strerror(errno)))")
                    continue
                }
                problems += found.problems
                if found.files.isEmpty && found.problems.isEmpty { problems.append("\(path): no images found (.png, .jpg, .jpeg)") }
                out += found.files.map { (path as NSString).appendingPathComponent($0) }.sorted()
            } else {
                out.append(path)
            }
        }
        if let list {
            var bytes: [UInt8]
            if list == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                do { bytes = try readTextFileBytes(list) } catch {
                    throw UsageError("cannot read --list \(list): \(error.message)")
                }
            }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte-order mark is not part of a path
            for (number, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.last == 13 ? line.dropLast() : line[...]
                if trimmed.isEmpty { continue }
                if let path = String(validating: trimmed, as: UTF8.self) {
                    out.append(path)
                } else {
                    problems.append("\(list == "-" ? "standard input" : list) line \(number + 1): the path is not UTF-8")
                }
            }
        }
        return (out, problems)
    }

    /// Every n-th input starting with the i-th (1-based): the shards of a list partition it.
    static func shard(_ inputs: [String], index: Int, of count: Int) -> [String] {
        stride(from: index - 1, to: inputs.count, by: count).map { inputs[$0] }
    }
}
