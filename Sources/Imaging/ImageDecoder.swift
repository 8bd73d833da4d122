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
        try decodePage(bytes, page: 1, name: name, rgb: rgb).raster
    }

    /// The number of pages of an image file's bytes: a TIFF's pages (at most 10,000), 1 for
    /// the other formats.
    public func pageCount(_ bytes: [UInt8], name: String? = nil) throws(ImageError) -> Int {
        do throws(ImageErrorReason) {
            switch ImageFormat.detect(bytes) {
            case .failure(let reason): throw reason
            case .success(.tiff):
                return try bytes.withUnsafeBufferPointer { buffer throws(ImageErrorReason) in
                    try TIFFDecoder.File(buffer, maxPixels: maxPixels).pageCount
                }
            case .success: return 1
            }
        } catch {
            throw ImageError(file: name, reason: error)
        }
    }

    /// Page `page` (from 1) of a TIFF as its CCITT Group 4 data is stored, with its size, for
    /// passing it on without decoding; nil when the page is not a single strip of Group 4 (or the
    /// bytes are not a TIFF).
    public func group4Page(_ bytes: [UInt8], page: Int) -> (data: [UInt8], width: Int, height: Int, blackIs1: Bool)? {
        guard case .success(.tiff) = ImageFormat.detect(bytes) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> (data: [UInt8], width: Int, height: Int, blackIs1: Bool)? in
            guard let file = try? TIFFDecoder.File(buffer, maxPixels: maxPixels), page >= 1, page <= file.pageCount,
                  let size = try? file.size(page - 1), size.width * size.height <= maxPixels,
                  let g4 = file.group4(page - 1) else { return nil }
            return (g4.data, size.width, size.height, g4.blackIs1)
        }
    }

    /// Page `page` (from 1) of an image file's bytes, in gray, with its resolution in pixels
    /// per inch when the file gives it (TIFF's resolution tags, PNG's pHYs, JPEG's JFIF density).
    public func decodeGrayPage(_ bytes: [UInt8], page: Int, name: String? = nil) throws(ImageError)
        -> (image: GrayImage, resolution: (x: Double, y: Double)?) {
        let (raster, resolution) = try decodePage(bytes, page: page, name: name, rgb: false)
        return (GrayImage(width: raster.width, height: raster.height, pixels: raster.pixels), resolution)
    }

    /// ``decodeGrayPage(_:page:name:)`` in colour.
    public func decodeRGBPage(_ bytes: [UInt8], page: Int, name: String? = nil) throws(ImageError)
        -> (image: RGBImage, resolution: (x: Double, y: Double)?) {
        let (raster, resolution) = try decodePage(bytes, page: page, name: name, rgb: true)
        return (RGBImage(width: raster.width, height: raster.height, pixels: raster.pixels), resolution)
    }

    private func decodePage(_ bytes: [UInt8], page: Int, name: String?, rgb: Bool) throws(ImageError)
        -> (raster: Raster, resolution: (x: Double, y: Double)?) {
        do throws(ImageErrorReason) {
            let format: ImageFormat
            switch ImageFormat.detect(bytes) {
            case .failure(let reason): throw reason
            case .success(let detected): format = detected
            }
            // Every format but TIFF holds one page.
            if format != .tiff, page != 1 { throw .noSuchPage(page, pages: 1) }
            switch format {
            case .tiff:
                return try bytes.withUnsafeBufferPointer { buffer throws(ImageErrorReason) in
                    let file = try TIFFDecoder.File(buffer, maxPixels: maxPixels)
                    let pages = file.pageCount
                    guard page >= 1, page <= pages else { throw .noSuchPage(page, pages: pages) }
                    return try file.page(page - 1, maxPixels: maxPixels, rgb: rgb)
                }
            case .png:
                return (try PNGDecoder.decode(bytes, maxPixels: maxPixels, rgb: rgb), ImageResolution.png(bytes))
            case .jpeg:
                let raster = try JPEGDecoder.decode(bytes, maxPixels: maxPixels, rgb: rgb)
                let resolution = ImageResolution.jpeg(bytes)
                guard appliesEXIFOrientation, let orientation = EXIFOrientation(jpeg: bytes) else { return (raster, resolution) }
                // Turned a quarter, the image's across is the file's down.
                let turned = [.transposed, .rotatedClockwise, .transverse, .rotatedCounterClockwise].contains(orientation)
                return (raster.oriented(orientation), turned ? resolution.map { ($0.y, $0.x) } : resolution)
            case .pnm:
                return (try PNMDecoder.decode(bytes, maxPixels: maxPixels, rgb: rgb), nil)
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
