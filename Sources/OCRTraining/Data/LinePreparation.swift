import Imaging
import NeuralEngine
import OCR
import Platform

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
        /// Lines refused for their label (too long, control characters) or an image over the
        /// limits, with the reason.
        public var refused: [String] = []
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
            case .failure(.refused(let reason)): outcome.refused.append(reason)
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
        case refused(String)
    }

    /// The lines with their labels encoded again in `charset`; a line with a character outside it
    /// is dropped.
    public static func encoded(_ lines: [PreparedLine], charset: Charset) -> [PreparedLine] {
        lines.compactMap { line in
            var line = line
            guard let labels = try? charset.encode(line.text) else { return nil }
            line.labels = labels
            return line
        }
    }

    /// Why a label can be neither trained on nor measured against, or nil: over
    /// ``maxLabelLength`` characters, or holding a control character (a NUL, a tab, an escape),
    /// which no line image shows and which must not become a class of the charset.
    public func labelProblem(_ label: String) -> String? {
        var count = 0
        for c in label {
            count += 1
            if let control = c.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                return "label has the control character " + String(format: "U+%04X", control.value) + " at character \(count)"
            }
        }
        return count > maxLabelLength ? "label of \(count) characters is over the limit of \(maxLabelLength)" : nil
    }

    /// Decodes and normalizes the image and keeps the label as text (its classes are not needed
    /// to measure a model, and characters outside the charset must count as errors). A label that
    /// ``labelProblem(_:)`` refuses, or a line wider than ``Recognizer/maxLineColumns`` at the
    /// network's height (as recognition refuses it), is refused before any work on it.
    public func prepareImageOnly(_ sample: LineSample) -> Result<PreparedLine, FileError> {
        if let problem = labelProblem(sample.text) { return .failure(FileError(file: sample.imagePath, reason: problem)) }
        do {
            let image = try decoder.decodeGray(contentsOf: sample.imagePath)
            let columns = image.height == 0 ? 0 : (image.width * preprocessing.height + image.height - 1) / image.height
            guard columns <= Recognizer.maxLineColumns else {
                return .failure(FileError(file: sample.imagePath, reason: "a \(image.width)x\(image.height) line is \(columns) "
                                             + "columns wide at the network's height, over the limit of \(Recognizer.maxLineColumns)"))
            }
            return .success(PreparedLine(image: preprocessing.normalizedImage(image), labels: [],
                                         text: Charset.normalize(sample.text), source: sample.imagePath))
        } catch {
            return .failure(FileError(file: sample.imagePath, reason: error.reason.message))
        }
    }

    func prepare(_ sample: LineSample) -> Result<PreparedLine, PreparationFailure> {
        let labels: [Int]
        if let problem = labelProblem(sample.text) { return .failure(.refused("\(sample.imagePath): \(problem)")) }
        do {
            labels = try charset.encode(sample.text)
        } catch {
            return .failure(.unknown(error.characters, sample.imagePath))
        }
        do {
            let image = try decoder.decodeGray(contentsOf: sample.imagePath)
            let scaledWidth = image.height == 0 ? 0 : image.width * preprocessing.height / image.height
            guard scaledWidth <= maxNormalizedWidth else {
                return .failure(.refused("\(sample.imagePath): \(image.width)x\(image.height) is \(scaledWidth) px wide at height "
                                          + "\(preprocessing.height), over the limit of \(maxNormalizedWidth)"))
            }
            return .success(PreparedLine(image: preprocessing.normalizedImage(image), labels: labels,
                                         text: Charset.normalize(sample.text), source: sample.imagePath))
        } catch {
            return .failure(.image(error))
        }
    }
}
