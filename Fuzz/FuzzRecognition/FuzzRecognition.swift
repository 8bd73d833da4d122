import Foundation
import FuzzSupport
import Imaging
import OCR

/// libFuzzer entry: arbitrary bytes through the whole recognizer as `ocr recognize` runs it
/// (decode within a pixel budget, split into lines, recognize with the shipped model and its
/// spelling model, map characters back): a result or a named error, never a crash, a hang or an
/// unbounded allocation.
let recognizer: Recognizer = {
    do { return try Recognizer() } catch { fatalError("FuzzRecognition needs the shipped model: \(error)") }
}()

/// The test body (also exported as libFuzzer's usual `LLVMFuzzerTestOneInput`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecognition(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let image = try? ImageDecoder(maxPixels: 1 << 20).decodeGray(bytes) else { return 0 }
    _ = try? recognizer.recognize(image)
    return 0
}

@_cdecl("FuzzRecognition_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzRecognition(data!, size) }
}
