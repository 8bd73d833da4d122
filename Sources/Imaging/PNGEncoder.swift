import CPNG

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        try writeFileAtomically(encode(image), to: path)
    }

    /// Writes an RGB image as PNG; the file appears whole or not at all.
    public static func write(_ image: RGBImage, to path: String) throws(ImageError) {
        try writeFileAtomically(encode(image), to: path)
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

/// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it into place, so
/// a reader never sees a partial file.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws(ImageError) {
    func fail() -> ImageError {
        ImageError(file: path, reason: .writeFailed(String(cString: strerror(errno))))
    }
    let temporary = "\(path).tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { throw fail() }
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            let error = fail()
            close(fd)
            unlink(temporary)
            throw error
        }
        written += n
    }
    let synced = fsync(fd) == 0
    let syncError = synced ? nil : fail()
    let closed = close(fd) == 0
    if let error = syncError ?? (closed ? nil : fail()) {
        unlink(temporary)
        throw error
    }
    if rename(temporary, path) != 0 {
        let error = fail()
        unlink(temporary)
        throw error
    }
}
