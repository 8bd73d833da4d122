import Dispatch

/// A derived copy of a layer's weights (e.g. Winograd-transformed), recomputed only when the
/// weights or the folded BatchNorm scale change; safe to use from several threads.
final class TransformedWeights: @unchecked Sendable {
    private let queue = DispatchQueue(label: "ocr.transformed-weights")
    private var source: [Float] = []
    private var scale: [Float]?
    private var value: [Float] = []

    func get(weights: [Float], scale: [Float]?, transform: () -> [Float]) -> [Float] {
        queue.sync {
            if value.isEmpty || scale != self.scale || weights != source {
                value = transform()
                source = weights
                self.scale = scale
            }
            return value
        }
    }
}
