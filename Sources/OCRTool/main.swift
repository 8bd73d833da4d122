import NeuralEngine
import OCR
import Platform

let commands: [any Command.Type] = [RecognizeCommand.self, TrainCommand.self, EvalCommand.self, InfoCommand.self, AverageCommand.self,
                                    SynthCommand.self, SpellingCommand.self, BenchCommand.self]

func printError(_ text: String) {
    fputs(text + "\n", stderr)
}

/// Writes `text` to standard output whole; nil, or why it could not be written (no space left,
/// a pipe closed by its reader when SIGPIPE is ignored).
func writeStandardOutput(_ text: String) -> String? { writeStandardOutput(Array(text.utf8)) }

/// Writes `bytes` to standard output whole; nil, or why not.
func writeStandardOutput(_ data: [UInt8]) -> String? {
    var bytes = data[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return String(cString: strerror(errno))
        }
        bytes = bytes.dropFirst(written)
    }
    return nil
}

let rootHelp = """
    OVERVIEW: ocr, a CRNN text-line recognizer.

    USAGE: ocr <subcommand> [options]

    SUBCOMMANDS:
    \(commands.map { "  " + $0.name + String(repeating: " ", count: max(1, 12 - $0.name.count)) + $0.abstract }.joined(separator: "\n"))

      See 'ocr <subcommand> --help' for a subcommand's options.
    """

func main() -> Int32 {
    // Line-buffered output, so progress reaches a log file as it happens.
    setvbuf(stdout, nil, _IOLBF, 0)
    // Large freed buffers stay in the heap for the next pass (see keepFreedBuffers).
    Parallelism.keepFreedBuffers()
    let args = Array(CommandLine.arguments.dropFirst())
    guard let first = args.first else {
        printError(rootHelp)
        return 64
    }
    if first == "-h" || first == "--help" || first == "help" {
        print(rootHelp)
        return 0
    }
    guard let command = commands.first(where: { $0.name == first }) else {
        printError("ocr: unknown subcommand '\(first)'\nSee 'ocr --help'.")
        return 64
    }
    let rest = Array(args.dropFirst())
    if rest.contains("-h") || rest.contains("--help") {
        print(command.help)
        return 0
    }
    do {
        return try command.run(rest)
    } catch let error as UsageError {
        printError("ocr \(command.name): \(escapingControls(error.message))\nSee 'ocr \(command.name) --help'.")
        return 64
    } catch {
        printError("ocr \(command.name): \(escapingControls(String(describing: error)))")
        return 1
    }
}

exit(main())
