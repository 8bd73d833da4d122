/// The paper's brightness across an image, and the image with its light made even (as ocropy's
/// `nlbin` does before it thresholds): a scan lit unevenly (darker towards one side, a shadow
/// near the spine) then thresholds as one lit evenly.
extension GrayImage {
    /// The paper's level in `tile`-pixel squares: each square's 90th-percentile level (of every
    /// other pixel of every other row; ink, which
    /// covers less than a tenth of most squares, left out), then the brightest of the 5x5 squares
    /// around it (text set solid, and thick strokes, fill a square), then their 3x3 mean. Rows
    /// of squares top to bottom; the last row and column of squares may be smaller.
    public func paperLevels(tile: Int) -> (columns: Int, rows: Int, levels: [Float]) {
        precondition(tile > 0)
        let columns = (width + tile - 1) / tile, rows = (height + tile - 1) / tile
        var levels = [Float](repeating: 255, count: columns * rows)
        var histogram = [Int](repeating: 0, count: 256)
        for ty in 0..<rows {
            for tx in 0..<columns {
                histogram.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                let x0 = tx * tile, x1 = min(width, x0 + tile), y0 = ty * tile, y1 = min(height, y0 + tile)
                // Every other pixel of every other row: the percentile of a square needs no more.
                var sampled = 0
                histogram.withUnsafeMutableBufferPointer { counts in
                    pixels.withUnsafeBufferPointer { p in
                        for y in stride(from: y0, to: y1, by: 2) {
                            for x in stride(from: x0, to: x1, by: 2) { counts[Int(p[y * width + x])] += 1; sampled += 1 }
                        }
                    }
                }
                let rank = sampled * 9 / 10
                var seen = 0, level = 255
                for v in 0..<256 {
                    seen += histogram[v]
                    if seen > rank { level = v; break }
                }
                levels[ty * columns + tx] = Float(level)
            }
        }
        func filtered(_ a: [Float], radius: Int, _ combine: ([Float]) -> Float) -> [Float] {
            var out = a
            for ty in 0..<rows {
                for tx in 0..<columns {
                    var around = [Float]()
                    for dy in -radius...radius {
                        for dx in -radius...radius {
                            let x = tx + dx, y = ty + dy
                            if x >= 0 && x < columns && y >= 0 && y < rows { around.append(a[y * columns + x]) }
                        }
                    }
                    out[ty * columns + tx] = combine(around)
                }
            }
            return out
        }
        levels = filtered(levels, radius: 2) { $0.max() ?? 255 }
        levels = filtered(levels, radius: 1) { $0.reduce(0, +) / Float($0.count) }
        return (columns, rows, levels)
    }

    /// The image with the paper brought to white: each pixel divided by the paper's level there
    /// (``paperLevels(tile:)``, interpolated between the squares' centres); nil when the light is
    /// even already (the paper of all but the darkest 5% of squares within 10% of the
    /// brightest's), so a clean scan is left as it is. Where the "paper" is darker than half the page's usual paper (a black
    /// border, a dark photo), the pixels are kept as they are: they are not paper.
    public func evenlyLit(tile: Int) -> GrayImage? {
        let (columns, rows, levels) = paperLevels(tile: tile)
        let sorted = levels.sorted()
        let usual = sorted[sorted.count / 2], bright = sorted[sorted.count - 1]
        // Even light: the 5% darkest squares' paper within 10% of the brightest's.
        guard sorted[sorted.count / 20] < 0.9 * bright else { return nil }
        var out = self
        // Each row of squares' paper interpolated across the image between the squares' centres.
        let across = (0..<rows).map { r in
            (0..<width).map { x -> Float in
                let fx = min(max((Float(x) + 0.5) / Float(tile) - 0.5, 0), Float(columns - 1))
                let x0 = Int(fx), x1 = min(x0 + 1, columns - 1), wx = fx - Float(x0)
                return levels[r * columns + x0] * (1 - wx) + levels[r * columns + x1] * wx
            }
        }
        let half = 0.5 * usual
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            for y in 0..<height {
                // Between the rows of squares above and below.
                let fy = min(max((Float(y) + 0.5) / Float(tile) - 0.5, 0), Float(rows - 1))
                let y0 = Int(fy), y1 = min(y0 + 1, rows - 1), wy = fy - Float(y0)
                let row = pixels.baseAddress! + y * width
                across[y0].withUnsafeBufferPointer { above in
                    across[y1].withUnsafeBufferPointer { below in
                        for x in 0..<width {
                            let paper = above[x] * (1 - wy) + below[x] * wy
                            // Not paper (a border, a dark photo): kept as it is.
                            let gain: Float = paper >= half && paper > 0 ? 255 / paper : 1
                            // Rounded to the nearest level by adding 1.5 · 2^23, whose float has
                            // units in its last bits (no checked conversion: the loop vectorizes).
                            let v = min(Float(row[x]) * gain, 255) + 12_582_912
                            row[x] = UInt8(truncatingIfNeeded: v.bitPattern)
                        }
                    }
                }
            }
        }
        return out
    }
}
