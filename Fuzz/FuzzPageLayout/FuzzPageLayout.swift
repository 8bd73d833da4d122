import Foundation
import FuzzSupport
import Imaging
import OCR

/// libFuzzer entry: arbitrary pixels as a page for the layout analysis. The first two bytes give
/// the width (1-1024); the rest are the pixels, the last row padded with paper. Every block,
/// line and photo must lie inside the page, a line's narrowed columns must map into its box in
/// order, and nothing may crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPageLayout(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 2 else { return 0 }
    let width = (Int(data[0]) << 8 | Int(data[1])) % 1024 + 1
    let count = size - 2
    let height = (count + width - 1) / width
    var pixels = [UInt8](repeating: 255, count: width * height)
    for i in 0..<count { pixels[i] = data[2 + i] }
    let page = GrayImage(width: width, height: height, pixels: pixels)
    let layout = PageLayout().layout(of: page)
    for box in layout.blocks.flatMap({ [$0.box] + $0.lines.map(\.box) }) + layout.photos {
        precondition(box.x >= 0 && box.y >= 0 && box.width >= 0 && box.height >= 0
                     && box.x + box.width <= width && box.y + box.height <= height, "box \(box) outside \(width)x\(height)")
    }
    for line in layout.blocks.flatMap(\.lines) {
        if let map = line.columnMap {
            precondition(map.count == line.image.width && zip(map, map.dropFirst()).allSatisfy { $0 < $1 }
                         && (map.last ?? 0) < line.box.width, "column map of \(line.box)")
        } else {
            precondition(line.image.width == line.box.width || line.joinsNext, "line \(line.box) is \(line.image.width) wide")
        }
    }
    return 0
}

@_cdecl("FuzzPageLayout_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzPageLayout(data!, size) }
}
