import Foundation
import Imaging
import NeuralEngine
import Platform

/// A recognition model: the network, its charset, and how input lines are prepared.
///
/// Saved as safetensors with PyTorch tensor names and layouts; `__metadata__` holds the format
/// name and version, the architecture (preset name and spec), the charset, the input height, the
/// normalization and a training summary.
public final class OCRModel {
    public let network: CRNN
    public let charset: Charset
    public var preprocessing: Preprocessing
    /// Free-form facts about how the model was trained (steps, samples, validation CER, ...).
    public var trainingSummary: [String: String]

    public static let formatName = "ocr-crnn"
    /// The largest magnitude a model's tensor may hold.
    public static let maxMagnitude: Float = 1_000_000
    public static let formatVersion = 1

    /// A fresh model with random weights, reproducible from `seed`.
    public convenience init(architecture: CRNNArchitecture, charset: Charset, seed: UInt64 = 0,
                            trainingSummary: [String: String] = [:]) {
        self.init(network: CRNN(architecture, seed: seed), charset: charset, trainingSummary: trainingSummary)
    }

    init(network: CRNN, charset: Charset, trainingSummary: [String: String]) {
        let architecture = network.architecture
        precondition(architecture.classes == charset.classCount,
                     "architecture has \(architecture.classes) classes, charset \(charset.classCount)")
        self.network = network
        self.charset = charset
        self.preprocessing = Preprocessing(height: architecture.inputHeight)
        self.trainingSummary = trainingSummary
    }

    public var architecture: CRNNArchitecture { network.architecture }

    /// Every tensor the file holds, PyTorch-named: parameters, then BatchNorm running statistics.
    func namedTensors() -> [(String, Tensor)] {
        var out = network.namedParameters.map { ($0.0, Tensor(shape: $0.1.shape, data: $0.1.value)) }
        for (prefix, bn) in network.namedBatchNorms {
            out.append(("\(prefix).running_mean", Tensor(shape: [bn.channels], data: bn.runningMean)))
            out.append(("\(prefix).running_var", Tensor(shape: [bn.channels], data: bn.runningVariance)))
        }
        return out
    }

    public var metadata: [String: String] {
        let charsetJSON = "[" + charset.characters.map { jsonString(String($0)) }.joined(separator: ",") + "]"
        let summary = "{" + trainingSummary.keys.sorted().map { "\(jsonString($0)):\(jsonString(trainingSummary[$0]!))" }
            .joined(separator: ",") + "}"
        return [
            "format": Self.formatName,
            "format_version": String(Self.formatVersion),
            "architecture": architecture.name,
            "architecture_spec": architecture.spec,
            "charset": charsetJSON,
            "height": String(preprocessing.height),
            "normalization": Preprocessing.normalization,
            "polarity": preprocessing.normalizesPolarity ? "auto" : "none",
            "training": summary,
        ]
    }

    public func safeTensors() -> SafeTensors {
        var file = SafeTensors(metadata: metadata)
        for (name, tensor) in namedTensors() { file.add(name, tensor) }
        return file
    }

    /// Writes the model atomically; a model that could not be loaded back (a value not finite or
    /// beyond ±``maxMagnitude``) is refused, so a broken run never replaces a good file.
    public func save(to path: String) throws(FileError) {
        try checkValues(path)
        try safeTensors().write(to: path)
    }

    /// Throws when a weight or statistic is not finite or beyond ±``maxMagnitude``.
    public func checkValues(_ path: String) throws(FileError) {
        for (name, tensor) in namedTensors() where !tensor.data.allSatisfy({ $0.isFinite && abs($0) <= Self.maxMagnitude }) {
            throw FileError(file: path, reason: "not written: tensor '\(name)' holds values that are not finite or beyond "
                                 + "±\(Int(Self.maxMagnitude)) (the training diverged)")
        }
    }

    /// Loads and checks a model file: format, version, architecture, charset, and every tensor's
    /// name and shape. Errors say exactly what is wrong. A training checkpoint (`ocr train
    /// --checkpoint`) loads as the model it holds.
    public static func load(contentsOf path: String) throws(FileError) -> OCRModel {
        try OCRModel(SafeTensors.read(contentsOf: path), name: path)
    }

