import Foundation
import Imaging
import NeuralEngine
import OCR
import OCRTraining
import Platform

enum TrainCommand: Command {
    static let name = "train"
    static let abstract = "Train a model on labeled line images."
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
          --train <data>          Training data (repeatable; sources are mixed).
          --val <data>            Validation data (repeatable). Default: --val-fraction of --train.
          --val-fraction <f>      Share of the training lines held out when --val is not given (default 0.05).
          --synth-fonts <path>    Train on lines rendered on the fly with these fonts (files, folders
                                  or .txt font lists; repeatable; as 'ocr synth'), instead of
                                  --train. The charset is printable ASCII.
          --synth-text <file>     Corpus whose words the rendered lines use.
          --synth-val-fonts <p>   Without --val, validate on lines rendered from these fonts
                                  (default: the training fonts) with another seed.
          --synth-val-count <n>   How many such validation lines (default 300).
          --synth-binarized <s>   Share of the rendered training lines binarized (default 0.25).
          --synth-neighbors <s>   Share of them that keep cut-off parts of the lines above and
                                  below (default 0).
          --synth-prose <s>       Share of their corpus words in forms of running prose: hyphenated
                                  compounds, contractions, and/or pairs, words broken at the line
                                  end, abbreviations, section numbers, web addresses (default 0).
                                  Validation lines keep the defaults of these three.
          --out <model>           Where the best model is written (.safetensors).
          --arch <arch>           small, paper, or a spec such as "H32 C16k3p1 B R M2x2 L64 F0"
                                  (the last F becomes the charset size). Default: small.
          --init <model>          Fine-tune this model; new characters in the data extend its charset.
          --resume <checkpoint>   Continue a run from its checkpoint.
          --checkpoint <path>     Checkpoint file (default: MODEL.ckpt).
          --keep-checkpoints <n>  Also keep the last n validations' checkpoints, as CKPT-NAME.step-S.ckpt
                                  (for 'ocr average'; default 0).
          --charset <file>        The characters to use, as one UTF-8 text (default: from the labels).
          --skip-unknown          Skip lines with characters outside the charset instead of failing.
          --steps <n>             Total training steps (default 10000).
          --batch <n>             Lines per batch (default 16).
          --lr <rate>             Peak learning rate (default 0.001), after --warmup steps (default 200).
          --schedule <s>          After warm-up: cosine (decay to 10% at --steps, the default) or
                                  plateau (halve after --plateau-patience validations, default 3,
                                  without a better CER).
          --validate-every <n>    Steps between validations (default 500).
          --patience <n>          Stop after n validations without a better CER (default: never).
          --seed <n>              Seed for weights, data order and augmentation (default 1).
          --no-augment            Train on the lines as they are.
          --threads <n>           Threads (default: the number of cores).
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, valued: ["--train", "--val", "--val-fraction", "--synth-fonts", "--synth-text", "--synth-val-fonts", "--synth-val-count",
                                             "--synth-binarized", "--synth-neighbors", "--synth-prose", "--out", "--arch", "--init", "--resume",
                                             "--checkpoint", "--keep-checkpoints", "--charset", "--steps", "--batch", "--lr", "--warmup", "--schedule", "--plateau-patience",
                                             "--validate-every", "--patience", "--seed", "--threads"],
                              switches: ["--skip-unknown", "--no-augment"])
        if let extra = a.positionals.first { throw UsageError("unexpected argument '\(extra)'") }
        let sources = a.strings("--train")
        var synthetic: SyntheticLines?
        if !a.strings("--synth-fonts").isEmpty {
            let fonts = try SyntheticLines.fonts(in: a.strings("--synth-fonts"))
            guard !fonts.isEmpty else { throw UsageError("no font files in --synth-fonts") }
            guard sources.isEmpty else { throw UsageError("--train and --synth-fonts exclude each other (for now)") }
            var text = try a.string("--synth-text").map { try SyntheticText(corpusFile: $0) } ?? SyntheticText(words: [])
            text.proseShare = try a.fraction("--synth-prose", default: 0)
            let lines = SyntheticLines(fontPaths: fonts, text: text,
                                       seed: UInt64(try a.int("--seed", default: 1, range: 0...Int.max)))
            lines.degradation = ScanDegradation(binarizedShare: try a.fraction("--synth-binarized", default: 0.25))
            lines.neighborShare = try a.fraction("--synth-neighbors", default: 0)
            synthetic = lines
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
        var trainSamples = try LineDataset.load(sources)
        var valSamples = try LineDataset.load(a.strings("--val"))
        if valSamples.isEmpty && synthetic == nil {
            let fraction = Double(a.string("--val-fraction") ?? "0.05") ?? -1
            guard fraction >= 0 && fraction < 1 else { throw UsageError("--val-fraction must be in [0, 1)") }
            var rng = SplitMix64(seed: options.seed)
            trainSamples.shuffle(using: &rng)
            let held = Int((Double(trainSamples.count) * fraction).rounded())
            valSamples = Array(trainSamples.prefix(held))
            trainSamples = Array(trainSamples.dropFirst(held))
        }
        guard !trainSamples.isEmpty || synthetic != nil else {
            throw UsageError("no labeled lines found in \(sources.joined(separator: ", "))")
        }
        for (what, samples) in [("training", trainSamples), ("validation", valSamples)] {
            let repeated = LineDataset.repeatedImages(samples)
            guard let most = repeated.first else { continue }
            let repeats = repeated.reduce(0) { $0 + $1.count - 1 }
            printError("ocr train: warning: \(repeated.count) \(what) image\(repeated.count == 1 ? " is" : "s are") listed more "
                       + "than once (\(repeats) repeats; \(escapingControls(most.path)) \(most.count) times): each repeat counts as one more line")
        }
        let trainingImages = Set(trainSamples.map(\.imagePath))
        let shared = valSamples.filter { trainingImages.contains($0.imagePath) }.count
        if shared > 0 {
            printError("ocr train: warning: \(shared) of the \(valSamples.count) validation lines are training lines too: "
                       + "validation will look better than the model is")
        }

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

    /// Where the checkpoint of step `step` is kept: `run.ckpt` → `run.step-500.ckpt`.
    static func keptCheckpoint(_ checkpoint: String, step: Int) -> String {
        (checkpoint.hasSuffix(".ckpt") ? String(checkpoint.dropLast(5)) : checkpoint) + ".step-\(step).ckpt"
    }

    /// Writes this step's kept checkpoint and removes the kept ones older than the last `keep`.
    static func keepCheckpoint(_ trainer: Trainer, _ checkpoint: String, keep: Int) throws {
        try trainer.saveCheckpoint(to: keptCheckpoint(checkpoint, step: trainer.step))
        let url = URL(fileURLWithPath: keptCheckpoint(checkpoint, step: 0))
        let folder = url.deletingLastPathComponent().path, prefix = url.lastPathComponent.dropLast("0.ckpt".count)
        let steps = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".ckpt") else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(5))
        }.sorted()
        for step in steps.dropLast(keep) { try? FileManager.default.removeItem(atPath: keptCheckpoint(checkpoint, step: step)) }
    }

    static func loop(_ trainer: Trainer, out: String, checkpoint: String, keep: Int = 0) throws -> Int32 {
        let options = trainer.options
        let log = CSVLog(path: out + ".log.csv")
        var chart = log.chart(upTo: trainer.step)
        chart.title = "ocr train: " + (out as NSString).lastPathComponent
        let interactive = isatty(STDERR_FILENO) != 0
        var windowLoss: Float = 0, windowSteps = 0, windowStart = monotonicSeconds()
        var lastCER = "-"
        let runStart = monotonicSeconds(), firstStep = trainer.step
        StopSignal.install()
        while trainer.step < options.steps {
            let result = trainer.trainStep()
            if StopSignal.received != 0 {
                if interactive { fputs("\n", stderr) }
                try trainer.saveCheckpoint(to: checkpoint)
                print("\(StopSignal.name) at step \(trainer.step): checkpoint written to \(checkpoint); "
                      + "continue with --resume \(checkpoint)")
                return 128 + StopSignal.received
            }
            if !result.skipped {
                windowLoss += result.loss
                windowSteps += 1
            }
            let step = trainer.step
            let validating = step % options.validateEvery == 0 || step == options.steps
            if interactive || step % 50 == 0 || validating {
                let elapsed = monotonicSeconds() - runStart
                let rate = Double((step - firstStep) * options.batchSize) / max(elapsed, 1e-9)
                let eta = Double(options.steps - step) * elapsed / Double(max(step - firstStep, 1))
                let line = "step \(step)/\(options.steps) loss \(format(Double(windowLoss) / Double(max(windowSteps, 1)))) "
                    + "\(Int(rate)) lines/s ETA \(duration(eta)) val CER \(lastCER)"
                if interactive {
                    fputs("\r\u{1B}[K" + line, stderr)
                } else if step % 50 == 0 {
                    print(line)
                }
            }
            // Every `logEvery` steps a row of the log and a point of the chart's loss; validations
            // add their own row below.
            if step % Self.logEvery == 0 && !validating && windowSteps > 0 {
                let speed = Double(windowSteps * options.batchSize) / max(monotonicSeconds() - windowStart, 1e-9)
                log.append(step: step, loss: windowLoss / Float(windowSteps),
                           learningRate: options.learningRate(at: step, plateauScale: trainer.plateauScale),
                           linesPerSecond: speed, cer: nil, wer: nil)
                chart.losses.append((step, Double(windowLoss) / Double(windowSteps)))
                windowLoss = 0
                windowSteps = 0
                windowStart = monotonicSeconds()
            }
            if validating {
                let (rates, improved) = trainer.validateAndTrack()
                lastCER = trainer.validationLines.isEmpty ? "-" : String(format: "%.2f%%", rates.cer * 100)
                let speed = Double(windowSteps * options.batchSize) / max(monotonicSeconds() - windowStart, 1e-9)
                log.append(step: step, loss: windowLoss / Float(max(windowSteps, 1)), learningRate: options.learningRate(at: step, plateauScale: trainer.plateauScale),
                           linesPerSecond: speed, cer: trainer.validationLines.isEmpty ? nil : rates.cer,
                           wer: trainer.validationLines.isEmpty ? nil : rates.wer)
                if interactive { fputs("\n", stderr) }
                if windowSteps > 0 { chart.losses.append((step, Double(windowLoss) / Double(windowSteps))) }
                if !trainer.validationLines.isEmpty { chart.errorRates.append((step, rates.cer)) }
                do {
                    try PNGEncoder.write(chart.render(), to: out + ".chart.png")
                } catch {
                    printError("ocr train: \(escapingControls(String(describing: error)))")
                }
                trainer.model.trainingSummary = [
                    "steps": String(step),
                    "lines": trainer.synthetic.map { "synthetic, \($0.fontPaths.count) fonts" } ?? String(trainer.trainingLines.count),
                    "validation_cer": String(format: "%.5f", rates.cer), "batch": String(options.batchSize),
                ]
                if improved || trainer.validationLines.isEmpty { try trainer.model.save(to: out) }
                print("validation at step \(step): CER \(lastCER) WER \(String(format: "%.2f%%", rates.wer * 100))"
                      + (improved ? " (best, saved to \(out))" : ""))
                try trainer.saveCheckpoint(to: checkpoint)
                if keep > 0 { try keepCheckpoint(trainer, checkpoint, keep: keep) }
                windowLoss = 0
                windowSteps = 0
                windowStart = monotonicSeconds()
                if trainer.shouldStopEarly {
                    print("stopping early: no better CER in \(options.patience!) validations")
                    break
                }
            }
        }
        if trainer.skippedSteps > 0 { print("\(trainer.skippedSteps) steps skipped for a non-finite loss or gradient") }
        print("best validation CER \(trainer.bestCER.map { String(format: "%.2f%%", $0 * 100) } ?? "-"); model \(out)")
        return 0
    }

    /// Steps between rows of the training log (and points of the chart's loss curve).
    static let logEvery = 50

    static func format(_ v: Double) -> String { String(format: "%.4f", v) }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}

