import Foundation
import NeuralEngine
import OCR
import Platform

/// The labeled lines of a training run: those to train on and those to validate on, with what
/// about them could mislead a run (the same image listed more than once, validation lines that
/// are also training lines).
public struct TrainingSamples {
    public var training: [LineSample]
    public var validation: [LineSample]

    /// Loads the training and validation sources. Without validation sources and with
    /// `heldOutFraction`, that share of the training lines (shuffled with `seed`) validates.
    public init(training sources: [String], validation validationSources: [String], heldOutFraction: Double?,
                seed: UInt64) throws(FileError) {
        training = try LineDataset.load(sources)
        validation = try LineDataset.load(validationSources)
        if validation.isEmpty, let heldOutFraction {
            var rng = SplitMix64(seed: seed)
            training.shuffle(using: &rng)
            let held = Int((Double(training.count) * heldOutFraction).rounded())
            validation = Array(training.prefix(held))
            training = Array(training.dropFirst(held))
        }
    }

    /// Warnings about the samples, in words: repeated images per set, and how many validation
    /// lines are training lines (validation then looks better than the model is).
    public var warnings: [String] {
        var out = [String]()
        for (what, samples) in [("training", training), ("validation", validation)] {
            let repeated = LineDataset.repeatedImages(samples)
            guard let most = repeated.first else { continue }
            let repeats = repeated.reduce(0) { $0 + $1.count - 1 }
            out.append("\(repeated.count) \(what) image\(repeated.count == 1 ? " is" : "s are") listed more than once "
                       + "(\(repeats) repeats; \(most.path) \(most.count) times): each repeat counts as one more line")
        }
        let trainingImages = Set(training.map(\.imagePath))
        let shared = validation.filter { trainingImages.contains($0.imagePath) }.count
        if shared > 0 {
            out.append("\(shared) of the \(validation.count) validation lines are training lines too: "
                       + "validation will look better than the model is")
        }
        return out
    }
}