    public convenience init(_ file: SafeTensors, name: String) throws(FileError) {
        func fail(_ reason: String) -> FileError { FileError(file: name, reason: reason) }
        let meta = file.metadata
        guard meta["format"] == Self.formatName else {
            throw fail("not an ocr model (metadata format is \(meta["format"].map { "'\($0)'" } ?? "missing"), expected '\(Self.formatName)')")
        }
        guard let version = meta["format_version"].flatMap(Int.init), version >= 1 else {
            throw fail("missing or bad format_version")
        }
        guard version <= Self.formatVersion else {
            throw fail("format version \(version) is newer than this program reads (\(Self.formatVersion)); update ocr")
        }
        guard let charsetText = meta["charset"], let data = charsetText.data(using: .utf8),
              let list = try? JSONSerialization.jsonObject(with: data) as? [String],
              list.allSatisfy({ $0.count == 1 }) else {
            throw fail("metadata charset is missing or not a JSON array of single characters")
        }
        let charset = Charset(list.map { Character($0) })
        guard charset.characters.count == list.count else { throw fail("metadata charset repeats a character") }
        guard let spec = meta["architecture_spec"] else { throw fail("metadata architecture_spec is missing") }
        let architecture: CRNNArchitecture
        do {
            architecture = try CRNNArchitecture(spec: spec, name: meta["architecture"] ?? "custom")
        } catch {
            throw fail("bad architecture_spec '\(spec)': \(error)")
        }
        guard architecture.classes == charset.classCount else {
            throw fail("the classifier has \(architecture.classes) outputs but the charset needs \(charset.classCount)")
        }
        if let height = meta["height"].flatMap(Int.init), height != architecture.inputHeight {
            throw fail("metadata height \(height) differs from the architecture's \(architecture.inputHeight)")
        }
        if let normalization = meta["normalization"], normalization != Preprocessing.normalization {
            throw fail("unknown normalization '\(normalization)'")
        }
        var summary = [String: String]()
        if let text = meta["training"], let data = text.data(using: .utf8),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
            summary = object
        }
        // Zeros, not random draws: every weight is replaced from the file below.
        var zeros = ZeroWeights()
        self.init(network: CRNN(architecture, initialWeights: &zeros), charset: charset, trainingSummary: summary)
        if meta["polarity"] == "none" { preprocessing.normalizesPolarity = false }
        var expected = Set<String>()
        for (tensorName, parameter) in network.namedParameters {
            expected.insert(tensorName)
            parameter.value = try Self.tensor(file, tensorName, shape: parameter.shape, fail: fail)
        }
        for (prefix, bn) in network.namedBatchNorms {
            expected.insert("\(prefix).running_mean")
            expected.insert("\(prefix).running_var")
            bn.runningMean = try Self.tensor(file, "\(prefix).running_mean", shape: [bn.channels], fail: fail)
            bn.runningVariance = try Self.tensor(file, "\(prefix).running_var", shape: [bn.channels], fail: fail)
            // A variance below zero is no variance: the normalization would take its square root.
            if let negative = bn.runningVariance.firstIndex(where: { $0 < 0 }) {
                throw fail("tensor '\(prefix).running_var' holds a negative variance (\(bn.runningVariance[negative]) at \(negative))")
            }
        }
        // A training checkpoint is a model plus the optimizer's state: it loads as the model.
        let isCheckpoint = meta["checkpoint_optimizer_step"] != nil
        let extra = file.names.filter {
            !expected.contains($0) && !$0.hasSuffix("num_batches_tracked") && !(isCheckpoint && $0.hasPrefix("optimizer."))
        }
        if !extra.isEmpty {
            throw fail("unexpected tensors for architecture '\(spec)': \(extra.prefix(5).joined(separator: ", "))")
        }
    }

    private static func tensor(_ file: SafeTensors, _ name: String, shape: [Int],
                               fail: (String) -> FileError) throws(FileError) -> [Float] {
        guard let t = file.tensors[name] else { throw fail("tensor '\(name)' is missing") }
        guard t.shape == shape else { throw fail("tensor '\(name)' has shape \(t.shape), expected \(shape)") }
        guard t.data.allSatisfy({ $0.isFinite }) else { throw fail("tensor '\(name)' holds NaN or infinite values") }
        // A trained network's values are a few units (the shipped model's largest is 16.6): one
        // far beyond overflows the forward pass into garbage.
        if let huge = t.data.first(where: { abs($0) > Self.maxMagnitude }) {
            throw fail("tensor '\(name)' holds \(huge), beyond ±\(Int(Self.maxMagnitude)): not a trained network")
        }
        return t.data
    }
}

