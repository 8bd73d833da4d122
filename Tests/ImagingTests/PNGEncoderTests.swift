import Foundation
import TestSupport
import Testing
@testable import Imaging

@Suite struct PNGEncoderTests {
    @Test func grayRoundTrip() throws {
        let image = GrayImage(width: 7, height: 5, pixels: (0..<35).map { UInt8($0 * 7) })
        let decoded = try ImageDecoder().decodeGray(try PNGEncoder.encode(image))
        #expect(decoded == image)
    }

    @Test func rgbRoundTrip() throws {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 13) })
        #expect(try ImageDecoder().decodeRGB(try PNGEncoder.encode(image)) == image)
    }

    @Test func writesFileWhole() throws {
        let path = try temporaryDirectory() + "/out.png"
        let image = GrayImage(width: 4, height: 4, value: 9)
        try PNGEncoder.write(image, to: path)
        #expect(try ImageDecoder().decodeGray(contentsOf: path) == image)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["out.png"])
    }

    @Test func unwritablePathIsAnError() {
        #expect(throws: ImageError.self) {
            try PNGEncoder.write(GrayImage(width: 1, height: 1, value: 0), to: "/nonexistent-dir/x.png")
        }
    }
}
