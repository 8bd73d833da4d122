/// What a JPEG's frame header (its SOF marker) says: the size and the number of colour
/// components, read without decoding, for passing the file on as it is (into a PDF).
public struct JPEGHeader: Equatable, Sendable {
    public var width: Int, height: Int, components: Int
    /// Bits per sample (8 in nearly every JPEG; 12 in some medical ones).
    public var precision: Int
    /// Whether it says how to turn it (an EXIF orientation other than upright).
    public var isTurned: Bool
    /// Whether an Adobe APP14 segment is there (CMYK stored inverted, as Photoshop writes it).
    public var hasAdobeMarker: Bool

    /// The header of `bytes`, or nil when they are not a JPEG with a frame header.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2, adobe = false
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }  // fill bytes
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { offset += 2; continue }
            if marker == 0xDA || marker == 0xD9 { return nil }  // the scan, or the end, before a frame header
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return nil }
            if marker == 0xEE { adobe = true }
            // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
                guard length >= 8 else { return nil }
                let body = offset + 4
                precision = Int(bytes[body])
                height = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                width = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
                components = Int(bytes[body + 5])
                isTurned = (EXIFOrientation(jpeg: bytes) ?? .up) != .up
                hasAdobeMarker = adobe
                guard width > 0, height > 0, components >= 1 else { return nil }
                return
            }
            offset += 2 + length
        }
        return nil
    }
}
