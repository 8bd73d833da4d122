import FuzzSupport
import Imaging

/// libFuzzer entry: any bytes given to the TIFF decoder (every page of them) must give pages or
/// an ImageError, never a crash, a hang or a leak. A small pixel limit keeps a declared-huge page
/// from being a (correctly refused) out-of-memory report.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTIFFDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let decoder = ImageDecoder(maxPixels: 4_000_000)
    guard let pages = try? decoder.pageCount(bytes) else { return 0 }
    precondition(pages >= 1)
    for page in 1...min(pages, 8) {
        if let (image, resolution) = try? decoder.decodeGrayPage(bytes, page: page) {
            precondition(image.pixels.count == image.width * image.height && image.width * image.height <= 4_000_000)
            if let resolution { precondition(resolution.x > 0 && resolution.y > 0) }
        }
        if let (image, _) = try? decoder.decodeRGBPage(bytes, page: page) {
            precondition(image.pixels.count == image.width * image.height * 3)
        }
        if let g4 = decoder.group4Page(bytes, page: page) { precondition(!g4.data.isEmpty && g4.width * g4.height <= 4_000_000) }
    }
    return 0
}

@_cdecl("FuzzTIFFDecoding_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzTIFFDecoding(data!, size) }
}
