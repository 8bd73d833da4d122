import Foundation
import Imaging
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum TrainCommand: Command {
    static let name = "train"
    static let abstract = "Train a model on labeled line images."
    static let options: [Option] = [
        Option("--train", value: "<data>", help: "Training data (repeatable; sources are mixed)."),
        Option("--val", value: "<data>", help: "Validation data (repeatable). Default: --val-fraction of --train."),
        Option("--val-fraction", value: "<f>", help: "Share of the training lines held out when --val is not given (default 0.05)."),
        Option("--synth-fonts", value: "<path>", help: "Train on lines rendered on the fly with these fonts (files, folders\nor .txt font lists; repeatable; as 'ocr synth'), instead of\n--train. The charset is printable ASCII."),
        Option("--synth-val-fonts", value: "<p>", help: "Without --val, validate on lines rendered from these fonts\n(default: the training fonts) with another seed."),
        Option("--synth-val-count", value: "<n>", help: "How many such validation lines (default 300); they keep the\ndefault binarized, neighbors and prose shares."),
    ] + SynthesisOptions.options(prefix: "--synth-") + [
        Option("--out", value: "<model>", help: "Where the best model is written (.safetensors)."),
        Option("--arch", value: "<arch>", help: "small, paper, or a spec such as \"H32 C16k3p1 B R M2x2 L64 F0\"\n(the last F becomes the charset size). Default: small."),
        Option("--init", value: "<model>", help: "Fine-tune this model; new characters in the data extend its charset."),
        Option("--resume", value: "<checkpoint>", help: "Continue a run from its checkpoint."),
        Option("--checkpoint", value: "<path>", help: "Checkpoint file (default: MODEL.ckpt)."),
        Option("--keep-checkpoints", value: "<n>", help: "Also keep the last n validations' checkpoints, as CKPT-NAME.step-S.ckpt\n(for 'ocr average'; default 0)."),
        Option("--charset", value: "<file>", help: "The characters to use, as one UTF-8 text (default: from the labels)."),
        Option("--skip-unknown", help: "Skip lines with characters outside the charset instead of failing."),
        Option("--steps", value: "<n>", help: "Total training steps (default 10000)."),
        Option("--batch", value: "<n>", help: "Lines per batch (default 16)."),
        Option("--lr", value: "<rate>", help: "Peak learning rate (default 0.001), reached after --warmup steps."),
        Option("--warmup", value: "<n>", help: "Steps of linear warm-up to the peak learning rate (default 200)."),
        Option("--schedule", value: "<s>", help: "After warm-up: cosine (decay to 10% at --steps, the default) or\nplateau (halve after --plateau-patience validations without a\nbetter CER)."),
        Option("--plateau-patience", value: "<n>", help: "Validations without a better CER before plateau halves the rate\n(default 3)."),
        Option("--validate-every", value: "<n>", help: "Steps between validations (default 500)."),
        Option("--patience", value: "<n>", help: "Stop after n validations without a better CER (default: never)."),
        Option("--seed", value: "<n>", help: "Seed for weights, data order and augmentation (default 1)."),
        Option("--no-augment", help: "Train on the lines as they are."),
        Option("--threads", value: "<n>", help: "Threads (default: the number of cores)."),
    ]
    static let help = """
        OVERVIEW: Train a CRNN with CTC on labeled text-line images. The best model (lowest
        validation CER) is written to --out; a checkpoint (weights, optimizer state, step) to
        --checkpoint after each validation, so --resume continues exactly where a run stopped.
        Ctrl-C (SIGINT) or SIGTERM writes a checkpoint at the current step and exits (130 / 143);
        files are written whole or not at all, so even a kill -9 leaves the last checkpoint intact.

        USAGE: ocr train --train DATA [--train DATA ...] [--val DATA] --out MODEL [options]
               ocr train --synth-fonts DIR [--synth-text FILE] [--val DATA] --out MODEL [options]

        DATA is a folder searched recursively for X.png / X.jpg / X.bin.png / X.nrm.png with
        X.gt.txt beside them, or a TSV manifest of path<TAB>text lines (paths relative to it).

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        if let extra = a.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        let sources = a.strings("--train")
        var synthetic: SyntheticLines?
        if !a.strings("--synth-fonts").isEmpty {
            let fonts = try SyntheticLines.fonts(in: a.strings("--synth-fonts"))
            guard !fonts.isEmpty else { throw UsageError("no font files in --synth-fonts") }
            guard sources.isEmpty else { throw UsageError("--train and --synth-fonts exclude each other (for now)") }
            synthetic = try SynthesisOptions(a, prefix: "--synth-")
                .lines(fonts: fonts, seed: UInt64(try a.int("--seed", default: 1, range: 0...Int.max)))
        }
        guard !sources.isEmpty || synthetic != nil else { throw UsageError("--train (or --synth-fonts) is required") }
        guard let out = a.string("--out") else { throw UsageError("--out is required") }
        if a.string("--init") != nil && a.string("--resume") != nil {
            throw UsageError("--init and --resume exclude each other")
        }
        Parallelism.threads = try a.int("--threads", default: Parallelism.threads, range: 1...256)
        var options = TrainingOptions()
        options.steps = try a.int("--steps", default: options.steps)
        options.batchSize = try a.int("--batch", default: options.batchSize, range: 1...4096)
        options.warmupSteps = try a.int("--warmup", default: options.warmupSteps, range: 0...Int.max)
        switch a.string("--schedule") ?? "cosine" {
        case "cosine": break
        case "plateau": options.plateauPatience = try a.int("--plateau-patience", default: 3, range: 1...1_000_000)
        case let other: throw UsageError("--schedule must be cosine or plateau, got '\(other)'")
        }
        options.validateEvery = try a.int("--validate-every", default: options.validateEvery)
        options.patience = a.string("--patience") == nil ? nil : try a.int("--patience", default: 1)
        options.seed = UInt64(try a.int("--seed", default: 1, range: 0...Int.max))
        options.augment = !a.has("--no-augment")
        if let text = a.string("--lr") {
            guard let lr = Float(text), lr > 0, lr < 1 else { throw UsageError("--lr must be a number in (0, 1), got '\(text)'") }
            options.learningRate = lr
        }
        let checkpoint = a.string("--checkpoint") ?? out + ".ckpt"
        // Before any work: a run that cannot save would train for nothing.
        for (option, path) in [("--out", out), ("--checkpoint", checkpoint)] { try checkWritable(path, option: option) }

        // Data.
        // Without validation lines (none given, or none found), a share of the training lines.
        var heldOut: Double?
        if synthetic == nil {
            let fraction = Double(a.string("--val-fraction") ?? "0.05") ?? -1
            guard fraction >= 0 && fraction < 1 else { throw UsageError("--val-fraction must be in [0, 1)") }
            heldOut = fraction
        }
        let samples = try TrainingSamples(training: sources, validation: a.strings("--val"), heldOutFraction: heldOut,
                                          seed: options.seed)
        let trainSamples = samples.training, valSamples = samples.validation
        guard !trainSamples.isEmpty || synthetic != nil else {
            throw UsageError("no labeled lines found in \(sources.joined(separator: ", "))")
        }
        for warning in samples.warnings { printError("ocr train: warning: \(escapingControls(warning))") }

        // Model and charset.
        let trainer: Trainer
        func prepare(_ model: OCRModel, skipUnknown: Bool) throws -> ([PreparedLine], [PreparedLine]) {
            let prep = LinePreparation(preprocessing: model.preprocessing, charset: model.charset, skipsUnknown: skipUnknown)
            var sets = [[PreparedLine]]()
            for (what, samples) in [("training", trainSamples), ("validation", valSamples)] {
                let outcome = prep.prepare(samples)
                for problem in outcome.unreadable + outcome.refused { printError("ocr train: skipped \(escapingControls(problem))") }
                if !outcome.unknown.isEmpty && !skipUnknown {
                    let list = outcome.unknown.map { "'\(escapingControls(String($0.0)))' (first in \(escapingControls($0.1)))" }.joined(separator: ", ")
                    throw UsageError("\(what) labels have characters outside the charset: \(list); "
                                     + "use --skip-unknown to skip those lines")
                }
                if outcome.skippedUnknown > 0 {
                    printError("ocr train: skipped \(outcome.skippedUnknown) \(what) lines with unknown characters")
                }
                sets.append(outcome.lines)
            }
            if let synthetic, valSamples.isEmpty {
                // A fixed validation set rendered from another seed.
                let valFonts = a.strings("--synth-val-fonts").isEmpty
                    ? synthetic.fontPaths : try SyntheticLines.fonts(in: a.strings("--synth-val-fonts"))
                var valText = synthetic.text
                valText.proseShare = 0
                let validation = SyntheticLines(fontPaths: valFonts, text: valText,
                                                seed: synthetic.seed ^ 0x5EED_0F_5A11)
                sets[1] = (0..<(try a.int("--synth-val-count", default: 300, range: 1...1_000_000))).compactMap {
                    validation.prepared($0, preprocessing: model.preprocessing, charset: model.charset,
                                        source: "synthetic validation #\($0)")
                }
            }
            return (sets[0], sets[1])
        }
        if let resume = a.string("--resume") {
            let checkpoint = try TrainingCheckpoint(contentsOf: resume)
            guard checkpoint.step < options.steps else {
                printError("ocr train: \(resume) is at step \(checkpoint.step), not before --steps \(options.steps): nothing to "
                           + "train (give a larger --steps to continue)")
                return 1
            }
            let (train, val) = try prepare(checkpoint.model, skipUnknown: a.has("--skip-unknown"))
            trainer = Trainer(resuming: checkpoint, training: train, validation: val, options: options, synthetic: synthetic)
            print("resuming \(resume) at step \(trainer.step)")
        } else {
            var model: OCRModel
            let labels = (trainSamples + valSamples).map(\.text)
            // A charset taken from labels is taken again from the lines actually kept, so that the
            // label of a skipped line (unreadable, too wide) adds no class.
            var charsetOfLines: ((_ lines: [String]) throws -> OCRModel)?
            var initialClasses: Int?
            if let initPath = a.string("--init") {
                let base = try OCRModel.load(contentsOf: initPath)
                initialClasses = base.charset.classCount
                func extended(_ labels: [String]) -> OCRModel {
                    var charset = base.charset
                    for c in Charset(labels: labels).characters { charset.insert(c) }
                    return charset == base.charset ? base : base.expanded(to: charset, seed: options.seed)
                }
                model = a.has("--skip-unknown") ? base : extended(labels)
                if !a.has("--skip-unknown") { charsetOfLines = extended }
            } else {
                let archText = a.string("--arch") ?? "small"
                func fresh(_ charset: Charset) throws -> OCRModel {
                    let architecture: CRNNArchitecture
                    if let preset = CRNNArchitecture.preset(archText, classes: charset.classCount) {
                        architecture = preset
                    } else {
                        do {
                            architecture = try CRNNArchitecture(spec: archText, classes: charset.classCount)
                        } catch {
                            throw UsageError("--arch: \(error) (or use small / paper)")
                        }
                    }
                    return OCRModel(architecture: architecture, charset: charset, seed: options.seed)
                }
                if let file = a.string("--charset") {
                    guard let text = try? readTextFile(file) else {
                        throw UsageError("cannot read --charset file \(file)")
                    }
                    model = try fresh(Charset(Array(Charset.normalize(text)).filter { $0 != "\n" && $0 != "\r\n" }))
                } else if synthetic != nil {
                    model = try fresh(Charset.printableASCII)
                } else {
                    model = try fresh(Charset(labels: labels))
                    charsetOfLines = { try fresh(Charset(labels: $0)) }
                }
            }
            var (train, val) = try prepare(model, skipUnknown: a.has("--skip-unknown"))
            if let charsetOfLines {
                let kept = try charsetOfLines((train + val).map(\.text))
                if kept.charset != model.charset {
                    model = kept
                    train = LinePreparation.encoded(train, charset: model.charset)
                    val = LinePreparation.encoded(val, charset: model.charset)
                }
            }
            if let initialClasses, model.charset.classCount != initialClasses {
                print("extending the charset by \(model.charset.classCount - initialClasses) characters")
            }
            guard !train.isEmpty || synthetic != nil else { throw UsageError("no usable training lines") }
            trainer = Trainer(model: model, training: train, validation: val, options: options, synthetic: synthetic)
        }
        let model = trainer.model
        print("training \(model.architecture.name) (\(model.network.parameterCount) parameters, "
              + "\(model.charset.classCount - 1) characters) on "
              + (trainer.synthetic.map { "lines rendered from \($0.fontPaths.count) fonts" } ?? "\(trainer.trainingLines.count) lines")
              + ", "
              + "validating on \(trainer.validationLines.count), \(Parallelism.threads) threads")
        let keep = try a.int("--keep-checkpoints", default: 0, range: 0...1000)
        return try loop(trainer, out: out, checkpoint: checkpoint, keep: keep)
    }

    /// Refuses a file that cannot be written: its folder missing, not a folder, or not writable.
    static func checkWritable(_ path: String, option: String) throws(FileError) {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw FileError(file: path, reason: "cannot write \(option): no folder \(folder)")
        }
        guard access(folder, W_OK) == 0 else {
            throw FileError(file: path, reason: "cannot write \(option): the folder \(folder) is not writable")
        }
    }

    /// Runs the training and prints its progress: one updated line on a terminal, a line every
    /// ``TrainingRun/logEvery`` steps otherwise, and every validation.
    static func loop(_ trainer: Trainer, out: String, checkpoint: String, keep: Int = 0) throws -> Int32 {
        let options = trainer.options
        let interactive = isatty(STDERR_FILENO) != 0
        StopSignal.install()
        let run = TrainingRun(trainer: trainer, out: out, checkpoint: checkpoint, keep: keep)
        let outcome = try run.run(stopRequested: { StopSignal.received != 0 }) { event in
            switch event {
            case let .step(step, loss, linesPerSecond, secondsLeft, lastCER):
                let validating = step % options.validateEvery == 0 || step == options.steps
                guard interactive || step % TrainingRun.logEvery == 0 || validating else { return }
                let line = "step \(step)/\(options.steps) loss \(format(loss)) \(Int(linesPerSecond)) lines/s "
                    + "ETA \(duration(secondsLeft)) val CER \(lastCER.map { String(format: "%.2f%%", $0 * 100) } ?? "-")"
                if interactive {
                    fputs("\r\u{1B}[K" + line, stderr)
                } else if step % TrainingRun.logEvery == 0 {
                    print(line)
                }
            case let .validated(step, rates, best):
                if interactive { fputs("\n", stderr) }
                let cer = trainer.validationLines.isEmpty ? "-" : String(format: "%.2f%%", rates.cer * 100)
                print("validation at step \(step): CER \(cer) WER \(String(format: "%.2f%%", rates.wer * 100))"
                      + (best ? " (best, saved to \(out))" : ""))
            case .notWritten(let problem):
                printError("ocr train: \(escapingControls(problem))")
            case .stoppedEarly(let patience):
                print("stopping early: no better CER in \(patience) validations")
            }
        }
        if outcome == .interrupted {
            if interactive { fputs("\n", stderr) }
            print("\(StopSignal.name) at step \(trainer.step): checkpoint written to \(checkpoint); "
                  + "continue with --resume \(checkpoint)")
            return 128 + StopSignal.received
        }
        if trainer.skippedSteps > 0 { print("\(trainer.skippedSteps) steps skipped for a non-finite loss or gradient") }
        print("best validation CER \(trainer.bestCER.map { String(format: "%.2f%%", $0 * 100) } ?? "-"); model \(out)")
        return 0
    }

    static func format(_ v: Double) -> String { String(format: "%.4f", v) }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}
