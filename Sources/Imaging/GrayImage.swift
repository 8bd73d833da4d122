/// An 8-bit grayscale image, rows top to bottom, 0 = black, 255 = white.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height` bytes, row-major.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        precondition(pixels.count == width * height,
                     "\(pixels.count) pixels do not fill a \(width)x\(height) image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one value.
    public init(width: Int, height: Int, value: UInt8) {
        self.init(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
    }

    @inlinable
    public subscript(x: Int, y: Int) -> UInt8 {
        get { pixels[y * width + x] }
        set { pixels[y * width + x] = newValue }
    }
}

/// An 8-bit RGB image, rows top to bottom, channels interleaved.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes: R, G, B per pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "negative image size \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "\(pixels.count) bytes do not fill a \(width)x\(height) RGB image")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The gray image by Rec. 601 luma (the weights JPEG uses).
    public var gray: GrayImage {
        var out = [UInt8](repeating: 0, count: width * height)
        pixels.withUnsafeBufferPointer { rgb in
            for i in 0..<out.count {
                out[i] = luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2])
            }
        }
        return GrayImage(width: width, height: height, pixels: out)
    }
}

/// Rec. 601 luma in 8-bit fixed point: 0.299 R + 0.587 G + 0.114 B.
@inlinable @inline(__always)
func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
    UInt8((77 &* UInt32(r) &+ 150 &* UInt32(g) &+ 29 &* UInt32(b) &+ 128) >> 8)
}
