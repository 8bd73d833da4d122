import Imaging
import OCR

/// Decodes lines with a model in batches of similar width (greedy, or beam search when
/// `beamWidth` > 1, with `spelling` if given); returns the error rates and the predictions in
/// input order.
public func evaluate(_ model: OCRModel, lines: [PreparedLine], batchSize: Int, beamWidth: Int = 1,
                     spelling: WeightedSpelling? = nil) -> (ErrorRates, [String]) {
    let (rates, predictions, _, _) = evaluateWithConfidence(model, lines: lines, batchSize: batchSize,
                                                            beamWidth: beamWidth, spelling: spelling)
    return (rates, predictions)
}

/// A word read, as `ocr recognize` reports it: its text and its confidence, the lowest of its
/// characters'.
public struct ReadWord: Equatable, Sendable {
    public var text: String
    public var confidence: Float

    public init(text: String, confidence: Float) {
        self.text = text
        self.confidence = confidence
    }

    /// The words of decoded characters: the runs between spaces.
    static func words(of characters: [DecodedCharacter]) -> [ReadWord] {
        characters.split { $0.character == " " }.map {
            ReadWord(text: String($0.map(\.character)), confidence: $0.map(\.confidence).min() ?? 1)
        }
    }
}

/// ``evaluate(_:lines:batchSize:beamWidth:spelling:)`` with each line's confidence, the lowest
/// of its characters' (1 for a line read as nothing), and its words, as `ocr recognize` reports
/// them.
public func evaluateWithConfidence(_ model: OCRModel, lines: [PreparedLine], batchSize: Int, beamWidth: Int = 1,
                                   spelling: WeightedSpelling? = nil) -> (ErrorRates, [String], [Float], [[ReadWord]]) {
    var rates = ErrorRates()
    var predictions = [String](repeating: "", count: lines.count)
    var confidences = [Float](repeating: 1, count: lines.count)
    var words = [[ReadWord]](repeating: [], count: lines.count)
    let order = lines.indices.sorted { lines[$0].image.width < lines[$1].image.width }
    for start in stride(from: 0, to: order.count, by: batchSize) {
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        let results = recognizeBatch(model, images: indices.map { lines[$0].image }, beamWidth: beamWidth, spelling: spelling)
        for (i, result) in zip(indices, results) {
            predictions[i] = String(result.map(\.character))
            confidences[i] = result.map(\.confidence).min() ?? 1
            words[i] = ReadWord.words(of: result)
        }
    }
    for (line, prediction) in zip(lines, predictions) { rates.add(prediction: prediction, reference: line.text) }
    return (rates, predictions, confidences, words)
}

/// Which words of `prediction` are right: those a word alignment of fewest edits (insertions,
/// deletions, substitutions of whole words) pairs with an equal word of `reference`.
public func rightWords(_ prediction: [String], reference: [String]) -> [Bool] {
    let n = prediction.count, m = reference.count
    // cost[i][j]: edits between the first i predicted and the first j reference words.
    var cost = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
    for i in 0...n { cost[i][0] = i }
    for j in 0...m { cost[0][j] = j }
    for i in stride(from: 1, through: n, by: 1) {
        for j in stride(from: 1, through: m, by: 1) {
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (prediction[i - 1] == reference[j - 1] ? 0 : 1))
        }
    }
    var right = [Bool](repeating: false, count: n)
    var i = n, j = m
    while i > 0 && j > 0 {
        if prediction[i - 1] == reference[j - 1] && cost[i][j] == cost[i - 1][j - 1] {
            right[i - 1] = true
            i -= 1
            j -= 1
        } else if cost[i][j] == cost[i - 1][j - 1] + 1 {
            i -= 1
            j -= 1
        } else if cost[i][j] == cost[i - 1][j] + 1 {
            i -= 1
        } else {
            j -= 1
        }
    }
    return right
}

/// Whether a line's confidence ranks its errors: the CER of the `share` least confident lines
/// (at least one) against that of the rest, each as character edits over reference characters.
/// `edits` and `characters` are each line's; ties in confidence keep input order.
public func confidenceSplit(confidences: [Float], edits: [Int], characters: [Int], share: Double = 0.1)
    -> (least: (lines: Int, cer: Double), rest: (lines: Int, cer: Double)) {
    let order = confidences.indices.sorted { confidences[$0] != confidences[$1] ? confidences[$0] < confidences[$1] : $0 < $1 }
    let count = min(order.count, max(1, Int((Double(order.count) * share).rounded())))
    func cer(_ lines: ArraySlice<Int>) -> Double {
        let chars = lines.reduce(0) { $0 + characters[$1] }
        return Double(lines.reduce(0) { $0 + edits[$1] }) / Double(max(chars, 1))
    }
    return ((count, cer(order.prefix(count))), (order.count - count, cer(order.dropFirst(count))))
}
