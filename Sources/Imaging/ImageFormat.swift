/// The encoded formats the decoder reads, told apart by their first bytes.
public enum ImageFormat: Sendable {
    case png
    case jpeg
    case tiff
    /// Netpbm: PBM, PGM, PPM.
    case pnm

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The format of `bytes` by magic number, or the reason it is not one we read.
    static func detect<C: Collection>(_ bytes: C) -> Result<ImageFormat, ImageErrorReason> where C.Element == UInt8 {
        let head = Array(bytes.prefix(12))
        if head.isEmpty { return .failure(.emptyFile) }
        if head.starts(with: pngSignature) { return .success(.png) }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .success(.jpeg) }
        if head.starts(with: Array("II*\0".utf8)) || head.starts(with: Array("MM\0*".utf8))
            || head.starts(with: Array("II+\0".utf8)) || head.starts(with: Array("MM\0+".utf8)) {
            return .success(.tiff)
        }
        if head.count >= 3, head[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(head[1]),
           [0x20, 0x0A, 0x0D, 0x09, UInt8(ascii: "#")].contains(head[2]) {
            return .success(.pnm)
        }
        if pngSignature.starts(with: head) || [0xFF, 0xD8, 0xFF].starts(with: head) {
            return .failure(.truncated)
        }
        return .failure(.notAnImage(detected: otherFormatName(head)))
    }

    /// Names common formats we do not read, so the error can say what the file is.
    private static func otherFormatName(_ head: [UInt8]) -> String? {
        func starts(_ ascii: String) -> Bool { head.starts(with: Array(ascii.utf8)) }
        if starts("GIF8") { return "GIF" }
        if starts("BM") { return "BMP" }
        if starts("%PDF") { return "PDF" }
        if starts("RIFF") && head.count >= 12 && Array(head[8..<12]) == Array("WEBP".utf8) { return "WebP" }
        if head.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50]) { return "JPEG 2000" }
        return nil
    }
}
