import Foundation

extension GrayImage {
    /// The part of the image inside the rectangle, clipped to the image.
    public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int) -> GrayImage {
        let x0 = min(max(x, 0), width), y0 = min(max(y, 0), height)
        let x1 = min(max(x + cropWidth, x0), width), y1 = min(max(y + cropHeight, y0), height)
        var out = [UInt8]()
        out.reserveCapacity((x1 - x0) * (y1 - y0))
        for row in y0..<y1 {
            out.append(contentsOf: pixels[(row * width + x0)..<(row * width + x1)])
        }
        return GrayImage(width: x1 - x0, height: y1 - y0, pixels: out)
    }

    /// The image with borders of `value` added on each side.
    public func padded(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0, value: UInt8 = 255) -> GrayImage {
        precondition(top >= 0 && left >= 0 && bottom >= 0 && right >= 0, "padding must not be negative")
        let outWidth = width + left + right, outHeight = height + top + bottom
        var out = [UInt8](repeating: value, count: outWidth * outHeight)
        for row in 0..<height {
            let dst = (row + top) * outWidth + left
            out.replaceSubrange(dst..<(dst + width), with: pixels[(row * width)..<(row * width + width)])
        }
        return GrayImage(width: outWidth, height: outHeight, pixels: out)
    }

    /// Images of one width, the first on top.
    ///
    /// Shapes: [w x h_i] -> w x sum(h_i).
    public static func stacked(_ images: [GrayImage]) -> GrayImage {
        let width = images.first?.width ?? 0
        precondition(images.allSatisfy { $0.width == width }, "stacked images must have one width")
        return GrayImage(width: width, height: images.reduce(0) { $0 + $1.height }, pixels: images.flatMap(\.pixels))
    }

    /// Every pixel v replaced by 255 - v.
    public func inverted() -> GrayImage {
        GrayImage(width: width, height: height, pixels: pixels.map { 255 - $0 })
    }

    /// Each row moved right by (distance from the bottom) x slope, rounded to whole pixels.
    public func sheared(slope: Float) -> GrayImage {
        let extra = Int((abs(slope) * Float(height)).rounded(.up))
        var out = GrayImage(width: width + extra, height: height, value: 255)
        for y in 0..<height {
            let shift = Float(height - 1 - y) * slope + (slope < 0 ? Float(extra) : 0)
            let offset = Int(shift.rounded())
            for x in 0..<width where x + offset >= 0 && x + offset < out.width {
                out[x + offset, y] = self[x, y]
            }
        }
        return out
    }

    /// Rotated about its centre by `degrees` (counter-clockwise), bilinear, on a canvas tall
    /// enough to hold the turned line; uncovered corners are paper (255).
    ///
    /// Shapes: w x h -> w x (h + ceil(w · |sin θ|)).
    public func rotated(degrees: Float) -> GrayImage {
        let theta = degrees * .pi / 180, c = cos(theta), s = sin(theta)
        let extra = Int((Float(width) * abs(s)).rounded(.up))
        let outWidth = width, outHeight = height + extra
        var out = GrayImage(width: outWidth, height: outHeight, value: 255)
        let cx = Float(width - 1) / 2, cy = Float(height - 1) / 2
        let ox = Float(outWidth - 1) / 2, oy = Float(outHeight - 1) / 2
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                // Inverse map: the source point that lands on (x, y).
                let dx = Float(x) - ox, dy = Float(y) - oy
                let sx = c * dx - s * dy + cx, sy = s * dx + c * dy + cy
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                func at(_ xx: Int, _ yy: Int) -> Float {
                    xx >= 0 && xx < width && yy >= 0 && yy < height ? Float(self[xx, yy]) : 255
                }
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                out[x, y] = UInt8(max(0, min(255, (top * (1 - fy) + bottom * fy).rounded())))
            }
        }
        return out
    }
}
