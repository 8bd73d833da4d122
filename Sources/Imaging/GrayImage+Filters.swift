import Foundation

/// Neighbourhood filters and measures of gray images.
extension GrayImage {
    /// Each pixel replaced by `pick` of itself and its left and upper neighbours (`min`
    /// thickens dark strokes by a pixel, `max` thins them).
    public func neighbourhoodFiltered(pick: (UInt8, UInt8) -> UInt8) -> GrayImage {
        var out = self
        for y in 0..<height {
            for x in 0..<width {
                var v = self[x, y]
                if x > 0 { v = pick(v, self[x - 1, y]) }
                if y > 0 { v = pick(v, self[x, y - 1]) }
                out[x, y] = v
            }
        }
        return out
    }

    /// A 3x3 box blur (the mean of each pixel's neighbourhood inside the image).
    public func boxBlurred() -> GrayImage {
        var out = self
        for y in 0..<height {
            for x in 0..<width {
                var sum = 0, count = 0
                for dy in -1...1 { for dx in -1...1 {
                    let xx = x + dx, yy = y + dy
                    if xx >= 0 && xx < width && yy >= 0 && yy < height { sum += Int(self[xx, yy]); count += 1 }
                } }
                out[x, y] = UInt8(sum / count)
            }
        }
        return out
    }

    /// Scaled down to `factor` of its size and back up: the softness of a low-resolution scan.
    public func lowResolution(factor: Float) -> GrayImage {
        let w = max(1, Int((Float(width) * factor).rounded())), h = max(1, Int((Float(height) * factor).rounded()))
        return resized(width: w, height: h).resized(width: width, height: height)
    }

    /// The rows holding any pixel darker than mid-gray, or nil for a blank image.
    public func inkRows() -> Range<Int>? {
        var first = -1, last = -1
        for y in 0..<height {
            for x in 0..<width where self[x, y] < 128 {
                if first < 0 { first = y }
                last = y
                break
            }
        }
        return first < 0 ? nil : first..<(last + 1)
    }
}
