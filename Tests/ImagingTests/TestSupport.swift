import Foundation
@testable import Imaging

/// The path of a committed fixture (see Fixtures/make_fixtures.c).
func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
}

/// CRC-32 as PNG chunks use it.
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}

/// A PNG chunk: length, type, data, CRC.
func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let body = Array(type.utf8) + data
    return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
}

func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
}

/// A PNG consisting of an 8-bit gray IHDR of the given size, an empty IDAT and IEND.
func pngHeaderOnly(width: UInt32, height: UInt32) -> [UInt8] {
    ImageFormat.pngSignature
        + pngChunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 0, 0, 0, 0])
        + pngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
        + pngChunk("IEND", [])
}

/// Rec. 601 luma, the reference the decoders' gray output is checked against.
func referenceLuma(_ r: Int, _ g: Int, _ b: Int) -> Int {
    Int((0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)).rounded())
}

func referenceOverWhite(_ v: Int, _ alpha: Int) -> Int {
    Int((Double(v * alpha + 255 * (255 - alpha)) / 255).rounded())
}

/// The largest absolute difference between the image and `expected(x, y)`.
func maxError(_ image: GrayImage, _ expected: (Int, Int) -> Int) -> Int {
    var worst = 0
    for y in 0..<image.height {
        for x in 0..<image.width {
            worst = max(worst, abs(Int(image[x, y]) - expected(x, y)))
        }
    }
    return worst
}
