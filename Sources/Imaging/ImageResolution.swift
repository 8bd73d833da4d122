/// The resolution a PNG (its pHYs chunk) or a JPEG (its JFIF density) says it was scanned at,
/// in pixels per inch across and down; nil when it does not say (or gives only an aspect ratio).
enum ImageResolution {
    static func png(_ bytes: [UInt8]) -> (x: Double, y: Double)? {
        var at = 8  // after the signature
        while at + 12 <= bytes.count {
            let length = Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            let type = String(decoding: bytes[(at + 4)..<(at + 8)], as: UTF8.self)
            guard length >= 0, length <= bytes.count - at - 12 else { return nil }
            if type == "IDAT" || type == "IEND" { return nil }
            if type == "pHYs", length == 9 {
                let d = at + 8
                func be32(_ i: Int) -> Double { Double(Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])) }
                // Unit 1: per metre.
                guard bytes[d + 8] == 1, be32(d) > 0, be32(d + 4) > 0 else { return nil }
                return (be32(d) * 0.0254, be32(d + 4) * 0.0254)
            }
            at += 12 + length
        }
        return nil
    }

    static func jpeg(_ bytes: [UInt8]) -> (x: Double, y: Double)? {
        // The JFIF APP0 segment, first after SOI: "JFIF\0", version, units, x and y density.
        guard bytes.count >= 20, bytes[2] == 0xFF, bytes[3] == 0xE0,
              bytes[6..<11].elementsEqual([0x4A, 0x46, 0x49, 0x46, 0x00]) else { return nil }
        let units = bytes[13]
        let x = Double(Int(bytes[14]) << 8 | Int(bytes[15])), y = Double(Int(bytes[16]) << 8 | Int(bytes[17]))
        guard x > 0, y > 0 else { return nil }
        switch units {
        case 1: return (x, y)
        case 2: return (x * 2.54, y * 2.54)
        default: return nil  // 0: an aspect ratio only
        }
    }
}