extension OCRModel {
    /// A copy whose charset is `charset` (which must start with this model's characters): every
    /// weight is kept, and the classifier's rows for new characters start fresh. For fine-tuning on
    /// data that brings new characters.
    public func expanded(to charset: Charset, seed: UInt64 = 0) -> OCRModel {
        precondition(Array(charset.characters.prefix(self.charset.characters.count)) == self.charset.characters,
                     "the new charset must extend the old one")
        var architecture = self.architecture
        architecture.linearOutputs[architecture.linearOutputs.count - 1] = charset.classCount
        let model = OCRModel(architecture: architecture, charset: charset, seed: seed, trainingSummary: trainingSummary)
        model.preprocessing = preprocessing
        let old = Dictionary(uniqueKeysWithValues: network.namedParameters)
        for (name, p) in model.network.namedParameters {
            guard let source = old[name] else { continue }
            if source.shape == p.shape {
                p.value = source.value
            } else {
                // The classifier: [classes, in] weight or [classes] bias; the old rows come first.
                p.value.replaceSubrange(0..<source.value.count, with: source.value)
            }
        }
        for ((_, a), (_, b)) in zip(network.namedBatchNorms, model.network.namedBatchNorms) {
            b.runningMean = a.runningMean
            b.runningVariance = a.runningVariance
        }
        return model
    }
}

extension OCRModel {
    /// The mean of several models' weights and BatchNorm statistics (checkpoint averaging: the
    /// last checkpoints of a run, averaged, smooth out the noise of the steps between them).
    /// `models` are (name, model) pairs; they must share the architecture, charset and
    /// preprocessing, or the error names the first one that does not.
    ///
    /// With `weights` (one positive number per model, scaled to add up to 1) the mean is weighted:
    /// a model and its fine-tuned descendant, interpolated, can keep most of what the fine-tuning
    /// gained and lose less of what the first model knew (WiSE-FT, Wortsman et al. 2022).
    public static func average(_ models: [(name: String, model: OCRModel)], weights: [Float]? = nil) throws(FileError) -> OCRModel {
        guard let (_, first) = models.first else { throw FileError(file: "-", reason: "no models to average") }
        let weights = weights ?? [Float](repeating: 1, count: models.count)
        guard weights.count == models.count, weights.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw FileError(file: "-", reason: "give one positive weight per model (\(models.count)), got \(weights.count)")
        }
        for (name, m) in models.dropFirst() {
            if m.architecture.spec != first.architecture.spec {
                throw FileError(file: name, reason: "architecture '\(m.architecture.spec)' differs from '\(first.architecture.spec)'")
            }
            if m.charset.characters != first.charset.characters {
                throw FileError(file: name, reason: "its charset differs from the first model's")
            }
            if m.preprocessing != first.preprocessing {
                throw FileError(file: name, reason: "its preprocessing differs from the first model's")
            }
        }
        var zeros = ZeroWeights()
        let mean = OCRModel(network: CRNN(first.architecture, initialWeights: &zeros), charset: first.charset,
                            trainingSummary: models.last!.model.trainingSummary)
        mean.preprocessing = first.preprocessing
        mean.trainingSummary["averaged_from"] = models.map(\.name).joined(separator: " ")
        mean.trainingSummary["validation_cer"] = nil  // the last model's, not the mean's
        let total = weights.reduce(0, +), shares = weights.map { $0 / total }
        func meanOf(_ arrays: [[Float]]) -> [Float] {
            var sum = [Float](repeating: 0, count: arrays[0].count)
            for (a, share) in zip(arrays, shares) { for i in sum.indices { sum[i] += share * a[i] } }
            return sum
        }
        let parameters = models.map { $0.model.network.parameters }
        for (i, p) in mean.network.parameters.enumerated() { p.value = meanOf(parameters.map { $0[i].value }) }
        let norms = models.map { $0.model.network.namedBatchNorms.map(\.1) }
        for (i, (_, bn)) in mean.network.namedBatchNorms.enumerated() {
            bn.runningMean = meanOf(norms.map { $0[i].runningMean })
            bn.runningVariance = meanOf(norms.map { $0[i].runningVariance })
        }
        return mean
    }
}
