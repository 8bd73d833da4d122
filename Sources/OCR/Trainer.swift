import Foundation
import Imaging
import NeuralEngine

/// A line ready for the network: its height-normalized image and encoded label.
public struct PreparedLine: Sendable {
    public var image: GrayImage
    public var labels: [Int]
    public var text: String
    public var source: String

    public init(image: GrayImage, labels: [Int], text: String, source: String) {
        self.image = image
        self.labels = labels
        self.text = text
        self.source = source
    }
}

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
        let (batch, width, widths) = Trainer.pack(images, height: model.preprocessing.height)
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

    /// Images padded with blank paper to the widest: ([N, 1, H, W] values, W, widths).
    static func pack(_ images: [GrayImage], height: Int, minimumWidth: Int = 1) -> ([Float], Int, [Int]) {
        let width = max(images.map(\.width).max() ?? 1, minimumWidth)
        var batch = [Float](repeating: 0, count: images.count * height * width)
        for (n, image) in images.enumerated() {
            precondition(image.height == height, "line of height \(image.height), expected \(height)")
            let values = Preprocessing.values(image)
            for y in 0..<height {
                for x in 0..<image.width { batch[(n * height + y) * width + x] = values[y * image.width + x] }
            }
        }
        return (batch, width, images.map(\.width))
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
    public func saveCheckpoint(to path: String) throws(ModelFileError) {
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

/// A training checkpoint read back: the model and the state the trainer needs to continue.
public struct TrainingCheckpoint {
    public var model: OCRModel
    public var step: Int
    public var optimizerStep: Int
    public var firstMoments: [[Float]]
    public var secondMoments: [[Float]]
    public var skippedSteps: Int
    public var staleValidations: Int
    public var bestCER: Double?
    public var plateauScale: Float

    /// Reads and checks a checkpoint; a plain model file is refused with a hint to use --init.
    public init(contentsOf path: String) throws(ModelFileError) {
        let file = try SafeTensors.read(contentsOf: path)
        func fail(_ reason: String) -> ModelFileError { ModelFileError(file: path, reason: reason) }
        guard let step = file.metadata["checkpoint_step"].flatMap(Int.init),
              let optimizerStep = file.metadata["checkpoint_optimizer_step"].flatMap(Int.init) else {
            throw fail("not a checkpoint (no checkpoint_step); to start from a model use --init")
        }
        var weights = SafeTensors(metadata: file.metadata)
        for name in file.names where !name.hasPrefix("optimizer.") { weights.add(name, file.tensors[name]!) }
        model = try OCRModel(weights, name: path)
        firstMoments = []
        secondMoments = []
        for (name, p) in model.network.namedParameters {
            guard let m = file.tensors["optimizer.m.\(name)"], let v = file.tensors["optimizer.v.\(name)"],
                  m.shape == p.shape, v.shape == p.shape else {
                throw fail("optimizer state for '\(name)' is missing or has the wrong shape")
            }
            // Adam's moments: the first any finite number, the second a running mean of squares.
            guard m.data.allSatisfy(\.isFinite) else { throw fail("optimizer state 'optimizer.m.\(name)' is not finite") }
            if let bad = v.data.first(where: { !$0.isFinite || $0 < 0 }) {
                throw fail("optimizer state 'optimizer.v.\(name)' holds \(bad), which a mean of squares cannot be")
            }
            firstMoments.append(m.data)
            secondMoments.append(v.data)
        }
        guard step >= 0, optimizerStep >= 0, optimizerStep <= step else {
            throw fail("checkpoint_step \(step) and checkpoint_optimizer_step \(optimizerStep) do not fit together")
        }
        self.step = step
        self.optimizerStep = optimizerStep
        skippedSteps = file.metadata["checkpoint_skipped"].flatMap(Int.init) ?? 0
        staleValidations = file.metadata["checkpoint_stale_validations"].flatMap(Int.init) ?? 0
        bestCER = file.metadata["checkpoint_best_cer"].flatMap(Double.init)
        plateauScale = file.metadata["checkpoint_plateau_scale"].flatMap(Float.init) ?? 1
    }
}

/// Decodes lines with a model in batches of similar width (greedy, or beam search when
/// `beamWidth` > 1, with `spelling` if given); returns the error rates and the predictions in
/// input order.
public func evaluate(_ model: OCRModel, lines: [PreparedLine], batchSize: Int, beamWidth: Int = 1,
                     spelling: WeightedSpelling? = nil) -> (ErrorRates, [String]) {
    var rates = ErrorRates()
    var predictions = [String](repeating: "", count: lines.count)
    let order = lines.indices.sorted { lines[$0].image.width < lines[$1].image.width }
    for start in stride(from: 0, to: order.count, by: batchSize) {
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        let texts = recognizeBatch(model, images: indices.map { lines[$0].image }, beamWidth: beamWidth,
                                   spelling: spelling).map { result in
            String(result.map(\.character))
        }
        for (i, text) in zip(indices, texts) { predictions[i] = text }
    }
    for (line, prediction) in zip(lines, predictions) { rates.add(prediction: prediction, reference: line.text) }
    return (rates, predictions)
}

/// Greedy (or beam) decoding of normalized line images, batched: each line's characters.
public func recognizeBatch(_ model: OCRModel, images: [GrayImage], beamWidth: Int = 1, allowed: Set<Int>? = nil,
                           spelling: WeightedSpelling? = nil) -> [[DecodedCharacter]] {
    decodeBatch(model, images: images, beamWidth: beamWidth, allowed: allowed, spelling: spelling).map(\.characters)
}

/// As ``recognizeBatch``, with each line's number of network time steps (for mapping steps to
/// columns) and whether its logits are all finite (when not, its characters mean nothing).
func decodeBatch(_ model: OCRModel, images: [GrayImage], beamWidth: Int = 1, allowed: Set<Int>? = nil,
                 spelling: WeightedSpelling? = nil) -> [(characters: [DecodedCharacter], steps: Int, finite: Bool)] {
    if images.isEmpty { return [] }
    let minimum = model.architecture.minimumWidth
    let (input, width, widths) = Trainer.pack(images, height: model.preprocessing.height, minimumWidth: minimum)
    let (logits, steps, lengths) = model.network.forward(input, batch: images.count, width: width,
                                                         widths: widths.map { max($0, minimum) }, training: false)
    let classes = model.charset.classCount
    return (0..<images.count).map { n in
        // [T, N, classes]: sample n's rows are classes apart, N · classes from one step to the next.
        let finite = (0..<lengths[n]).allSatisfy { t in
            logits[((t * images.count + n) * classes)..<((t * images.count + n + 1) * classes)].allSatisfy(\.isFinite)
        }
        guard finite else { return ([], lengths[n], false) }
        let probs = CTCDecoder.probabilities(logits: logits, steps: steps, batch: images.count, classes: classes,
                                             sample: n, length: lengths[n])
        let characters = beamWidth > 1
            ? CTCDecoder.beamSearch(probs, classes: classes, charset: model.charset, beamWidth: beamWidth, allowed: allowed,
                                    spelling: spelling)
            : CTCDecoder.greedy(probs, classes: classes, charset: model.charset, allowed: allowed)
        return (characters, lengths[n], true)
    }
}
