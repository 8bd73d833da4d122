import Foundation
import FuzzSupport
import Imaging
import OCR

/// libFuzzer entry: arbitrary pixels as a page for the layout analysis. The first two bytes give
/// the width (1-1024); the rest are the pixels, the last row padded with paper. Every block and
/// line must lie inside the page, every line's picture must be its box's size, and nothing may
/// crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPageLayout(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 2 else { return 0 }
    let width = (Int(data[0]) << 8 | Int(data[1])) % 1024 + 1
    let count = size - 2
    let height = (count + width - 1) / width
    var pixels = [UInt8](repeating: 255, count: width * height)
    for i in 0..<count { pixels[i] = data[2 + i] }
    let page = GrayImage(width: width, height: height, pixels: pixels)
    for block in PageLayout().blocks(in: page) {
        for box in [block.box] + block.lines.map(\.box) {
            precondition(box.x >= 0 && box.y >= 0 && box.width >= 0 && box.height >= 0
                         && box.x + box.width <= width && box.y + box.height <= height, "box \(box) outside \(width)x\(height)")
        }
    }
    return 0
}

@_cdecl("FuzzPageLayout_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzPageLayout(data!, size) }
}
