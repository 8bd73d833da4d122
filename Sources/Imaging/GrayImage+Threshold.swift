extension GrayImage {
    /// Counts of each gray value.
    public var histogram: [Int] {
        // Four tables filled in turn, so that runs of one value do not wait on one counter.
        var counts = [Int](repeating: 0, count: 4 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            pixels.withUnsafeBufferPointer { p in
                let n = p.count, quads = n / 4
                for i in 0..<quads {
                    counts[Int(p[4 * i])] &+= 1; counts[256 + Int(p[4 * i + 1])] &+= 1
                    counts[512 + Int(p[4 * i + 2])] &+= 1; counts[768 + Int(p[4 * i + 3])] &+= 1
                }
                for i in (4 * quads)..<n { counts[Int(p[i])] &+= 1 }
            }
        }
        return (0..<256).map { counts[$0] + counts[256 + $0] + counts[512 + $0] + counts[768 + $0] }
    }

    /// Otsu's threshold: the value t that best separates pixels <= t from pixels > t
    /// (maximal between-class variance).
    public func otsuThreshold() -> UInt8 { Self.otsuThreshold(histogram) }

    /// Otsu's threshold of an image whose ``histogram`` is `counts`.
    public static func otsuThreshold(_ counts: [Int]) -> UInt8 {
        let total = Double(counts.reduce(0, +))
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

    /// The gray level of the paper: the 90th percentile of the pixels (text covers far less
    /// than a tenth of a line's area; the brightest tenth is paper and its noise).
    public var paperLevel: UInt8 {
        guard !pixels.isEmpty else { return 255 }
        var histogram = [Int](repeating: 0, count: 256)
        for v in pixels { histogram[Int(v)] += 1 }
        var below = 0
        let rank = pixels.count * 9 / 10
        for level in 0..<256 {
            below += histogram[level]
            if below > rank { return UInt8(level) }
        }
        return 255
    }

    /// The columns from the first to the last that hold ink (a pixel at or below Otsu's threshold,
    /// in an image whose darkest and lightest pixels differ by 40 levels or more), or nil when
    /// there is none.
    public var inkColumns: Range<Int>? {
        guard let darkest = pixels.min(), let lightest = pixels.max(), Int(lightest) - Int(darkest) >= 40 else { return nil }
        let threshold = otsuThreshold()
        func hasInk(_ x: Int) -> Bool { (0..<height).contains { self[x, $0] <= threshold } }
        guard let first = (0..<width).first(where: hasInk), let last = (0..<width).last(where: hasInk) else { return nil }
        return first..<(last + 1)
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
