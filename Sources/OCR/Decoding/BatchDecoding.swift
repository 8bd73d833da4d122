import Imaging
import NeuralEngine

/// Lines through the network together, padded to the widest, and decoded one by one.
public enum BatchDecoding {
    /// Images padded with blank paper to the widest: ([N, 1, H, W] values, W, widths).
    public static func pack(_ images: [GrayImage], height: Int, minimumWidth: Int = 1) -> ([Float], Int, [Int]) {
        let width = max(images.map(\.width).max() ?? 1, minimumWidth)
        var batch = [Float](repeating: 0, count: images.count * height * width)
        for (n, image) in images.enumerated() {
            precondition(image.height == height, "line of height \(image.height), expected \(height)")
            let values = Preprocessing.values(image)
            for y in 0..<height {
                for x in 0..<image.width { batch[(n * height + y) * width + x] = values[y * image.width + x] }
            }
        }
        return (batch, width, images.map(\.width))
    }
}

/// Greedy (or beam) decoding of normalized line images, batched: each line's characters.
public func recognizeBatch(_ model: OCRModel, images: [GrayImage], beamWidth: Int = 1, allowed: Set<Int>? = nil,
                           spelling: WeightedSpelling? = nil) -> [[DecodedCharacter]] {
    decodeBatch(model, images: images, beamWidth: beamWidth, allowed: allowed, spelling: spelling).map(\.characters)
}

/// As ``recognizeBatch``, with each line's number of network time steps (for mapping steps to
/// columns) and whether its logits are all finite (when not, its characters mean nothing).
func decodeBatch(_ model: OCRModel, images: [GrayImage], beamWidth: Int = 1, allowed: Set<Int>? = nil,
                 spelling: WeightedSpelling? = nil) -> [(characters: [DecodedCharacter], steps: Int, finite: Bool)] {
    if images.isEmpty { return [] }
    let minimum = model.architecture.minimumWidth
    let (input, width, widths) = BatchDecoding.pack(images, height: model.preprocessing.height, minimumWidth: minimum)
    let (logits, steps, lengths) = model.network.forward(input, batch: images.count, width: width,
                                                         widths: widths.map { max($0, minimum) }, training: false)
    let classes = model.charset.classCount
    return (0..<images.count).map { n in
        // [T, N, classes]: sample n's rows are classes apart, N · classes from one step to the next.
        let finite = (0..<lengths[n]).allSatisfy { t in
            logits[((t * images.count + n) * classes)..<((t * images.count + n + 1) * classes)].allSatisfy(\.isFinite)
        }
        guard finite else { return ([], lengths[n], false) }
        let probs = CTCDecoder.probabilities(logits: logits, steps: steps, batch: images.count, classes: classes,
                                             sample: n, length: lengths[n])
        let characters = beamWidth > 1
            ? CTCDecoder.beamSearch(probs, classes: classes, charset: model.charset, beamWidth: beamWidth, allowed: allowed,
                                    spelling: spelling)
            : CTCDecoder.greedy(probs, classes: classes, charset: model.charset, allowed: allowed)
        return (characters, lengths[n], true)
    }
}
