import Imaging
import NeuralEngine

/// Turns samples into prepared lines: decode, normalize, encode the label. Bad images and labels
/// are reported, not fatal, so one broken file does not stop a run.
public struct LinePreparation {
    public var preprocessing: Preprocessing
    public var charset: Charset
    /// Skip labels with characters outside the charset (counted) instead of failing.
    public var skipsUnknown: Bool
    public var decoder = ImageDecoder()
    /// Longest label accepted for training, in characters (CTC's work grows with it).
    public var maxLabelLength = 1000
    /// Widest line accepted for training after scaling to the network's height, in pixels: one
    /// such line pads its whole batch to its width.
    public var maxNormalizedWidth = 8000

    public init(preprocessing: Preprocessing, charset: Charset, skipsUnknown: Bool) {
        self.preprocessing = preprocessing
        self.charset = charset
        self.skipsUnknown = skipsUnknown
    }

    public struct Outcome {
        public var lines: [PreparedLine] = []
        /// Image files that could not be read, with the reason.
        public var unreadable: [String] = []
        /// Lines refused for a label or an image over the limits, with the reason.
        public var tooLarge: [String] = []
        /// Samples skipped for characters outside the charset.
        public var skippedUnknown = 0
        /// Every unknown character with one sample that has it (when not skipping).
        public var unknown: [(Character, String)] = []
    }

    /// Prepares samples on all threads; the output keeps the input order.
    public func prepare(_ samples: [LineSample]) -> Outcome {
        var results = [Result<PreparedLine, PreparationFailure>?](repeating: nil, count: samples.count)
        results.withUnsafeMutableBufferPointer { out in
            Parallelism.forEachItem(samples.count) { i in out[i] = prepare(samples[i]) }
        }
        var outcome = Outcome()
        var seenUnknown = Set<Character>()
        for result in results {
            switch result! {
            case .success(let line): outcome.lines.append(line)
            case .failure(.image(let error)): outcome.unreadable.append(error.description)
            case .failure(.tooLarge(let reason)): outcome.tooLarge.append(reason)
            case .failure(.unknown(let characters, let path)):
                if skipsUnknown { outcome.skippedUnknown += 1 }
                for c in characters where seenUnknown.insert(c).inserted { outcome.unknown.append((c, path)) }
            }
        }
        return outcome
    }

    enum PreparationFailure: Error {
        case image(ImageError)
        case unknown([Character], String)
        case tooLarge(String)
    }

    /// Decodes and normalizes the image and keeps the label as text (its classes are not needed
    /// to measure a model, and characters outside the charset must count as errors). A label over
    /// ``maxLabelLength`` or a line wider than ``Recognizer/maxLineColumns`` at the network's
    /// height is refused, as recognition refuses it, before any work on it.
    public func prepareImageOnly(_ sample: LineSample) -> Result<PreparedLine, DatasetError> {
        guard sample.text.count <= maxLabelLength else {
            return .failure(DatasetError(file: sample.imagePath, reason: "label of \(sample.text.count) characters is over the "
                                         + "limit of \(maxLabelLength)"))
        }
        do {
            let image = try decoder.decodeGray(contentsOf: sample.imagePath)
            let columns = image.height == 0 ? 0 : (image.width * preprocessing.height + image.height - 1) / image.height
            guard columns <= Recognizer.maxLineColumns else {
                return .failure(DatasetError(file: sample.imagePath, reason: "a \(image.width)x\(image.height) line is \(columns) "
                                             + "columns wide at the network's height, over the limit of \(Recognizer.maxLineColumns)"))
            }
            return .success(PreparedLine(image: preprocessing.normalizedImage(image), labels: [],
                                         text: Charset.normalize(sample.text), source: sample.imagePath))
        } catch {
            return .failure(DatasetError(file: sample.imagePath, reason: error.reason.message))
        }
    }

    func prepare(_ sample: LineSample) -> Result<PreparedLine, PreparationFailure> {
        let labels: [Int]
        let length = sample.text.count
        guard length <= maxLabelLength else {
            return .failure(.tooLarge("\(sample.imagePath): label of \(length) characters is over the limit of \(maxLabelLength)"))
        }
        do {
            labels = try charset.encode(sample.text)
        } catch {
            return .failure(.unknown(error.characters, sample.imagePath))
        }
        do {
            let image = try decoder.decodeGray(contentsOf: sample.imagePath)
            let scaledWidth = image.height == 0 ? 0 : image.width * preprocessing.height / image.height
            guard scaledWidth <= maxNormalizedWidth else {
                return .failure(.tooLarge("\(sample.imagePath): \(image.width)x\(image.height) is \(scaledWidth) px wide at height "
                                          + "\(preprocessing.height), over the limit of \(maxNormalizedWidth)"))
            }
            return .success(PreparedLine(image: preprocessing.normalizedImage(image), labels: labels,
                                         text: Charset.normalize(sample.text), source: sample.imagePath))
        } catch {
            return .failure(.image(error))
        }
    }
}
