import Foundation
import NeuralEngine
import OCR
import Platform

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
    public init(contentsOf path: String) throws(FileError) {
        let file = try SafeTensors.read(contentsOf: path)
        func fail(_ reason: String) -> FileError { FileError(file: path, reason: reason) }
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
