import CImageCodecs
import Platform

/// TIFF decoding through libtiff (its C calls in `TIFFDecode.c`): every page of a file, each as
/// 8-bit gray or RGB whatever it holds (1-bit G3/G4/PackBits/LZW/Deflate in either photometric
/// convention, 8- and 16-bit gray, RGB, palette), with its resolution.
enum TIFFDecoder {
    /// A C message buffer's text.
    static func text(_ message: [CChar]) -> String {
        String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// At most this many pages of a file are counted and read.
    static let pageLimit = 10_000

    /// An open TIFF (the bytes must outlive it).
    final class File {
        let handle: OpaquePointer

        init(_ bytes: UnsafeBufferPointer<UInt8>, maxPixels: Int) throws(ImageErrorReason) {
            var message = [CChar](repeating: 0, count: 200)
            // No single allocation of libtiff's (a strip, a tile) larger than the page we would allow.
            let most = UInt64(max(maxPixels, 1)) * 8 + (1 << 20)
            guard let handle = ocr_tiff_open(bytes.baseAddress, bytes.count, most, &message) else {
                throw .corrupt(TIFFDecoder.text(message))
            }
            self.handle = handle
        }

        deinit { ocr_tiff_close(handle) }

        /// Page `index`'s Group 4 data as stored (see `ocr_tiff_group4`), or nil.
        func group4(_ index: Int) -> (data: [UInt8], blackIs1: Bool)? {
            var size = 0, black: Int32 = 0
            guard let data = ocr_tiff_group4(handle, Int32(index), &size, &black) else { return nil }
            defer { free(data) }
            return (Array(UnsafeBufferPointer(start: data, count: size)), black != 0)
        }

        var pageCount: Int { Int(ocr_tiff_page_count(handle, Int32(TIFFDecoder.pageLimit))) }

        /// Page `index`'s size.
        func size(_ index: Int) throws(ImageErrorReason) -> (width: Int, height: Int) {
            var message = [CChar](repeating: 0, count: 200)
            var info = ocr_tiff_page()
            guard ocr_tiff_page_info(handle, Int32(index), &info, &message) == 0 else { throw .corrupt(TIFFDecoder.text(message)) }
            return (Int(info.width), Int(info.height))
        }

        /// Page `index` (from 0) with its resolution (pixels per inch, when the file gives it).
        func page(_ index: Int, maxPixels: Int, rgb: Bool) throws(ImageErrorReason) -> (Raster, resolution: (x: Double, y: Double)?) {
            var message = [CChar](repeating: 0, count: 200)
            var info = ocr_tiff_page()
            guard ocr_tiff_page_info(handle, Int32(index), &info, &message) == 0 else { throw .corrupt(TIFFDecoder.text(message)) }
            let width = Int(info.width), height = Int(info.height)
            guard width > 0, height > 0 else { throw .zeroDimensions }
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            guard !overflow, pixels <= maxPixels else { throw .tooLarge(width: width, height: height, limit: maxPixels) }
            var rgba = [UInt32](repeating: 0, count: pixels)
            guard ocr_tiff_read_page(handle, Int32(index), &rgba, &message) == 0 else { throw .corrupt(TIFFDecoder.text(message)) }
            let channels = rgb ? 3 : 1
            var out = [UInt8](repeating: 0, count: pixels * channels)
            for i in 0..<pixels {
                let p = rgba[i]
                // Over white where there is alpha (a = 255: opaque).
                let a = Int(p >> 24), over = { (c: UInt32) in (Int(c & 0xFF) * a + 255 * (255 - a) + 127) / 255 }
                let r = over(p), g = over(p >> 8), b = over(p >> 16)
                if rgb {
                    out[3 * i] = UInt8(r); out[3 * i + 1] = UInt8(g); out[3 * i + 2] = UInt8(b)
                } else {
                    out[i] = r == g && g == b ? UInt8(r) : UInt8((77 * r + 150 * g + 29 * b + 128) >> 8)
                }
            }
            let resolution = info.x_resolution > 0 ? (info.x_resolution, info.y_resolution > 0 ? info.y_resolution : info.x_resolution) : nil
            return (Raster(width: width, height: height, channels: channels, pixels: out), resolution)
        }
    }
}
