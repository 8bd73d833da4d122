import CImageCodecs
import Platform

/// JPEG decoding through libjpeg, whose `setjmp` lives in the C function `ocr_jpeg_decode`.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int, rgb: Bool) throws(ImageErrorReason) -> Raster {
        var result = ocr_jpeg_image()
        let status = bytes.withUnsafeBufferPointer {
            ocr_jpeg_decode($0.baseAddress, $0.count, UInt64(maxPixels), rgb ? 1 : 0, &result)
        }
        let message = withUnsafeBytes(of: &result.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch status {
        case OCR_JPEG_OK:
            break
        case OCR_JPEG_TRUNCATED:
            throw .truncated
        case OCR_JPEG_ZERO_SIZE:
            throw .zeroDimensions
        case OCR_JPEG_TOO_LARGE:
            throw .tooLarge(width: Int(result.width), height: Int(result.height), limit: maxPixels)
        default:
            throw .corrupt(message)
        }
        defer { free(result.pixels) }
        let count = Int(result.width) * Int(result.height) * Int(result.channels)
        let pixels = [UInt8](UnsafeBufferPointer(start: result.pixels, count: count))
        return Raster(width: Int(result.width), height: Int(result.height), channels: Int(result.channels),
                      pixels: pixels)
    }
}
