import Testing
@testable import Imaging

@Suite struct JPEGDecoderTests {
    let decoder = ImageDecoder()

    /// 32x16 images, left half one color, right half another; lossy, so a small tolerance.
    func expectHalves(_ image: GrayImage, left: Int, right: Int, tolerance: Int = 3) {
        #expect(image.width == 32 && image.height == 16)
        #expect(maxError(image) { x, _ in x < 16 ? left : right } <= tolerance)
    }

    @Test(arguments: ["baseline.jpg", "progressive.jpg"])
    func colorToGray(name: String) throws {
        let image = try decoder.decodeGray(contentsOf: fixture(name))
        expectHalves(image, left: referenceLuma(200, 40, 40), right: referenceLuma(40, 40, 200))
    }

    @Test func progressiveIsProgressive() throws {
        let bytes = try fixtureBytes("progressive.jpg")
        #expect(zip(bytes, bytes.dropFirst()).contains { $0 == 0xFF && $1 == 0xC2 })
    }

    @Test func colorToRGB() throws {
        let image = try decoder.decodeRGB(contentsOf: fixture("baseline.jpg"))
        let left = Array(image.pixels[(3 * (8 * 32 + 4))..<(3 * (8 * 32 + 4) + 3)])
        let right = Array(image.pixels[(3 * (8 * 32 + 28))..<(3 * (8 * 32 + 28) + 3)])
        for (got, want) in zip(left + right, [200, 40, 40, 40, 40, 200]) {
            #expect(abs(Int(got) - want) <= 4)
        }
    }

    @Test func grayscale() throws {
        expectHalves(try decoder.decodeGray(contentsOf: fixture("gray.jpg")), left: 50, right: 200)
    }

    /// Ink left C0 M200 Y200 K0, right C200 M200 Y0 K55; RGB = (255 - ink) * (255 - K) / 255.
    @Test(arguments: ["cmyk_adobe.jpg", "ycck_adobe.jpg", "cmyk_plain.jpg"])
    func cmykVariants(name: String) throws {
        func rgb(_ c: Int, _ m: Int, _ y: Int, _ k: Int) -> Int {
            let f = { (v: Int) in Int((Double((255 - v) * (255 - k)) / 255).rounded()) }
            return referenceLuma(f(c), f(m), f(y))
        }
        let image = try decoder.decodeGray(contentsOf: fixture(name))
        expectHalves(image, left: rgb(0, 200, 200, 0), right: rgb(200, 200, 0, 55), tolerance: 4)
    }

    /// Stored 48x32 with a black 16x16 block at the stored top-left; after orientation the block
    /// is where the EXIF tag says the stored top-left belongs.
    @Test(arguments: 1...8)
    func exifOrientation(tag: Int) throws {
        let image = try decoder.decodeGray(contentsOf: fixture("orientation\(tag).jpg"))
        let swapped = tag >= 5
        #expect(image.width == (swapped ? 32 : 48) && image.height == (swapped ? 48 : 32))
        // Where the stored top-left block lands: (right?, bottom?).
        let corner: [Int: (Bool, Bool)] = [1: (false, false), 2: (true, false), 3: (true, true), 4: (false, true),
                                          5: (false, false), 6: (true, false), 7: (true, true), 8: (false, true)]
        let (right, bottom) = corner[tag]!
        let bx = right ? image.width - 8 : 8, by = bottom ? image.height - 8 : 8
        #expect(image[bx, by] < 40)
        #expect(image[image.width - 1 - bx, image.height - 1 - by] > 215)
    }

    @Test func orientationCanBeIgnored() throws {
        let image = try ImageDecoder(appliesEXIFOrientation: false).decodeGray(contentsOf: fixture("orientation6.jpg"))
        #expect(image.width == 48 && image[8, 8] < 40)
    }
}

/// A progressive JPEG of many scans (a "scan bomb": each scan is a pass over the whole image) is
/// refused after 32, by name; the scans libjpeg writes itself (progressive.jpg) are read.
@Suite struct JPEGScanLimitTests {
    @Test func tooManyScansAreRefused() throws {
        let bytes = try fixtureBytes("scanbomb_40.jpg")  // 64x64, 40 scans
        #expect(throws: ImageError.self) { try ImageDecoder().decodeGray(bytes) }
        do {
            _ = try ImageDecoder().decodeGray(bytes, name: "bomb.jpg")
        } catch {
            #expect(error.description.contains("more than 32 progressive scans"), "\(error)")
        }
        #expect(try ImageDecoder().decodeGray(try fixtureBytes("progressive.jpg")).width > 0)
    }
}
