import Imaging
import OCR

/// Decodes lines with a model in batches of similar width (greedy, or beam search when
/// `beamWidth` > 1, with `spelling` if given); returns the error rates and the predictions in
/// input order.
public func evaluate(_ model: OCRModel, lines: [PreparedLine], batchSize: Int, beamWidth: Int = 1,
                     spelling: WeightedSpelling? = nil) -> (ErrorRates, [String]) {
    let (rates, predictions, _) = evaluateWithConfidence(model, lines: lines, batchSize: batchSize, beamWidth: beamWidth,
                                                         spelling: spelling)
    return (rates, predictions)
}

/// ``evaluate(_:lines:batchSize:beamWidth:spelling:)`` with each line's confidence: the lowest
/// of its characters' (1 for a line read as nothing), as `ocr recognize` reports it.
public func evaluateWithConfidence(_ model: OCRModel, lines: [PreparedLine], batchSize: Int, beamWidth: Int = 1,
                                   spelling: WeightedSpelling? = nil) -> (ErrorRates, [String], [Float]) {
    var rates = ErrorRates()
    var predictions = [String](repeating: "", count: lines.count)
    var confidences = [Float](repeating: 1, count: lines.count)
    let order = lines.indices.sorted { lines[$0].image.width < lines[$1].image.width }
    for start in stride(from: 0, to: order.count, by: batchSize) {
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        let results = recognizeBatch(model, images: indices.map { lines[$0].image }, beamWidth: beamWidth, spelling: spelling)
        for (i, result) in zip(indices, results) {
            predictions[i] = String(result.map(\.character))
            confidences[i] = result.map(\.confidence).min() ?? 1
        }
    }
    for (line, prediction) in zip(lines, predictions) { rates.add(prediction: prediction, reference: line.text) }
    return (rates, predictions, confidences)
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
