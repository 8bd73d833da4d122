import Foundation
import Imaging
import NeuralEngine
import OCR
import Platform

/// A training run: steps a ``Trainer`` to its last step, validating every `validateEvery` steps,
/// saving the best model, writing the checkpoint (and keeping the last `keep` of them by step),
/// the CSV log and the chart, and stopping early when validation stops improving. What happens is
/// told to `report` as ``Event``s for the caller to show.
public final class TrainingRun {
    public let trainer: Trainer
    /// The model file; the log is `out.log.csv`, the chart `out.chart.png`.
    public let out: String
    public let checkpoint: String
    /// Checkpoints kept by step beside the rolling one (0: none).
    public let keep: Int

    /// Steps between rows of the training log (and points of the chart's loss curve).
    public static let logEvery = 50

    public enum Event {
        /// After every step: the mean loss since the last log row, lines a second since the run
        /// began, seconds still to go, the last validation CER (nil before the first).
        case step(step: Int, loss: Double, linesPerSecond: Double, secondsLeft: Double, lastCER: Double?)
        /// A validation: its rates, whether they were the best so far (the model was then saved).
        case validated(step: Int, rates: ErrorRates, best: Bool)
        /// A file of the run (the log, the chart) could not be written; the run goes on.
        case notWritten(String)
        /// No better CER in `patience` validations: the run ends.
        case stoppedEarly(patience: Int)
    }

    public enum Outcome: Equatable {
        case finished
        /// Asked to stop: the checkpoint of the current step was written.
        case interrupted
    }

    public init(trainer: Trainer, out: String, checkpoint: String, keep: Int = 0) {
        self.trainer = trainer
        self.out = out
        self.checkpoint = checkpoint
        self.keep = keep
    }

    /// Where the checkpoint of step `step` is kept: `run.ckpt` → `run.step-500.ckpt`.
    public static func keptCheckpoint(_ checkpoint: String, step: Int) -> String {
        (checkpoint.hasSuffix(".ckpt") ? String(checkpoint.dropLast(5)) : checkpoint) + ".step-\(step).ckpt"
    }

    /// Writes this step's kept checkpoint and removes the kept ones older than the last `keep`.
    func keepCheckpoint() throws {
        try trainer.saveCheckpoint(to: Self.keptCheckpoint(checkpoint, step: trainer.step))
        let url = URL(fileURLWithPath: Self.keptCheckpoint(checkpoint, step: 0))
        let folder = url.deletingLastPathComponent().path, prefix = url.lastPathComponent.dropLast("0.ckpt".count)
        let steps = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name -> Int? in
            guard name.hasPrefix(prefix), name.hasSuffix(".ckpt") else { return nil }
            return Int(name.dropFirst(prefix.count).dropLast(5))
        }.sorted()
        for step in steps.dropLast(keep) { try? FileManager.default.removeItem(atPath: Self.keptCheckpoint(checkpoint, step: step)) }
    }

    /// Trains to the last step, or until `stopRequested` says so after a step (the checkpoint is
    /// then written and `.interrupted` returned). Throws when a model or checkpoint cannot be written.
    public func run(stopRequested: () -> Bool, report: (Event) -> Void) throws -> Outcome {
        let options = trainer.options
        let log = TrainingLog(path: out + ".log.csv")
        var chart = log.chart(upTo: trainer.step)
        chart.title = "ocr train: " + (out as NSString).lastPathComponent
        var windowLoss: Float = 0, windowSteps = 0, windowStart = monotonicSeconds()
        var lastCER: Double?
        let runStart = monotonicSeconds(), firstStep = trainer.step
        func appendLog(step: Int, rates: ErrorRates?) {
            let speed = Double(windowSteps * options.batchSize) / max(monotonicSeconds() - windowStart, 1e-9)
            let written = log.append(step: step, loss: windowLoss / Float(max(windowSteps, 1)),
                                     learningRate: options.learningRate(at: step, plateauScale: trainer.plateauScale),
                                     linesPerSecond: speed, cer: rates?.cer, wer: rates?.wer)
            if !written { report(.notWritten("cannot write the log \(log.path)")) }
        }
        func restartWindow() {
            windowLoss = 0
            windowSteps = 0
            windowStart = monotonicSeconds()
        }
        while trainer.step < options.steps {
            let result = trainer.trainStep()
            if stopRequested() {
                try trainer.saveCheckpoint(to: checkpoint)
                return .interrupted
            }
            if !result.skipped {
                windowLoss += result.loss
                windowSteps += 1
            }
            let step = trainer.step
            let validating = step % options.validateEvery == 0 || step == options.steps
            let elapsed = monotonicSeconds() - runStart
            report(.step(step: step, loss: Double(windowLoss) / Double(max(windowSteps, 1)),
                         linesPerSecond: Double((step - firstStep) * options.batchSize) / max(elapsed, 1e-9),
                         secondsLeft: Double(options.steps - step) * elapsed / Double(max(step - firstStep, 1)),
                         lastCER: lastCER))
            // Every `logEvery` steps a row of the log and a point of the chart's loss; validations
            // add their own row below.
            if step % Self.logEvery == 0 && !validating && windowSteps > 0 {
                appendLog(step: step, rates: nil)
                chart.losses.append((step, Double(windowLoss) / Double(windowSteps)))
                restartWindow()
            }
            if validating {
                let (rates, improved) = trainer.validateAndTrack()
                let validated = !trainer.validationLines.isEmpty
                if validated { lastCER = rates.cer }
                appendLog(step: step, rates: validated ? rates : nil)
                if windowSteps > 0 { chart.losses.append((step, Double(windowLoss) / Double(windowSteps))) }
                if validated { chart.errorRates.append((step, rates.cer)) }
                do {
                    try PNGEncoder.write(chart.render(), to: out + ".chart.png")
                } catch {
                    report(.notWritten(error.description))
                }
                trainer.model.trainingSummary = [
                    "steps": String(step),
                    "lines": trainer.synthetic.map { "synthetic, \($0.fontPaths.count) fonts" } ?? String(trainer.trainingLines.count),
                    "validation_cer": String(format: "%.5f", rates.cer), "batch": String(options.batchSize),
                ]
                if improved || !validated { try trainer.model.save(to: out) }
                report(.validated(step: step, rates: rates, best: improved))
                try trainer.saveCheckpoint(to: checkpoint)
                if keep > 0 { try keepCheckpoint() }
                restartWindow()
                if trainer.shouldStopEarly {
                    report(.stoppedEarly(patience: options.patience!))
                    break
                }
            }
        }
        return .finished
    }
}

/// The training log: a CSV row every ``TrainingRun/logEvery`` steps and at every validation,
/// which alone fills the validation columns; the loss is the mean over the steps since the row
/// before.
struct TrainingLog {
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

    /// Appends a row (the header first in a new file); false when the file cannot be written.
    func append(step: Int, loss: Float, learningRate: Float, linesPerSecond: Double, cer: Double?, wer: Double?) -> Bool {
        let exists = FileManager.default.fileExists(atPath: path)
        guard let handle = exists ? FileHandle(forWritingAtPath: path)
                : (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            return false
        }
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        var text = exists ? "" : "step,loss,learning_rate,lines_per_s,val_cer,val_wer\n"
        text += "\(step),\(loss),\(learningRate),\(String(format: "%.1f", linesPerSecond)),"
            + "\(cer.map { String($0) } ?? ""),\(wer.map { String($0) } ?? "")\n"
        handle.write(Data(text.utf8))
        return true
    }
}
