import Foundation
import Imaging
import NeuralEngine
import OCR
import Platform

/// Settings of a training run.
public struct TrainingOptions: Equatable, Sendable {
    public var batchSize = 16
    public var learningRate: Float = 1e-3
    /// Linear warm-up steps, then cosine decay to 10% of the rate at `steps` (or plateau decay).
    public var warmupSteps = 200
    /// When set, the rate stays at its peak after warm-up and is halved (down to 1/64) after this
    /// many validations in a row without a better CER, instead of the cosine decay.
    public var plateauPatience: Int?
    public var steps = 10_000
    public var validateEvery = 500
    /// Stop after this many validations without a better CER (nil: never).
    public var patience: Int?
    public var clipNorm: Float = 5
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1
    public var augment = true

    public init() {}

    /// The learning rate at a step (0-based); `plateauScale` is the plateau schedule's factor.
    public func learningRate(at step: Int, plateauScale: Float = 1) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        if plateauPatience != nil { return learningRate * plateauScale }
        let progress = Float(step - warmupSteps) / Float(max(1, steps - warmupSteps))
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + cos(Float.pi * min(progress, 1))))
    }
}

/// The outcome of one training step.
public struct StepResult: Sendable {
    public var loss: Float
    /// Samples without a possible alignment (label longer than the line allows); their loss is 0.
    public var impossible: Int
    /// True when the loss or the gradient was not finite and the update was skipped.
    public var skipped: Bool
}

/// Trains an `OCRModel` with CTC and Adam on prepared lines.
///
/// The data order and every augmentation are functions of the seed and the step, so a run that
/// is stopped and resumed from a checkpoint continues exactly as if it had not stopped (with the
/// same thread count).
public final class Trainer {
    public let model: OCRModel
    public let options: TrainingOptions
    public let trainingLines: [PreparedLine]
    public let validationLines: [PreparedLine]
    public let optimizer: Adam
    public private(set) var step = 0
    public private(set) var bestCER: Double?
    /// Validations since the best CER improved.
    public private(set) var validationsWithoutImprovement = 0
    /// The plateau schedule's factor on the learning rate (1, 1/2, ... 1/64).
    public private(set) var plateauScale: Float = 1
    public private(set) var skippedSteps = 0
    private var epochBatches: (epoch: Int, batches: [[Int]])?
    /// Lines rendered on the fly instead of `trainingLines`, when set.
    public let synthetic: SyntheticLines?
    private var syntheticChunk: (index: Int, batches: [[PreparedLine]])?
    /// Batches made from one chunk of synthetic lines (rendered together, grouped by width).
    static let batchesPerChunk = 8

    /// Trains on `training` lines, or on lines rendered on the fly by `synthetic` when it is given
    /// (then `training` may be empty).
    public init(model: OCRModel, training: [PreparedLine], validation: [PreparedLine], options: TrainingOptions,
                synthetic: SyntheticLines? = nil) {
        precondition(!training.isEmpty || synthetic != nil, "no training lines")
        self.model = model
        self.options = options
        self.trainingLines = training
        self.validationLines = validation
        self.synthetic = synthetic
        self.optimizer = Adam(parameters: model.network.parameters, learningRate: options.learningRate,
                              weightDecay: options.weightDecay)
    }

    // MARK: data order

