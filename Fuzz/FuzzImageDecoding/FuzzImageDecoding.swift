import FuzzSupport
import Imaging

/// libFuzzer entry: any bytes given to the PNG/JPEG decoder must give an image or an ImageError,
/// never a crash, a hang or a leak. A small pixel limit keeps a declared-huge image from being
/// a (correctly refused) out-of-memory report.
/// The test body (also exported as libFuzzer's usual `LLVMFuzzerTestOneInput`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    let decoder = ImageDecoder(maxPixels: 4_000_000)
    if let image = try? decoder.decodeGray(bytes) {
        precondition(image.pixels.count == image.width * image.height)
    }
    if let image = try? decoder.decodeRGB(bytes) {
        precondition(image.pixels.count == image.width * image.height * 3)
    }
    return 0
}

@_cdecl("FuzzImageDecoding_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzImageDecoding(data!, size) }
}
