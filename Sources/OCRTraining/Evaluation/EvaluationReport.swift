import Foundation
import OCR
import Platform

/// A model measured on labeled lines: the error rates, each line's prediction, the most frequent
/// confusions and the worst lines.
public struct EvaluationReport {
    /// One character error: what the reference has and what was read (nil: nothing there).
    public struct Confusion: Hashable, Comparable, Sendable {
        public var expected: Character?
        public var got: Character?

        public static func < (a: Confusion, b: Confusion) -> Bool {
            let x = (a.expected.map { String($0) } ?? "", a.got.map { String($0) } ?? "")
            let y = (b.expected.map { String($0) } ?? "", b.got.map { String($0) } ?? "")
            return x < y
        }
    }

    public let lines: [PreparedLine]
    /// What was read from each line, in the order of ``lines``.
    public let predictions: [String]
    public let rates: ErrorRates
    /// Seconds the recognition took.
    public let seconds: Double
    /// The `top` most frequent confusions, most frequent first.
    public let confusions: [(confusion: Confusion, count: Int)]
    /// The `top` lines with the highest CER (above 0), worst first: their index and CER.
    public let worst: [(index: Int, cer: Double)]
    /// Each line's confidence (its least confident character's), in the order of ``lines``.
    public let confidences: [Float]
    /// The CER of the 10% least confident lines, and of the rest: whether confidence ranks errors.
    public let confidence: (least: (lines: Int, cer: Double), rest: (lines: Int, cer: Double))
    /// The share of wrong words (``rightWords(_:reference:)``) among the 10% least confident words
    /// read, and among the rest: whether a word's confidence ranks its errors.
    public let wordConfidence: (least: (words: Int, wrong: Double), rest: (words: Int, wrong: Double))

    /// Recognizes `lines` with `model` in batches of 16 and measures the result.
    public init(model: OCRModel, lines: [PreparedLine], beamWidth: Int, spelling: WeightedSpelling?, top: Int) {
        let start = monotonicSeconds()
        let (rates, predictions, confidences, words) = evaluateWithConfidence(model, lines: lines, batchSize: 16,
                                                                              beamWidth: beamWidth, spelling: spelling)
        self.confidences = confidences
        seconds = monotonicSeconds() - start
        self.lines = lines
        self.predictions = predictions
        self.rates = rates
        var counts = [Confusion: Int]()
        var perLine = [(index: Int, cer: Double)]()
        var lineEdits = [Int]()
        for (i, line) in lines.enumerated() {
            for e in characterErrors(prediction: predictions[i], reference: line.text) {
                counts[Confusion(expected: e.expected, got: e.got), default: 0] += 1
            }
            let edits = editDistance(Array(predictions[i]), Array(line.text))
            lineEdits.append(edits)
            perLine.append((i, Double(edits) / Double(max(line.text.count, 1))))
        }
        confidence = confidenceSplit(confidences: confidences, edits: lineEdits, characters: lines.map(\.text.count))
        var wordConfidences = [Float](), wrongWords = [Int]()
        for (line, read) in zip(lines, words) {
            let right = rightWords(read.map(\.text), reference: line.text.split(separator: " ").map(String.init))
            wordConfidences += read.map(\.confidence)
            wrongWords += right.map { $0 ? 0 : 1 }
        }
        // Each word one "character", a wrong one one "edit": the split's CER is the share wrong.
        let split = confidenceSplit(confidences: wordConfidences, edits: wrongWords,
                                    characters: Array(repeating: 1, count: wrongWords.count))
        wordConfidence = ((split.least.lines, split.least.cer), (split.rest.lines, split.rest.cer))
        confusions = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
            .map { (confusion: $0.key, count: $0.value) }
        worst = Array(perLine.filter { $0.cer > 0 }.sorted { $0.cer != $1.cer ? $0.cer > $1.cer : $0.index < $1.index }.prefix(top))
    }

    /// Lines recognized a second.
    public var linesPerSecond: Double { Double(lines.count) / max(seconds, 1e-9) }
}
