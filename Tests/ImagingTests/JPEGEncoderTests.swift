import Testing
@testable import Imaging

@Suite struct JPEGEncoderTests {
    /// A smooth gradient survives high quality nearly unchanged; low quality changes it more.
    @Test func roundTripWithinQualityError() throws {
        let values: [UInt8] = (0..<960).map { (i: Int) -> UInt8 in UInt8((i % 40) * 5 + (i / 40) * 2) }
        let image = GrayImage(width: 40, height: 24, pixels: values)
        func meanError(_ quality: Int) throws -> Double {
            let bytes = try JPEGEncoder.encode(image, quality: quality)
            #expect(bytes.prefix(2) == [0xFF, 0xD8])
            let decoded = try ImageDecoder().decodeGray(bytes)
            #expect(decoded.width == 40 && decoded.height == 24)
            var total = 0.0
            for (a, b) in zip(decoded.pixels, image.pixels) { total += abs(Double(a) - Double(b)) }
            return total / 960
        }
        let fine = try meanError(95), coarse = try meanError(5)
        #expect(fine < 1.5)
        #expect(coarse > fine)
    }

    /// Sharp black-on-white edges get ringing at low quality: values that are neither ink nor paper.
    @Test func lowQualityRingsAroundEdges() throws {
        var image = GrayImage(width: 32, height: 16, value: 255)
        for y in 4..<12 { for x in 8..<10 { image[x, y] = 0 } }
        let decoded = try ImageDecoder().decodeGray(try JPEGEncoder.encode(image, quality: 10))
        #expect(decoded.pixels.contains { $0 > 30 && $0 < 225 })
    }

    @Test func emptyImageIsAnError() {
        #expect(throws: ImageError.self) { try JPEGEncoder.encode(GrayImage(width: 0, height: 3, pixels: []), quality: 50) }
    }
}
