import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite(.serialized) struct TrainerTests {
    let charset = Charset(Array("0123456789 "))

    func makeTrainer(steps: Int, seed: UInt64 = 7) throws -> Trainer {
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: charset.classCount)
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
        let fonts = try SyntheticLines.fonts(in: [TestModels.fontDirectory + "/DejaVuSans.ttf"])
        let synthetic = SyntheticLines(fontPaths: fonts, text: SyntheticText(words: ["12", "345", "6789", "0"], running: true), seed: 4)
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: charset.classCount)
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
        #expect(throws: FileError.self) { try TrainingCheckpoint(contentsOf: path) }
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
        #expect(throws: FileError.self) { try OCRModel(file, name: path) }
    }
}
