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
}
