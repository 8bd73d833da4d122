import Foundation
import FuzzSupport
import OCR
import OCRTraining
import Platform

/// libFuzzer entry: any bytes read as a model file (or a checkpoint) must load or give a
/// FileError, never a crash or an allocation the file does not justify.
/// The test body (also exported as libFuzzer's usual `LLVMFuzzerTestOneInput`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelLoading(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = NSTemporaryDirectory() + "fuzz-model-\(getpid()).safetensors"
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try? OCRModel.load(contentsOf: path)
    _ = try? TrainingCheckpoint(contentsOf: path)
    return 0
}

@_cdecl("FuzzModelLoading_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzModelLoading(data!, size) }
}
