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
        Option("--format", value: "<format>[,...]", help: "text: the text of each line found, in reading order, a blank\nline between blocks (default);\ntsv: path<TAB>text<TAB>confidence per image, with \\t \\n \\\\\nescaped (lines of one image joined by \\n); an image that\ncannot be read: path<TAB><TAB><TAB>reason;\njson: JSON Lines, one JSON object per image and line of output:\nthe page (size, skew) -> blocks -> lines -> words -> characters,\neach with its box and confidence; an image that cannot be read:\n{\"error\":..., \"path\":...};\nhocr: hOCR 1.2 (XHTML, word and character boxes);\nalto: ALTO v4 XML; page: PAGE XML 2019-07-15;\npdf: the image under an invisible text layer (searchable).\nhocr, alto, page and pdf write one document per image: to standard\noutput for one image, else give --output-dir. Several formats\n(text,hocr,page) need --output-dir."),
        Option("--output-dir", value: "<dir>", help: "Write each image's output to DIR/NAME.txt, .tsv, .json, .hocr,\n.alto.xml, .page.xml, .pdf: NAME is the image's path from the\ndeepest folder the inputs share, without its ending (a folder's\ntree is mirrored; a single file is its name). Each file is written\nwhole under a temporary name and renamed, so a batch stopped at any\nmoment leaves whole files."),
        Option("--dpi", value: "<n>", help: "The images' resolution in pixels per inch, for the page size of a\nPDF and the scan_res of hOCR (default: 300)."),
        Option("--pages", value: "<n-m>", help: "Read only these pages of documents of several pages (TIFF): N,\nN-M or N- (from 1)."),
        Option("--pdf-visible-text", help: "Draw the PDF's text layer (a red box for each character) instead\nof hiding it, to see where it lies on the image."),
        Option("--skip-existing", help: "With --output-dir: skip the images whose files (every format\nasked for) are there already, to resume a batch."),
        Option("--list", value: "<file>", help: "Read image paths from a file, one per line ('-': standard input)."),
        Option("--jobs", value: "<n>", help: "Images recognized in parallel (default: the number of cores)."),
        Option("--threads", value: "<n>", help: "Kernel threads per job (default 1; all cores for a single image)."),
        Option("--shard", value: "<i>/<n>|auto", help: "Recognize only share i of n (1 <= i <= n) of the inputs: every\nn-th input starting with the i-th, for job arrays; auto: the\nshare of this task of a Slurm job array (SLURM_ARRAY_TASK_ID,\nSLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT)."),
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

        Folders are searched recursively for .png, .jpg, .jpeg, .tif, .tiff, .pnm, .pbm, .pgm and
        .ppm files. Every page of a TIFF is read; the text has a form feed between pages.

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        let formats = try parseFormats(a.string("--format") ?? "text")
        let outputDir = a.string("--output-dir")
        if outputDir == nil && formats.count > 1 {
            throw UsageError("several formats (\(formats.map(\.rawValue).joined(separator: ","))) need --output-dir")
        }
        if a.has("--skip-existing") && outputDir == nil { throw UsageError("--skip-existing needs --output-dir") }
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
        // Output names from all the inputs, before sharding: every shard names a file alike.
        var names = OutputFiles.names(of: inputs.map { ($0.path, $0.folder) })
        if let share = a.string("--shard") {
            let (index, count) = try shardShare(share, environment: ProcessInfo.processInfo.environment)
            inputs = shard(inputs, index: index, of: count)
            names = shard(names, index: index, of: count)
        }
        guard !inputs.isEmpty || a.string("--shard") != nil || !problems.isEmpty else { throw UsageError("give at least one image") }
        if a.string("--overlay") != nil && inputs.count != 1 { throw UsageError("--overlay needs exactly one input image") }
        if outputDir == nil, let document = formats.first(where: \.isDocument), inputs.count > 1 {
            throw UsageError("--format \(document.rawValue) writes one document per image: give --output-dir for \(inputs.count) images")
        }
        let dpi = try a.string("--dpi").map { value throws(UsageError) -> Double in
            guard let d = Double(value), d >= 10, d <= 10_000 else { throw UsageError("--dpi must be a number from 10 to 10000, got '\(value)'") }
            return d
        }
        let pageRange = try a.string("--pages").map { try parsePages($0) }
        let visibleText = a.has("--pdf-visible-text")
        let files = outputDir.map { dir in
            var files = OutputFiles(directory: dir, formats: formats)
            files.visiblePDFText = visibleText
            return files
        }
        if files != nil, let clash = OutputFiles.collisions(names, paths: inputs.map(\.path)).first {
            throw UsageError("\(clash.paths.map { escapingControls($0) }.joined(separator: " and ")) would both write "
                             + "\(escapingControls(clash.name)).* in --output-dir: give each once, or rename one")
        }
        // A resumed batch: what is written already is not read again.
        var todo = Array(inputs.indices)
        if a.has("--skip-existing"), let files { todo = todo.filter { !files.allExist(name: names[$0]) } }
        let skipped = inputs.count - todo.count
        let paths = todo.map { inputs[$0].path }
        // One image: all cores on its kernels; many: one thread per job, the jobs in parallel.
        Parallelism.threads = try a.int("--threads", default: paths.count == 1 ? cores : 1, range: 1...256)

        let modelPath = try ModelLocation.model(named: a.string("--model"))
        let spelling = try SpellingOptions(a, modelPath: modelPath)
        let model = try OCRModel.load(contentsOf: modelPath)
        let allowed = try a.string("--allow").map { try allowedCharacters($0, model: model) }
        let recognizer = Recognizer(model: model, beamWidth: beam, allowedCharacters: allowed,
                                    layout: layout, spelling: try spelling.load(beamWidth: beam))
        var failures = 0, pages = 0, readFiles = 0
        var outputError: String?
        // Progress and a summary on a terminal, unless the output goes to the same terminal.
        let onTerminal = isatty(STDERR_FILENO) != 0 && (files != nil || isatty(STDOUT_FILENO) == 0)
        let progress = Progress(total: paths.count, skipped: skipped, enabled: onTerminal)
        let format = formats[0]
        FileBatch(paths: paths, recognizer: recognizer, jobs: jobs, pages: pageRange).run { done in
            var text = ""
            for (k, outcome) in done {
                let i = todo[k], path = inputs[i].path
                switch outcome {
                case .success(var read):
                    pages += read.count
                    progress.pages += read.count
                    readFiles += 1
                    if let dpi { for p in read.indices { read[p].resolution = (dpi, dpi) } }
                    if let files {
                        do throws(FileError) { try files.write(read, name: names[i], created: creationDate(of: path)) } catch {
                            outputError = escapingControls(error.description)
                            return false
                        }
                    } else if format == .page && read.count > 1 {
                        progress.clear()
                        printError("ocr recognize: \(escapingControls(path)): has \(read.count) pages and a PAGE XML file holds one: give --output-dir (a file a page)")
                        failures += 1
                    } else if format.isDocument {
                        // The one document, to standard output.
                        do throws(ImageError) {
                            outputError = writeStandardOutput(try format.data(of: read, created: creationDate(of: path), visibleText: visibleText))
                        } catch {
                            printError("ocr recognize: \(escapingControls(error.description))")
                            failures += 1
                        }
                    } else {
                        text += format.document(of: read, created: creationDate(of: path))
                    }
                case .failure(.unreadable(let error)):
                    progress.clear()
                    printError("ocr recognize: \(escapingControls(error.description))")
                    failures += 1
                    if files == nil { text += format.failureRecord(path: path, reason: error.reason.message) }
                case .failure(.unrecognized(let error)):
                    progress.clear()
                    printError("ocr recognize: \(escapingControls(path)): \(error)")
                    failures += 1
                    if files == nil { text += format.failureRecord(path: path, reason: error.description) }
                }
                progress.advance()
            }
            if !text.isEmpty { outputError = writeStandardOutput(text) }
            return outputError == nil
        }
        progress.clear()
        if let error = outputError {
            printError("ocr recognize: cannot write output: \(error)")
            return 1
        }
        if files != nil || onTerminal {
            printError("ocr recognize: \(readFiles) of \(paths.count) images read (\(pages) page\(pages == 1 ? "" : "s")), \(failures) failed"
                       + (skipped > 0 ? ", \(skipped) skipped (done before)" : "") + " in \(progress.elapsedText)")
        }
        if let overlay = a.string("--overlay"), failures == 0, let path = paths.first {
            let image = try ImageDecoder().decodeGray(contentsOf: path)
            try PNGEncoder.write(Overlay.draw(try recognizer.recognize(image), on: image), to: overlay)
        }
        return failures > 0 || !problems.isEmpty ? 1 : 0
    }

    /// The pages of `--pages`: `N` or `N-M` (from 1), or `N-` for N to the last.
    static func parsePages(_ text: String) throws(UsageError) -> ClosedRange<Int> {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { Int($0) }
        let first = parts.first ?? nil, last = parts.count == 2 ? (text.hasSuffix("-") ? Int.max : parts[1]) : first
        guard let first, let last, first >= 1, last >= first else {
            throw UsageError("--pages must be N, N-M or N- (pages from 1), got '\(text)'")
        }
        return first...last
    }

    /// The formats of `--format`, comma-separated, each once.
    static func parseFormats(_ list: String) throws(UsageError) -> [OutputFormat] {
        var formats = [OutputFormat]()
        for name in list.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard let format = OutputFormat(rawValue: name) else {
                throw UsageError("--format must be \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")) "
                                 + "or several of them joined by commas, got '\(list)'")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }

    /// The share of `--shard`: `i/n`, or `auto` from a Slurm job array's variables (this task's
    /// ID from the array's first, of the array's task count).
    static func shardShare(_ share: String, environment: [String: String]) throws(UsageError) -> (index: Int, count: Int) {
        if share == "auto" {
            guard let id = environment["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }),
                  let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) else {
                throw UsageError("--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (run it as a task of a Slurm job array, or give --shard i/n)")
            }
            let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
            // Arrays with a step (--array=0-30:10) are not contiguous: their IDs say nothing of a share.
            guard count >= 1, (first..<(first + count)).contains(id) else {
                throw UsageError("--shard auto: task \(id) is not among the \(count) tasks from \(first) (a job array with a step or a list of IDs: give --shard i/n)")
            }
            return (id - first + 1, count)
        }
        let parts = share.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else {
            throw UsageError("--shard must be i/n with 1 <= i <= n, or auto, got '\(share)'")
        }
        return (parts[0], parts[1])
    }

    /// The date a document of `path` is given: SOURCE_DATE_EPOCH when set (reproducible builds'
    /// convention), else the image's modification time, so that the same image gives the same
    /// document however and whenever it is read.
    static func creationDate(of path: String) -> Date {
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap({ Double($0) }) {
            return Date(timeIntervalSince1970: epoch)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return attributes?[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
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
    static func expandInputs(_ paths: [String], list: String?) throws -> (inputs: [Input], problems: [String]) {
        var out = [Input](), problems = [String]()
        for path in paths {
            if FolderSearch.isFolder(path) == true {
                guard let found = FolderSearch.walk(path, endingWith: imageEndings) else {
                    problems.append("\(path): cannot read the folder: \(String(cString: strerror(errno)))")
                    continue
                }
                problems += found.problems
                if found.files.isEmpty && found.problems.isEmpty { problems.append("\(path): no images found (\(imageEndings.joined(separator: ", ")))") }
                out += found.files.map { (path as NSString).appendingPathComponent($0) }.sorted().map { Input(path: $0, folder: path) }
            } else {
                out.append(Input(path: path, folder: nil))
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
                    out.append(Input(path: path, folder: nil))
                } else {
                    problems.append("\(list == "-" ? "standard input" : list) line \(number + 1): the path is not UTF-8")
                }
            }
        }
        return (out, problems)
    }

    /// The endings of the files a folder is searched for.
    static let imageEndings = [".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pnm", ".pbm", ".pgm", ".ppm"]

    /// An image to read: its path, and the folder input it was found in (nil: given by itself).
    struct Input {
        var path: String
        var folder: String?
    }

    /// Every n-th input starting with the i-th (1-based): the shards of a list partition it.
    static func shard<T>(_ inputs: [T], index: Int, of count: Int) -> [T] {
        stride(from: index - 1, to: inputs.count, by: count).map { inputs[$0] }
    }
}
