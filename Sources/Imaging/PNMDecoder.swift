/// Netpbm images (PBM, PGM, PPM: P1-P6, plain and raw, 8 or 16 bits), the format scanning
/// tools and `pdftoppm` write. Samples are scaled to 8 bits; in a bitmap 1 is black.
enum PNMDecoder {
    static func decode(_ bytes: [UInt8], maxPixels: Int, rgb: Bool) throws(ImageErrorReason) -> Raster {
        guard bytes.count >= 3, bytes[0] == UInt8(ascii: "P"), (UInt8(ascii: "1")...UInt8(ascii: "6")).contains(bytes[1]) else {
            throw .notAnImage(detected: nil)
        }
        let kind = Int(bytes[1] - UInt8(ascii: "0"))
        var at = 2
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
        // A header number: whitespace and comments (# to the end of the line) before it.
        func number() throws(ImageErrorReason) -> Int {
            while at < bytes.count {
                if isSpace(bytes[at]) { at += 1 } else if bytes[at] == UInt8(ascii: "#") {
                    while at < bytes.count && bytes[at] != 0x0A && bytes[at] != 0x0D { at += 1 }
                } else { break }
            }
            guard at < bytes.count else { throw .truncated }
            var value = 0, digits = 0
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) {
                value = value * 10 + Int(bytes[at] - UInt8(ascii: "0"))
                digits += 1
                at += 1
                guard value <= 1 << 30 else { throw .corrupt("a number in the header is too large") }
            }
            guard digits > 0 else { throw .corrupt("the header holds '\(Character(Unicode.Scalar(bytes[at])))' where a number belongs") }
            return value
        }
        let width = try number(), height = try number()
        let bitmap = kind == 1 || kind == 4
        let maxval = bitmap ? 1 : try number()
        guard width > 0, height > 0 else { throw .zeroDimensions }
        guard maxval >= 1, maxval <= 65535 else { throw .corrupt("the largest sample value is \(maxval), not 1-65535") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else { throw .tooLarge(width: width, height: height, limit: maxPixels) }
        let colour = kind == 3 || kind == 6
        let samples = pixels * (colour ? 3 : 1)
        // One whitespace character ends the header of a raw file.
        guard at < bytes.count else { throw .truncated }
        at += 1
        var values = [UInt8](repeating: 0, count: samples)
        func scaled(_ v: Int) -> UInt8 { UInt8((v * 255 + maxval / 2) / maxval) }
        switch kind {
        case 4:
            let rowBytes = (width + 7) / 8
            guard bytes.count - at >= rowBytes * height else { throw .truncated }
            for y in 0..<height {
                for x in 0..<width {
                    let bit = bytes[at + y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8))
                    values[y * width + x] = bit != 0 ? 0 : 255
                }
            }
        case 5, 6:
            let size = maxval > 255 ? 2 : 1
            guard bytes.count - at >= samples * size else { throw .truncated }
            for i in 0..<samples {
                let v = size == 2 ? Int(bytes[at + 2 * i]) << 8 | Int(bytes[at + 2 * i + 1]) : Int(bytes[at + i])
                guard v <= maxval else { throw .corrupt("a sample is \(v), over the largest value \(maxval)") }
                values[i] = scaled(v)
            }
        default:  // plain: numbers separated by whitespace (P1's may run together)
            at -= 1
            for i in 0..<samples {
                let v: Int
                if kind == 1 {
                    while at < bytes.count && (isSpace(bytes[at]) || bytes[at] == UInt8(ascii: "#")) {
                        if bytes[at] == UInt8(ascii: "#") { while at < bytes.count && bytes[at] != 0x0A { at += 1 } } else { at += 1 }
                    }
                    guard at < bytes.count else { throw .truncated }
                    guard bytes[at] == UInt8(ascii: "0") || bytes[at] == UInt8(ascii: "1") else { throw .corrupt("a bitmap holds a value other than 0 or 1") }
                    v = bytes[at] == UInt8(ascii: "1") ? 0 : 1  // 1 is black
                    at += 1
                } else {
                    v = try number()
                    guard v <= maxval else { throw .corrupt("a sample is \(v), over the largest value \(maxval)") }
                }
                values[i] = kind == 1 ? UInt8(v * 255) : scaled(v)
            }
        }
        if colour == rgb { return Raster(width: width, height: height, channels: rgb ? 3 : 1, pixels: values) }
        if rgb {
            var out = [UInt8](repeating: 0, count: pixels * 3)
            for i in 0..<pixels { out[3 * i] = values[i]; out[3 * i + 1] = values[i]; out[3 * i + 2] = values[i] }
            return Raster(width: width, height: height, channels: 3, pixels: out)
        }
        var gray = [UInt8](repeating: 0, count: pixels)
        for i in 0..<pixels {
            let r = Int(values[3 * i]), g = Int(values[3 * i + 1]), b = Int(values[3 * i + 2])
            gray[i] = r == g && g == b ? UInt8(r) : UInt8((77 * r + 150 * g + 29 * b + 128) >> 8)
        }
        return Raster(width: width, height: height, channels: 1, pixels: gray)
    }
}
