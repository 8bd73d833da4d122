import Testing
@testable import Imaging

@Suite struct PNGDecoderTests {
    let decoder = ImageDecoder()

    @Test(arguments: [1, 2, 4, 8])
    func grayBitDepths(depth: Int) throws {
        let image = try decoder.decodeGray(contentsOf: fixture("gray\(depth).png"))
        #expect(image.width == 16 && image.height == 8)
        let levels = 1 << depth
        #expect(maxError(image) { x, y in (x + 2 * y) % levels * 255 / (levels - 1) } == 0)
    }

    @Test(arguments: ["gray8_interlaced.png", "gray1_interlaced.png"])
    func interlacedGray(name: String) throws {
        let levels = name.hasPrefix("gray8") ? 256 : 2
        let image = try decoder.decodeGray(contentsOf: fixture(name))
        #expect(maxError(image) { x, y in (x + 2 * y) % levels * 255 / (levels - 1) } == 0)
    }

    @Test func gray16ScalesToEightBits() throws {
        let image = try decoder.decodeGray(contentsOf: fixture("gray16.png"))
        #expect(maxError(image) { x, y in 16 * x + y } == 0)
    }

    @Test func grayTransparentValueBecomesWhite() throws {
        let image = try decoder.decodeGray(contentsOf: fixture("gray8_trns.png"))
        #expect(maxError(image) { x, y in (x + 2 * y) == 0 ? 255 : x + 2 * y } == 0)
    }

    @Test(arguments: [8, 16])
    func grayAlphaCompositesOverWhite(depth: Int) throws {
        let image = try decoder.decodeGray(contentsOf: fixture("gray_alpha\(depth).png"))
        #expect(maxError(image) { x, y in referenceOverWhite(16 * x, 36 * y) } <= 1)
    }

    @Test(arguments: [8, 16])
    func rgbToGray(depth: Int) throws {
        let image = try decoder.decodeGray(contentsOf: fixture("rgb\(depth).png"))
        #expect(maxError(image) { x, y in referenceLuma(16 * x, 32 * y, 255 - 16 * x) } <= 1)
    }

    @Test(arguments: ["rgba8.png", "rgba16.png", "rgba8_interlaced.png"])
    func rgbaCompositesOverWhite(name: String) throws {
        let image = try decoder.decodeGray(contentsOf: fixture(name))
        #expect(maxError(image) { x, y in
            let a = 11 * (x + y)
            return referenceLuma(referenceOverWhite(16 * x, a), referenceOverWhite(32 * y, a),
                                 referenceOverWhite(255 - 16 * x, a))
        } <= 1)
    }

    @Test func rgbOutputKeepsChannels() throws {
        let image = try decoder.decodeRGB(contentsOf: fixture("rgb8.png"))
        #expect(image.width == 16 && image.height == 8)
        let p = 3 * (2 * 16 + 5)  // x = 5, y = 2
        #expect(Array(image.pixels[p..<(p + 3)]) == [80, 64, 175])
    }

    @Test(arguments: [1, 2, 4, 8])
    func palette(depth: Int) throws {
        let image = try decoder.decodeGray(contentsOf: fixture("palette\(depth).png"))
        #expect(maxError(image) { x, y in
            let k = (x + 2 * y) % (1 << depth)
            return referenceLuma(37 * k % 256, 73 * k % 256, 109 * k % 256)
        } <= 1)
    }

    @Test func paletteWithTransparency() throws {
        let image = try decoder.decodeGray(contentsOf: fixture("palette4_trns.png"))
        #expect(maxError(image) { x, y in
            let k = (x + 2 * y) % 16, a = 17 * k
            return referenceLuma(referenceOverWhite(37 * k % 256, a), referenceOverWhite(73 * k % 256, a),
                                 referenceOverWhite(109 * k % 256, a))
        } <= 1)
    }

    @Test func decodesFromMemoryWhateverTheName() throws {
        let bytes = try fixtureBytes("gray8.png")
        let image = try decoder.decodeGray(bytes, name: "scan.jpg")
        #expect(image == (try decoder.decodeGray(contentsOf: fixture("gray8.png"))))
    }
}
