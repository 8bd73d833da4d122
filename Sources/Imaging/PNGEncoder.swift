import CPNG
import Platform

/// PNG encoding of gray and RGB images, for synthetic data, charts and overlays.
public enum PNGEncoder {
    /// The PNG bytes of a gray image.
    public static func encode(_ image: GrayImage) throws(ImageError) -> [UInt8] {
        try encode(pixels: image.pixels, width: image.width, height: image.height, format: UInt32(PNG_FORMAT_GRAY))
    }

    /// The PNG bytes of an RGB image.
    public static func encode(_ image: RGBImage) throws(ImageError) -> [UInt8] {
        try encode(pixels: image.pixels, width: image.width, height: image.height, format: UInt32(PNG_FORMAT_RGB))
    }

    /// Writes a gray image as PNG; the file appears whole or not at all.
    public static func write(_ image: GrayImage, to path: String) throws(ImageError) {
        try write(encode(image), to: path)
    }

    /// Writes an RGB image as PNG; the file appears whole or not at all.
    public static func write(_ image: RGBImage, to path: String) throws(ImageError) {
        try write(encode(image), to: path)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws(ImageError) {
        do {
            try writeFileAtomically(bytes, to: path)
        } catch .writeFailed(let why) {
            throw ImageError(file: path, reason: .writeFailed(why))
        } catch {
            throw ImageError(file: path, reason: .writeFailed(error.message))
        }
    }

    private static func encode(pixels: [UInt8], width: Int, height: Int, format: UInt32) throws(ImageError) -> [UInt8] {
        guard width > 0, height > 0 else { throw ImageError(file: nil, reason: .zeroDimensions) }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = format
        var size = 0
        var output = [UInt8]()
        let ok: Bool = pixels.withUnsafeBytes { src in
            // First call sizes the output, second fills it.
            guard png_image_write_to_memory(&image, nil, &size, 0, src.baseAddress, 0, nil) != 0 else { return false }
            output = [UInt8](repeating: 0, count: size)
            return output.withUnsafeMutableBytes {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, src.baseAddress, 0, nil) != 0
            }
        }
        guard ok else {
            let message = withUnsafeBytes(of: &image.message) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            png_image_free(&image)
            throw ImageError(file: nil, reason: .writeFailed(message))
        }
        return Array(output.prefix(size))
    }
}
