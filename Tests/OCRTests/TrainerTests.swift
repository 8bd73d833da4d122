import Foundation
import Testing
import Imaging
@testable import NeuralEngine
@testable import OCR

@Suite(.serialized) struct TrainerTests {
    static let spec = "H16 C8k3p1 B R M2x2 C16k3p1 B R M2x1 C16k3p1 B R M2x1 L32 F11"
    let charset = Charset(Array("0123456789 "))

    func makeTrainer(steps: Int, seed: UInt64 = 7) throws -> Trainer {
        let architecture = try CRNNArchitecture(spec: Self.spec, name: "tiny", classes: charset.classCount)
        let model = OCRModel(architecture: architecture, charset: charset, seed: seed)
        let lines = try BitmapFont.prepared(BitmapFont.lines, charset: charset, height: 16)
        var options = TrainingOptions()
        options.batchSize = 4
        options.learningRate = 3e-3
        options.warmupSteps = 10
        options.steps = steps
        options.seed = seed
        return Trainer(model: model, training: lines, validation: lines, options: options)
    }

    @Test func tinyModelLearnsTheLines() throws {
        let trainer = try makeTrainer(steps: 3000)
        var rates = ErrorRates()
        while trainer.step < 3000 {
            trainer.trainStep()
            if trainer.step % 50 == 0 {
                rates = trainer.validate().0
                if rates.cer == 0 { break }
            }
        }
        #expect(rates.cer == 0, "CER \(rates.cer) after \(trainer.step) steps")
    }

    @Test func resumingGivesTheSameWeights() throws {
        let straight = try makeTrainer(steps: 20)
        for _ in 0..<20 { straight.trainStep() }

        let first = try makeTrainer(steps: 20)
        for _ in 0..<10 { first.trainStep() }
        let path = try temporaryPath("run.ckpt")
        try first.saveCheckpoint(to: path)
        let lines = first.trainingLines
        let resumed = Trainer(resuming: try TrainingCheckpoint(contentsOf: path), training: lines, validation: lines,
                              options: first.options)
        #expect(resumed.step == 10)
        for _ in 0..<10 { resumed.trainStep() }

        for ((name, a), (_, b)) in zip(straight.model.network.namedParameters, resumed.model.network.namedParameters) {
            #expect(a.value == b.value, "\(name) differs after resuming")
        }
        for ((_, a), (_, b)) in zip(straight.model.network.namedBatchNorms, resumed.model.network.namedBatchNorms) {
            #expect(a.runningMean == b.runningMean && a.runningVariance == b.runningVariance)
        }
    }

    /// On-the-fly synthetic batches depend on the seed and the step only: a resumed trainer sees
    /// the same lines, whatever chunk it starts in, and each batch is of one width group.
    @Test func syntheticBatchesAreAFunctionOfTheStep() throws {
        let fonts = try SyntheticLines.fonts(in: [SyntheticLinesTests.fontDirectory + "/DejaVuSans.ttf"])
        let synthetic = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["12", "345", "6789", "0"], running: true), seed: 4)
        let architecture = try CRNNArchitecture(spec: Self.spec, name: "tiny", classes: charset.classCount)
        var options = TrainingOptions()
        options.batchSize = 3
        options.seed = 11
        func trainer() -> Trainer {
            Trainer(model: OCRModel(architecture: architecture, charset: charset, seed: 1), training: [], validation: [],
                    options: options, synthetic: synthetic)
        }
        let a = trainer(), b = trainer()
        let later = Trainer.batchesPerChunk + 2
        let (imagesB, labelsB) = b.batch(forStep: later)  // b starts in the second chunk
        for step in 0...later {
            let (images, labels) = a.batch(forStep: step)
            #expect(images.count == 3 && labels.count == 3)
            #expect(images.allSatisfy { $0.height == 16 })
            if step == later { #expect(images == imagesB && labels == labelsB) }
        }
        // Width-grouped: the spread inside a batch is small next to the spread of the chunk.
        let chunk = a.syntheticBatches(chunk: 0, synthetic)
        let inBatch = chunk.map { ($0.map(\.image.width).max()! - $0.map(\.image.width).min()!) }.max()!
        let all = chunk.flatMap { $0 }.map(\.image.width)
        #expect(inBatch < all.max()! - all.min()!)
        #expect(a.trainStep().loss.isFinite)
    }

    /// Plateau schedule: the rate holds after warm-up, halves after `patience` stale validations,
    /// and the factor survives a checkpoint.
    @Test func plateauScheduleHalvesAndResumes() throws {
        var options = TrainingOptions()
        options.learningRate = 0.01
        options.warmupSteps = 10
        options.plateauPatience = 2
        #expect(options.learningRate(at: 4) == 0.005)
        #expect(options.learningRate(at: 5000) == 0.01 && options.learningRate(at: 5000, plateauScale: 0.25) == 0.0025)
        let trainer = try makeTrainer(steps: 10)
        let plateau = Trainer(model: trainer.model, training: trainer.trainingLines, validation: trainer.validationLines,
                              options: options)
        _ = plateau.validateAndTrack()  // the first validation is always a best
        var scales = [Float]()
        for _ in 0..<5 { _ = plateau.validateAndTrack(); scales.append(plateau.plateauScale) }  // weights unchanged: stale
        #expect(scales == [1, 0.5, 0.5, 0.25, 0.25])
        let path = try temporaryPath("plateau.ckpt")
        try plateau.saveCheckpoint(to: path)
        let resumed = Trainer(resuming: try TrainingCheckpoint(contentsOf: path), training: trainer.trainingLines,
                              validation: trainer.validationLines, options: options)
        #expect(resumed.plateauScale == 0.25)
    }

    /// A batch whose loss or gradient is not finite (here: a poisoned weight, in the last layer:
    /// NaN logits; in the first: a ReLU turns its NaNs to 0, the loss stays finite, the gradient
    /// does not) is skipped and counted: no parameter and no BatchNorm statistic changes, and
    /// training goes on.
    @Test(arguments: [true, false])
    func nonFiniteStepsAreSkipped(poisonLastLayer: Bool) throws {
        let trainer = try makeTrainer(steps: 4)
        trainer.trainStep()
        let network = trainer.model.network
        let parameters = network.parameters.map(\.value)
        let statistics = network.namedBatchNorms.map { [$0.1.runningMean, $0.1.runningVariance] }
        let poisoned = poisonLastLayer ? network.parameters.last! : network.parameters[0]
        let saved = poisoned.value[0]
        poisoned.value[0] = .nan
        let result = trainer.trainStep()
        #expect(result.skipped && result.loss.isFinite != poisonLastLayer)
        #expect(trainer.skippedSteps == 1 && trainer.step == 2)
        poisoned.value[0] = saved
        let sameParameters = network.parameters.map(\.value) == parameters
        let sameStatistics = network.namedBatchNorms.map { [$0.1.runningMean, $0.1.runningVariance] } == statistics
        #expect(sameParameters && sameStatistics)
        let next = trainer.trainStep()
        #expect(!next.skipped && next.loss.isFinite && trainer.skippedSteps == 1)
    }

    @Test func aModelIsNotACheckpoint() throws {
        let trainer = try makeTrainer(steps: 1)
        let path = try temporaryPath("model.safetensors")
        try trainer.model.save(to: path)
        #expect(throws: ModelFileError.self) { try TrainingCheckpoint(contentsOf: path) }
    }

    /// `ocr eval --model run.ckpt`: a checkpoint loads as its model (the optimizer's tensors
    /// ignored); a model file with such extra tensors is still refused.
    @Test func aCheckpointLoadsAsItsModel() throws {
        let trainer = try makeTrainer(steps: 2)
        trainer.trainStep()
        let path = try temporaryPath("run.ckpt")
        try trainer.saveCheckpoint(to: path)
        let model = try OCRModel.load(contentsOf: path)
        for ((name, a), (_, b)) in zip(model.network.namedParameters, trainer.model.network.namedParameters) {
            #expect(a.value == b.value, "\(name)")
        }
        var file = try SafeTensors.read(contentsOf: path)
        file.metadata["checkpoint_optimizer_step"] = nil
        #expect(throws: ModelFileError.self) { try OCRModel(file, name: path) }
    }
}

