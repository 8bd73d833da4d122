import Platform

/// Decodes PNG and JPEG files or bytes to 8-bit gray or RGB.
///
/// The format is found from the first bytes, never from the file name. Transparent pixels are
/// composited over white; the EXIF orientation of a JPEG is applied. Every failure is an
/// ``ImageError`` naming the file and the reason; images larger than ``maxPixels`` are refused
/// before any pixel buffer is allocated.
///
/// ```swift
/// let decoder = ImageDecoder()
/// let line = try decoder.decodeGray(contentsOf: "line.png")
/// print(line.width, line.height)
/// ```
public struct ImageDecoder: Sendable {
    /// The most pixels (width x height) an image may declare. Default 64 megapixels.
    public var maxPixels: Int
    /// Whether a JPEG's EXIF orientation tag is applied. Default true.
    public var appliesEXIFOrientation: Bool

    public static let defaultMaxPixels = 64_000_000

    public init(maxPixels: Int = ImageDecoder.defaultMaxPixels, appliesEXIFOrientation: Bool = true) {
        precondition(maxPixels > 0, "maxPixels must be positive, got \(maxPixels)")
        self.maxPixels = maxPixels
        self.appliesEXIFOrientation = appliesEXIFOrientation
    }

    /// The largest image file read: 8 bytes a pixel of the pixel limit (an uncompressed 16-bit
    /// RGBA PNG), and 1 MiB for the rest. A larger file cannot be an image within the limit.
    public var maxFileBytes: Int { maxPixels.multipliedReportingOverflow(by: 8).partialValue + (1 << 20) }

    /// The bytes of an image file, bounded by ``maxFileBytes``.
    public func readImageFile(_ path: String) throws(ImageError) -> [UInt8] {
        do {
            return try readWholeFile(path, maxBytes: maxFileBytes)
        } catch {
            let reason: ImageErrorReason = switch error {
            case .notFound: .fileNotFound
            case .isDirectory: .isDirectory
            case .notARegularFile(let kind): .notARegularFile(kind)
            case .empty: .emptyFile
            case let .tooLarge(bytes, limit): .fileTooLarge(bytes: bytes, limit: limit)
            case .unreadable(let why), .writeFailed(let why): .unreadable(why)
            }
            throw ImageError(file: path, reason: reason)
        }
    }

    /// Decodes the file at `path` to gray.
    public func decodeGray(contentsOf path: String) throws(ImageError) -> GrayImage {
        try decodeGray(readImageFile(path), name: path)
    }

    /// Decodes encoded bytes to gray; `name` labels errors (nil: "<memory>").
    public func decodeGray(_ bytes: [UInt8], name: String? = nil) throws(ImageError) -> GrayImage {
        let raster = try decode(bytes, name: name, rgb: false)
        return GrayImage(width: raster.width, height: raster.height, pixels: raster.pixels)
    }

    /// Decodes the file at `path` to RGB.
    public func decodeRGB(contentsOf path: String) throws(ImageError) -> RGBImage {
        try decodeRGB(readImageFile(path), name: path)
    }

    /// Decodes encoded bytes to RGB; `name` labels errors (nil: "<memory>").
    public func decodeRGB(_ bytes: [UInt8], name: String? = nil) throws(ImageError) -> RGBImage {
        let raster = try decode(bytes, name: name, rgb: true)
        return RGBImage(width: raster.width, height: raster.height, pixels: raster.pixels)
    }

    private func decode(_ bytes: [UInt8], name: String?, rgb: Bool) throws(ImageError) -> Raster {
        do throws(ImageErrorReason) {
            switch ImageFormat.detect(bytes) {
            case .failure(let reason):
                throw reason
            case .success(.png):
                return try PNGDecoder.decode(bytes, maxPixels: maxPixels, rgb: rgb)
            case .success(.jpeg):
                let raster = try JPEGDecoder.decode(bytes, maxPixels: maxPixels, rgb: rgb)
                guard appliesEXIFOrientation, let orientation = EXIFOrientation(jpeg: bytes) else { return raster }
                return raster.oriented(orientation)
            }
        } catch {
            throw ImageError(file: name, reason: error)
        }
    }
}

extension ImageErrorReason: Error {}

/// Decoded pixels with 1 (gray) or 3 (RGB) interleaved channels.
struct Raster {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]
}
