import Foundation
import FuzzSupport
import OCR

/// libFuzzer entry: a spelling table (`X.words.table`, see `SpellingTable`) made of arbitrary
/// bytes must be refused or read without a crash, a hang or a read out of bounds, and scores must
/// come out either way. The bytes are tried twice: as the whole file, and as the body of a table
/// whose header is right for the word list beside it (sizes taken from the first bytes), so that
/// the lookups meet arbitrary context slots, rows and probabilities.
/// The test body (also exported as libFuzzer's usual `LLVMFuzzerTestOneInput`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpellingTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let dir = NSTemporaryDirectory() + "fuzz-spelling-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let list = Array("the\nof\noffer\nlittle\n".utf8)
    FileManager.default.createFile(atPath: dir + "/w.words.txt", contents: Data(list))
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    for table in [input, headed(input, list: list)] {
        FileManager.default.createFile(atPath: dir + "/w.words.table", contents: Data(table))
        if let model = try? SpellingModel(contentsOf: dir + "/w.words.txt") {
            for text in ["the offer", "littel ofthe", "x9 zz-q"] { _ = model.score(text) }
        }
    }
    return 0
}

let tableHeaderBytes = 16 + 7 * 8

/// A table file for `list` whose sizes come from the first three bytes of `input` and whose body
/// is `input` over and over.
func headed(_ input: [UInt8], list: [UInt8]) -> [UInt8] {
    guard input.count >= 4 else { return input }
    let slots = 1 << (1 + Int(input[0]) % 12), rows = Int(input[1]) % (slots / 2 + 1), words = Int(input[2]) % 64
    var fingerprint: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in list { fingerprint = (fingerprint ^ UInt64(b)) &* 0x100_0000_01B3 }
    var out = Array("ocr-spelling-1\n\0".utf8)
    for v in [UInt64(list.count), fingerprint, UInt64(27 * 27 * 27 * 27), UInt64(slots), UInt64(rows * 27), 27, UInt64(words)] {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }
    let body = 4 * 27 * 27 * 27 * 27 + 8 * slots + 4 * 27 * rows + 4 * 27 + 8 * words
    var chunk = Array(input[3...])
    while chunk.count < 4096 { chunk += chunk }
    out.reserveCapacity(out.count + body)
    while out.count < tableHeaderBytes + body { out += chunk.prefix(tableHeaderBytes + body - out.count) }
    return out
}

@_cdecl("FuzzSpellingTable_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzSpellingTable(data!, size) }
}
