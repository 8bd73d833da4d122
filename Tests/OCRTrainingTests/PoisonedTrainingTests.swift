import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

/// Damaged checkpoints and diverging runs (#13, item 3): nothing not finite is trained on, kept
/// or saved.
@Suite struct PoisonedTrainingTests {
    /// A flipped byte anywhere in the tensors is caught by the checksum; files written before
    /// checksums (none recorded) still load.
    @Test func checksumsCatchDamage() throws {
        let trainer = try TrainerTests().makeTrainer(steps: 2)
        trainer.trainStep()
        let path = try temporaryPath("run.ckpt")
        try trainer.saveCheckpoint(to: path)
        var bytes = try readTextFileBytes(path)
        #expect(try TrainingCheckpoint(contentsOf: path).step == 1)
        bytes[bytes.count - 5] ^= 0x80
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect {
            try TrainingCheckpoint(contentsOf: path)
        } throws: { error in
            (error as? FileError)?.reason.contains("do not match their checksum") == true
        }
        var file = trainer.model.safeTensors()
        file.metadata[SafeTensors.checksumKey] = nil
        let unchecked = try SafeTensors.parse(file.serialized())
        #expect(unchecked.metadata[SafeTensors.checksumKey] == nil)
    }

    /// Optimizer state that cannot be (a negative second moment), with a valid checksum, is refused.
    @Test func impossibleOptimizerStateIsRefused() throws {
        let trainer = try TrainerTests().makeTrainer(steps: 2)
        trainer.trainStep()
        let path = try temporaryPath("run.ckpt")
        try trainer.saveCheckpoint(to: path)
        let good = try TrainingCheckpoint(contentsOf: path)
        var v = good.secondMoments
        v[0][0] = -1.77e9
        trainer.optimizer.restore(step: good.optimizerStep, firstMoments: good.firstMoments, secondMoments: v)
        try trainer.saveCheckpoint(to: path)
        #expect {
            try TrainingCheckpoint(contentsOf: path)
        } throws: { error in
            (error as? FileError)?.reason.contains("which a mean of squares cannot be") == true
        }
    }

    /// An update that makes a weight non-finite is undone and counted as skipped; a model that is
    /// not finite is never written.
    @Test func nonFiniteUpdatesAreUndoneAndNeverSaved() throws {
        let trainer = try TrainerTests().makeTrainer(steps: 4)
        trainer.trainStep()
        var v = trainer.optimizer.secondMoments
        v[0] = v[0].map { _ in -1 }  // sqrt of a negative: NaN weights after the update
        trainer.optimizer.restore(step: trainer.optimizer.step, firstMoments: trainer.optimizer.firstMoments, secondMoments: v)
        let weights = trainer.model.network.parameters.map(\.value)
        let result = trainer.trainStep()
        #expect(result.skipped && trainer.skippedSteps == 1)
        #expect(trainer.model.network.parameters.map(\.value) == weights)
        trainer.model.network.parameters[0].value[0] = .nan
        let path = try temporaryPath("m.safetensors")
        #expect(throws: FileError.self) { try trainer.model.save(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