@Suite struct FineTuningTests {
    @Test func newCharactersKeepTheOldRows() throws {
        let old = Charset(Array("012"))
        let architecture = try CRNNArchitecture(spec: TrainerTests.spec, name: "tiny", classes: old.classCount)
        let model = OCRModel(architecture: architecture, charset: old, seed: 3)
        var bigger = old
        bigger.insert("x")
        let expanded = model.expanded(to: bigger, seed: 9)
        #expect(expanded.charset.classCount == 5)
        let before = Dictionary(uniqueKeysWithValues: model.network.namedParameters)
        for (name, p) in expanded.network.namedParameters {
            let source = try #require(before[name])
            #expect(Array(p.value.prefix(source.value.count)) == source.value, "\(name)")
        }
        let classifier = expanded.network.namedParameters.last { $0.0.hasSuffix("emb.weight") }!.1
        #expect(classifier.shape == [5, 64])
    }
}

@Suite struct TrainingDataLimitTests {
    /// A very long label and a very wide line are refused with a message naming the file; the
    /// other lines are kept.
    @Test func oversizedLinesAreRefused() throws {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/ok.png")
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/long.png")
        try PNGEncoder.write(GrayImage(width: 20_000, height: 10, value: 255), to: dir + "/wide.png")
        let samples = [LineSample(imagePath: dir + "/ok.png", text: "0123"),
                       LineSample(imagePath: dir + "/long.png", text: String(repeating: "1", count: 1001)),
                       LineSample(imagePath: dir + "/wide.png", text: "1")]
        let preparation = LinePreparation(preprocessing: Preprocessing(height: 16), charset: Charset(Array("0123456789 ")),
                                          skipsUnknown: false)
        let outcome = preparation.prepare(samples)
        #expect(outcome.lines.map(\.source) == [dir + "/ok.png"])
        #expect(outcome.refused.count == 2)
        #expect(outcome.refused.contains { $0.hasPrefix(dir + "/long.png: label of 1001 characters") })
        #expect(outcome.refused.contains { $0.hasPrefix(dir + "/wide.png: 20000x10 is 32000 px wide") })
    }
}

@Suite struct TextFileTests {
    /// Empty text files read as empty (regression: Foundation's zero-size read leaked, found by
    /// Fuzz/FuzzLineData under LeakSanitizer; we read with our own reader now).
    @Test func emptyFilesReadAsEmptyText() throws {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        try PNGEncoder.write(BitmapFont.render("1"), to: dir + "/blank.png")
        FileManager.default.createFile(atPath: dir + "/blank.gt.txt", contents: Data())
        #expect(try LineDataset.load([dir]) == [LineSample(imagePath: dir + "/blank.png", text: "")])
        FileManager.default.createFile(atPath: dir + "/empty.tsv", contents: Data())
        #expect(try LineDataset.load([dir + "/empty.tsv"]).isEmpty)
        #expect(readUTF8File(dir + "/blank.gt.txt") == "" && readUTF8File(dir + "/absent") == nil)
        FileManager.default.createFile(atPath: dir + "/latin1.txt", contents: Data([0x66, 0xE9, 0x65]))
        #expect(readUTF8File(dir + "/latin1.txt") == nil)
    }
}