    /// An epoch's batches: lines shuffled, sorted by width within pools of 20 batches so a batch
    /// wastes little padding, and the batches shuffled.
    func batches(epoch: Int) -> [[Int]] {
        if let cached = epochBatches, cached.epoch == epoch { return cached.batches }
        var rng = SplitMix64(seed: options.seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
        var order = Array(trainingLines.indices)
        order.shuffle(using: &rng)
        let pool = options.batchSize * 20
        var batches = [[Int]]()
        for start in stride(from: 0, to: order.count, by: pool) {
            let sorted = order[start..<min(start + pool, order.count)].sorted { trainingLines[$0].image.width < trainingLines[$1].image.width }
            for b in stride(from: 0, to: sorted.count, by: options.batchSize) {
                batches.append(Array(sorted[b..<min(b + options.batchSize, sorted.count)]))
            }
        }
        batches.shuffle(using: &rng)
        epochBatches = (epoch, batches)
        return batches
    }

    public var batchesPerEpoch: Int { (trainingLines.count + options.batchSize - 1) / options.batchSize }

    // MARK: steps

    /// Synthetic lines `[chunk · pool, (chunk + 1) · pool)` rendered in parallel (lines a font
    /// cannot render, or with characters outside the charset, are left out), sorted by width into
    /// batches, the batches shuffled: a function of the seed and the chunk only.
    func syntheticBatches(chunk: Int, _ synthetic: SyntheticLines) -> [[PreparedLine]] {
        if let cached = syntheticChunk, cached.index == chunk { return cached.batches }
        let pool = options.batchSize * Self.batchesPerChunk
        var made = [PreparedLine?](repeating: nil, count: pool)
        let preprocessing = model.preprocessing, charset = model.charset
        made.withUnsafeMutableBufferPointer { out in
            Parallelism.forEachItem(pool) { i in
                let index = chunk * pool + i
                out[i] = synthetic.prepared(index, preprocessing: preprocessing, charset: charset, source: "synthetic #\(index)")
            }
        }
        let lines = made.compactMap { $0 }.sorted { $0.image.width < $1.image.width }
        var batches = stride(from: 0, to: lines.count, by: options.batchSize).map {
            Array(lines[$0..<min($0 + options.batchSize, lines.count)])
        }
        var rng = SplitMix64(seed: options.seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(chunk) &* 0x9E37_79B9)
        batches.shuffle(using: &rng)
        syntheticChunk = (chunk, batches)
        return batches
    }

    /// The step's images (augmented) and label sequences.
    func batch(forStep step: Int) -> ([GrayImage], [[Int]]) {
        if let synthetic {
            // Rendered lines are degraded already; they are not augmented again.
            let batches = syntheticBatches(chunk: step / Self.batchesPerChunk, synthetic)
            let lines = batches.isEmpty ? [] : batches[step % Self.batchesPerChunk % batches.count]
            return (lines.map(\.image), lines.map(\.labels))
        }
        let perEpoch = batches(epoch: step / batchesPerEpoch)
        let indices = perEpoch[step % perEpoch.count]
        var images = [GrayImage](repeating: GrayImage(width: 0, height: 0, pixels: []), count: indices.count)
        // Print-and-scan distortions: Augmentation's, plus rotation, lost resolution, binarization
        // and JPEG artifacts; a rotated line is brought back to the network's height.
        let augmentation = ScanDegradation(), height = model.preprocessing.height
        images.withUnsafeMutableBufferPointer { out in
            Parallelism.forEachItem(indices.count) { i in
                let line = trainingLines[indices[i]].image
                if options.augment {
                    var rng = SplitMix64(seed: options.seed ^ (UInt64(step) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(indices[i]) << 32)
                    out[i] = augmentation.apply(line, rng: &rng).resized(toHeight: height)
                } else {
                    out[i] = line
                }
            }
        }
        return (images, indices.map { trainingLines[$0].labels })
    }

    /// One batch: forward, CTC, backward, clipping, Adam.
    @discardableResult
    public func trainStep() -> StepResult {
        let (images, targets) = batch(forStep: step)
        guard !images.isEmpty else {
            step += 1
            skippedSteps += 1
            return StepResult(loss: .nan, impossible: 0, skipped: true)
        }
        let indices = images.indices
        let (batch, width, widths) = BatchDecoding.pack(images, height: model.preprocessing.height)
        optimizer.zeroGradients()
        let network = model.network
        // A skipped batch must not leave its statistics in the BatchNorm layers either.
        let statistics = network.namedBatchNorms.map { ($0.1, $0.1.runningMean, $0.1.runningVariance) }
        func restoreStatistics() {
            for (bn, mean, variance) in statistics { (bn.runningMean, bn.runningVariance) = (mean, variance) }
        }
        let (logits, steps, lengths) = network.forward(batch, batch: indices.count, width: width, widths: widths, training: true)
        let ctc = CTCLoss.compute(logits: logits, timeSteps: steps, batch: indices.count, classes: model.charset.classCount,
                                  inputLengths: lengths, targets: targets,
                                  scales: [Float](repeating: 1 / Float(indices.count), count: indices.count))
        let loss = ctc.losses.reduce(0, +) / Float(indices.count)
        defer { step += 1 }
        guard loss.isFinite else {
            restoreStatistics()
            skippedSteps += 1
            return StepResult(loss: loss, impossible: ctc.impossible, skipped: true)
        }
        network.backward(ctc.gradient)
        let norm = optimizer.clipGradients(maxNorm: options.clipNorm)
        guard norm.isFinite else {
            restoreStatistics()
            skippedSteps += 1
            return StepResult(loss: loss, impossible: ctc.impossible, skipped: true)
        }
        optimizer.learningRate = options.learningRate(at: step, plateauScale: plateauScale)
        // An update that makes a weight non-finite is undone: the weights and the optimizer's
        // state go back to what they were, and the step counts as skipped.
        let parameters = network.parameters
        let before = (parameters.map(\.value), optimizer.step, optimizer.firstMoments, optimizer.secondMoments)
        optimizer.update()
        let finite = parameters.allSatisfy { allFinite($0.value) }
        guard finite else {
            for (p, value) in zip(parameters, before.0) { p.value = value }
            optimizer.restore(step: before.1, firstMoments: before.2, secondMoments: before.3)
            restoreStatistics()
            skippedSteps += 1
            return StepResult(loss: loss, impossible: ctc.impossible, skipped: true)
        }
        return StepResult(loss: loss, impossible: ctc.impossible, skipped: false)
    }

    // MARK: validation

    /// Greedy-decodes every validation line; returns the error rates and the predictions.
    public func validate() -> (ErrorRates, [String]) {
        evaluate(model, lines: validationLines, batchSize: options.batchSize)
    }

    /// Validates and updates the best CER; returns (rates, whether this is a new best).
    public func validateAndTrack() -> (ErrorRates, Bool) {
        let (rates, _) = validate()
        if bestCER == nil || rates.cer < bestCER! {
            bestCER = rates.cer
            validationsWithoutImprovement = 0
            return (rates, true)
        }
        validationsWithoutImprovement += 1
        if let patience = options.plateauPatience, validationsWithoutImprovement % patience == 0 {
            plateauScale = max(plateauScale / 2, 1.0 / 64)
        }
        return (rates, false)
    }

    public var shouldStopEarly: Bool {
        if let patience = options.patience { return validationsWithoutImprovement >= patience }
        return false
    }

    // MARK: checkpoints

    /// Weights, optimizer moments, step and best CER in one safetensors file, written atomically.
    public func saveCheckpoint(to path: String) throws(FileError) {
        try model.checkValues(path)
        var file = model.safeTensors()
        for (index, (name, p)) in model.network.namedParameters.enumerated() {
            file.add("optimizer.m.\(name)", Tensor(shape: p.shape, data: optimizer.firstMoments[index]))
            file.add("optimizer.v.\(name)", Tensor(shape: p.shape, data: optimizer.secondMoments[index]))
        }
        file.metadata["checkpoint_step"] = String(step)
        file.metadata["checkpoint_optimizer_step"] = String(optimizer.step)
        file.metadata["checkpoint_skipped"] = String(skippedSteps)
        file.metadata["checkpoint_stale_validations"] = String(validationsWithoutImprovement)
        if let bestCER { file.metadata["checkpoint_best_cer"] = String(bestCER) }
        file.metadata["checkpoint_plateau_scale"] = String(plateauScale)
        try file.write(to: path)
    }

    /// A trainer continuing from a checkpoint written by `saveCheckpoint`.
    public convenience init(resuming checkpoint: TrainingCheckpoint, training: [PreparedLine],
                            validation: [PreparedLine], options: TrainingOptions, synthetic: SyntheticLines? = nil) {
        self.init(model: checkpoint.model, training: training, validation: validation, options: options,
                  synthetic: synthetic)
        optimizer.restore(step: checkpoint.optimizerStep, firstMoments: checkpoint.firstMoments,
                          secondMoments: checkpoint.secondMoments)
        step = checkpoint.step
        skippedSteps = checkpoint.skippedSteps
        validationsWithoutImprovement = checkpoint.staleValidations
        bestCER = checkpoint.bestCER
        plateauScale = checkpoint.plateauScale
    }
}
