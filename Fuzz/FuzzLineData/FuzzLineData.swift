import Foundation
import FuzzSupport
import OCR
import OCRTraining

/// libFuzzer entry: any bytes as a ground-truth file, a TSV manifest and a font list must parse
/// or give a clear error, never a crash.
/// The test body (also exported as libFuzzer's usual `LLVMFuzzerTestOneInput`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let dir = NSTemporaryDirectory() + "fuzz-data-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bytes = Data(bytes: data, count: size)
    FileManager.default.createFile(atPath: dir + "/line.png", contents: Data([0x89, 0x50, 0x4E, 0x47]))
    FileManager.default.createFile(atPath: dir + "/line.gt.txt", contents: bytes)
    FileManager.default.createFile(atPath: dir + "/list.tsv", contents: bytes)
    FileManager.default.createFile(atPath: dir + "/fonts.txt", contents: bytes)
    _ = try? LineDataset.load([dir + "/line.gt.txt", dir + "/list.tsv"])
    _ = try? LineDataset.load([dir])
    _ = try? SyntheticLines.fonts(in: [dir + "/fonts.txt"])
    _ = try? SyntheticText(corpusFile: dir + "/list.tsv")
    return 0
}

@_cdecl("FuzzLineData_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzLineData(data!, size) }
}
