extension GrayImage {
    /// Counts of each gray value.
    public var histogram: [Int] {
        var counts = [Int](repeating: 0, count: 256)
        for v in pixels { counts[Int(v)] += 1 }
        return counts
    }

    /// Otsu's threshold: the value t that best separates pixels <= t from pixels > t
    /// (maximal between-class variance).
    public func otsuThreshold() -> UInt8 {
        let counts = histogram
        let total = Double(pixels.count)
        guard total > 0 else { return 127 }
        let sumAll = counts.enumerated().reduce(0.0) { $0 + Double($1.offset * $1.element) }
        var weightBelow = 0.0, sumBelow = 0.0
        var best = 0.0, bestT = 0, bestEnd = 0
        for t in 0..<255 {
            weightBelow += Double(counts[t])
            sumBelow += Double(t * counts[t])
            let weightAbove = total - weightBelow
            if weightBelow == 0 || weightAbove == 0 { continue }
            let meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best * (1 + 1e-12) {
                best = between
                bestT = t
                bestEnd = t
            } else if between >= best * (1 - 1e-12) {
                bestEnd = t  // a plateau of equal variance: take its middle below
            }
        }
        return UInt8((bestT + bestEnd) / 2)
    }

    /// Black (0) where a pixel is <= `threshold`, white (255) elsewhere.
    public func binarized(threshold: UInt8) -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { $0 <= threshold ? 0 : 255 })
    }

    /// Whether the image looks like light text on a dark background: after Otsu's split, the
    /// background is the larger class, and here it is the dark one.
    public var isLightOnDark: Bool {
        let t = otsuThreshold()
        var dark = 0
        for v in pixels where v <= t { dark += 1 }
        return dark * 2 > pixels.count
    }

    /// The image with dark text on a light background: inverted if it was light on dark.
    public func normalizedPolarity() -> GrayImage {
        isLightOnDark ? inverted() : self
    }
}
