extension GrayImage {
    /// The image scaled to `width` x `height`: area averaging along an axis that shrinks,
    /// bilinear interpolation along an axis that grows.
    public func resized(width newWidth: Int, height newHeight: Int) -> GrayImage {
        precondition(newWidth > 0 && newHeight > 0, "cannot resize to \(newWidth)x\(newHeight)")
        precondition(width > 0 && height > 0, "cannot resize an empty image")
        if newWidth == width && newHeight == height { return self }
        // Separable: rows first ([height, newWidth]), then columns ([newHeight, newWidth]).
        let horizontal = ResampleWeights(from: width, to: newWidth)
        let vertical = ResampleWeights(from: height, to: newHeight)
        var rows = [Float](repeating: 0, count: height * newWidth)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        pixels.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { mid in
                for y in 0..<height {
                    for x in 0..<newWidth {
                        var sum: Float = 0
                        for tap in horizontal.taps(x) {
                            sum += horizontal.weights[tap] * Float(src[y &* width &+ horizontal.sources[tap]])
                        }
                        mid[y &* newWidth &+ x] = sum
                    }
                }
            }
        }
        rows.withUnsafeBufferPointer { mid in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<newHeight {
                    for x in 0..<newWidth { dst[y &* newWidth &+ x] = 0 }
                    var row = [Float](repeating: 0, count: newWidth)
                    for tap in vertical.taps(y) {
                        let w = vertical.weights[tap], base = vertical.sources[tap] &* newWidth
                        for x in 0..<newWidth { row[x] += w * mid[base &+ x] }
                    }
                    for x in 0..<newWidth { dst[y &* newWidth &+ x] = UInt8(clamping: Int((row[x] + 0.5).rounded(.down))) }
                }
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// The image scaled to `height` rows, the width following the aspect ratio (at least 1).
    public func resized(toHeight newHeight: Int) -> GrayImage {
        precondition(height > 0, "cannot resize an empty image")
        let newWidth = max(1, Int((Double(width) * Double(newHeight) / Double(height)).rounded()))
        return resized(width: newWidth, height: newHeight)
    }
}

/// For each output sample along one axis, the input samples and weights that make it.
struct ResampleWeights {
    /// Output sample `i` uses taps `offsets[i]..<offsets[i + 1]`.
    var offsets: [Int] = [0]
    var sources: [Int] = []
    var weights: [Float] = []

    func taps(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    init(from inCount: Int, to outCount: Int) {
        let scale = Double(inCount) / Double(outCount)
        for i in 0..<outCount {
            if outCount < inCount {
                // Area: the output pixel covers input span [i*scale, (i+1)*scale).
                let start = Double(i) * scale, end = start + scale
                var s = Int(start.rounded(.down))
                while Double(s) < end && s < inCount {
                    let overlap = min(end, Double(s + 1)) - max(start, Double(s))
                    if overlap > 1e-9 {
                        sources.append(s)
                        weights.append(Float(overlap / scale))
                    }
                    s += 1
                }
            } else {
                // Bilinear with pixel centres aligned (as OpenCV / PIL do).
                let centre = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(inCount - 1))
                let left = Int(centre.rounded(.down)), right = min(left + 1, inCount - 1)
                let t = centre - Double(left)
                sources.append(left)
                weights.append(Float(1 - t))
                if right != left && t > 0 {
                    sources.append(right)
                    weights.append(Float(t))
                }
            }
            offsets.append(sources.count)
        }
    }
}
