import Imaging
import OCR

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
