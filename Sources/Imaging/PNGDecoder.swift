import CPNG

/// PNG decoding through libpng's simplified API, which keeps its `setjmp` inside libpng.
enum PNGDecoder {
    /// The longest side libpng reads.
    static let maxSide = 1_000_000

    static func decode(_ bytes: [UInt8], maxPixels: Int, rgb: Bool) throws(ImageErrorReason) -> Raster {
        // Check the structure before libpng sees it: this tells truncation apart from corruption
        // and refuses an oversized image before anything is allocated.
        let (width, height) = try checkChunks(bytes)
        if width == 0 || height == 0 { throw .zeroDimensions }
        // The PNG specification caps each side at 2^31 - 1; larger values are damage. (Found by
        // Fuzz/FuzzImageDecoding: 0xFFFFFFFF x 0xFFFFFF01 overflowed the product below.)
        let limit = Int(Int32.max)
        if width > limit || height > limit { throw .corrupt("IHDR declares \(width)x\(height), over the PNG limit of \(limit) per side") }
        if width > maxPixels / height { throw .tooLarge(width: width, height: height, limit: maxPixels) }
        // libpng's own default limit (PNG_USER_WIDTH_MAX / PNG_USER_HEIGHT_MAX), which the
        // simplified API cannot raise; libpng itself would only say "Invalid IHDR data".
        if width > maxSide || height > maxSide { throw .sideTooLong(width: width, height: height, limit: maxSide) }

        // begin_read keeps a pointer to the bytes, so both calls happen inside one closure.
        var isColor = false
        var decoded = [UInt8]()
        let failure: String? = bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            if png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) == 0 {
                return message(of: &image)
            }
            // 16-bit files without gAMA/sRGB are sRGB-encoded in practice (libpng would assume linear).
            image.flags |= UInt32(PNG_IMAGE_FLAG_16BIT_sRGB)
            isColor = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
            image.format = isColor ? UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA) : UInt32(PNG_FORMAT_FLAG_ALPHA)
            let stride = width * (isColor ? 4 : 2)
            decoded = [UInt8](repeating: 0, count: stride * height)
            let finished = decoded.withUnsafeMutableBytes {
                png_image_finish_read(&image, nil, $0.baseAddress, Int32(stride), nil)
            }
            return finished == 0 ? message(of: &image) : nil
        }
        if let failure { throw .corrupt(failure) }
        let inChannels = isColor ? 4 : 2

        let outChannels = rgb ? 3 : 1
        var pixels = [UInt8](repeating: 0, count: width * height * outChannels)
        decoded.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(width * height) {
                    let s = i &* inChannels
                    let alpha = src[s &+ inChannels &- 1]
                    if isColor {
                        let r = overWhite(src[s], alpha), g = overWhite(src[s &+ 1], alpha)
                        let b = overWhite(src[s &+ 2], alpha)
                        if rgb {
                            dst[3 &* i] = r; dst[3 &* i &+ 1] = g; dst[3 &* i &+ 2] = b
                        } else {
                            dst[i] = luma(r, g, b)
                        }
                    } else {
                        let v = overWhite(src[s], alpha)
                        if rgb {
                            dst[3 &* i] = v; dst[3 &* i &+ 1] = v; dst[3 &* i &+ 2] = v
                        } else {
                            dst[i] = v
                        }
                    }
                }
            }
        }
        return Raster(width: width, height: height, channels: outChannels, pixels: pixels)
    }

    /// Walks the chunk list: returns IHDR's width and height, or throws `.truncated` if the data
    /// ends before IEND.
    static func checkChunks(_ bytes: [UInt8]) throws(ImageErrorReason) -> (Int, Int) {
        func be32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        var offset = 8
        guard bytes.count >= offset + 8 + 13 else { throw .truncated }
        guard bytes[12..<16].elementsEqual("IHDR".utf8), be32(8) == 13 else {
            throw .corrupt("the first chunk is not a 13-byte IHDR")
        }
        let width = be32(16), height = be32(20)
        while true {
            guard offset + 8 <= bytes.count else { throw .truncated }
            let length = be32(offset)
            guard length <= Int(Int32.max) else { throw .corrupt("chunk length \(length) is too large") }
            let isEnd = bytes[(offset + 4)..<(offset + 8)].elementsEqual("IEND".utf8)
            offset += 12 + length
            guard offset <= bytes.count else { throw .truncated }
            if isEnd { return (width, height) }
        }
    }

    private static func message(of image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        png_image_free(&image)
        return text.isEmpty ? "libpng error" : text
    }
}

/// `value` with coverage `alpha` composited over white.
@inline(__always)
func overWhite(_ value: UInt8, _ alpha: UInt8) -> UInt8 {
    let a = UInt32(alpha)
    return UInt8((UInt32(value) &* a &+ 255 &* (255 &- a) &+ 127) / 255)
}
