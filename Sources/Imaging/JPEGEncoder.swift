import CImageCodecs
import Platform

/// JPEG encoding of gray images through libjpeg: for test fixtures and for simulating the
/// compression artifacts of scanned and photographed pages in synthetic training lines.
public enum JPEGEncoder {
    /// The baseline JPEG bytes of a gray image at `quality` (1-100, clamped).
    public static func encode(_ image: GrayImage, quality: Int) throws(ImageError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw ImageError(file: nil, reason: .zeroDimensions) }
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            message.withUnsafeMutableBufferPointer {
                ocr_jpeg_encode_gray(pixels.baseAddress, UInt32(image.width), UInt32(image.height), Int32(quality),
                                     &data, &size, $0.baseAddress)
            }
        }
        defer { free(data) }
        guard status == OCR_JPEG_OK, let data else {
            let text = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ImageError(file: nil, reason: .writeFailed(text))
        }
        return [UInt8](UnsafeBufferPointer(start: data, count: size))
    }
}