/// The training log: a CSV row every ``TrainCommand/logEvery`` steps and at every validation,
/// which alone fills the validation columns; the loss is the mean over the steps since the row
/// before.
struct CSVLog {
    let path: String

    /// A chart of the rows already logged up to `step` (a resumed run continues its chart).
    func chart(upTo step: Int) -> TrainingChart {
        var chart = TrainingChart()
        guard let text = try? readTextFile(path) else { return chart }
        for row in text.split(separator: "\n").dropFirst() {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 6, let s = Int(fields[0]), s <= step else { continue }
            if let loss = Double(fields[1]) { chart.losses.append((s, loss)) }
            if let cer = Double(fields[4]) { chart.errorRates.append((s, cer)) }
        }
        return chart
    }

    func append(step: Int, loss: Float, learningRate: Float, linesPerSecond: Double, cer: Double?, wer: Double?) {
        let exists = FileManager.default.fileExists(atPath: path)
        guard let handle = exists ? FileHandle(forWritingAtPath: path)
                : (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            printError("ocr train: cannot write the log \(path)")
            return
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        var text = exists ? "" : "step,loss,learning_rate,lines_per_s,val_cer,val_wer\n"
        text += "\(step),\(loss),\(learningRate),\(String(format: "%.1f", linesPerSecond)),"
            + "\(cer.map { String($0) } ?? ""),\(wer.map { String($0) } ?? "")\n"
        handle.write(Data(text.utf8))
    }
}
