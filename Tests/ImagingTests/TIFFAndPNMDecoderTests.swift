import Foundation
import Testing
@testable import Imaging

/// TIFF (through libtiff) and PNM against the patterns their fixtures were made from
/// (Fixtures/make_tiff_pnm_fixtures.sh): every compression, bit depth and photometric
/// convention gives the pattern's pixels exactly.
@Suite struct TIFFAndPNMDecoderTests {
    static let (w, h) = (37, 21)
    static let bilevel = (0..<(w * h)).map { i -> UInt8 in (i % w * 3 + i / w * 5) % 7 < 3 ? 0 : 255 }
    static let gray = (0..<(w * h)).map { i -> UInt8 in UInt8((i % w * 7 + i / w * 11) % 256) }
    static let colour = (0..<(w * h)).flatMap { i -> [UInt8] in
        let x = i % w, y = i / w
        return [UInt8(x * 7 % 256), UInt8(y * 12 % 256), UInt8((x + y) * 5 % 256)]
    }
    static let palette = (0..<(w * h)).flatMap { i -> [UInt8] in
        let x = i % w, y = i / w
        return [UInt8(x % 4 * 80), UInt8(y % 3 * 120), UInt8((x + y) % 2 * 200)]
    }

    @Test(arguments: ["bilevel_Fax.tif", "bilevel_Group4.tif", "bilevel_RLE.tif", "bilevel_LZW.tif", "bilevel_Zip.tif",
                      "bilevel_min_is_black.tif", "pattern_bilevel.pbm", "pattern_bilevel_plain.pbm"])
    func bilevelImagesReadAsThePattern(_ name: String) throws {
        let image = try ImageDecoder().decodeGray(contentsOf: fixture(name))
        #expect(image.width == Self.w && image.height == Self.h && image.pixels == Self.bilevel)
    }

    @Test(arguments: ["gray8_cm.tif", "gray16.tif", "pattern_gray.pgm", "pattern_gray_plain.pgm", "pattern_gray16.pgm"])
    func grayImagesReadAsThePattern(_ name: String) throws {
        let image = try ImageDecoder().decodeGray(contentsOf: fixture(name))
        #expect(image.width == Self.w && image.height == Self.h && image.pixels == Self.gray)
    }

    @Test(arguments: ["rgb8.tif", "pattern_colour.ppm", "pattern_colour_plain.ppm"])
    func colourImagesReadAsThePattern(_ name: String) throws {
        let image = try ImageDecoder().decodeRGB(contentsOf: fixture(name))
        #expect(image.width == Self.w && image.height == Self.h && image.pixels == Self.colour)
        // In gray: the pattern's luma.
        let gray = try ImageDecoder().decodeGray(contentsOf: fixture(name))
        #expect(zip(gray.pixels.indices, gray.pixels).allSatisfy { i, v in
            let (r, g, b) = (Int(Self.colour[3 * i]), Int(Self.colour[3 * i + 1]), Int(Self.colour[3 * i + 2]))
            return Int(v) == (77 * r + 150 * g + 29 * b + 128) >> 8
        })
    }

    @Test func aPaletteTIFFReadsAsItsColours() throws {
        #expect(try ImageDecoder().decodeRGB(contentsOf: fixture("palette.tif")).pixels == Self.palette)
    }

    /// Every page of a TIFF, in order, each with its resolution (inches, or centimetres taken to inches).
    @Test func everyPageOfATIFFIsThere() throws {
        let bytes = try fixtureBytes("three_pages.tif")
        let decoder = ImageDecoder()
        #expect(try decoder.pageCount(bytes) == 3)
        let first = try decoder.decodeGrayPage(bytes, page: 1)
        #expect(first.image.pixels == Self.bilevel && first.resolution?.x == 300 && first.resolution?.y == 300)
        let second = try decoder.decodeGrayPage(bytes, page: 2)
        #expect(second.image.pixels == Self.gray)
        #expect(abs((second.resolution?.x ?? 0) - 300) < 0.1, "\(String(describing: second.resolution))")
        #expect(try decoder.decodeRGBPage(bytes, page: 3).image.pixels == Self.colour)
        #expect(throws: ImageError(file: nil, reason: .noSuchPage(4, pages: 3))) { try decoder.decodeGrayPage(bytes, page: 4) }
        #expect(try decoder.pageCount(fixtureBytes("pattern_gray.pgm")) == 1)
    }

    /// PNG's pHYs and JPEG's JFIF density give the resolution, as TIFF's tags do; without them
    /// (or with an aspect ratio only) there is none.
    @Test func pngAndJPEGSayTheirResolution() throws {
        let image = GrayImage(width: 8, height: 6, value: 200)
        let png = try PNGEncoder.encode(image)
        #expect(try ImageDecoder().decodeGrayPage(png, page: 1).resolution == nil)
        // 7874 pixels a metre (200 dpi) across, 11811 (300 dpi) down, after IHDR.
        let phys = pngChunk("pHYs", bigEndian(7874) + bigEndian(11811) + [1])
        let withPhys = Array(png[0..<33]) + phys + Array(png[33...])
        let r = try #require(try ImageDecoder().decodeGrayPage(withPhys, page: 1).resolution)
        #expect(abs(r.x - 200) < 0.01 && abs(r.y - 300) < 0.01)
        var jpeg = try JPEGEncoder.encode(image, quality: 90)
        #expect(Array(jpeg[6..<11]) == [0x4A, 0x46, 0x49, 0x46, 0x00])
        jpeg[13] = 1; jpeg[14] = 0; jpeg[15] = 150; jpeg[16] = 0; jpeg[17] = 150
        #expect(try ImageDecoder().decodeGrayPage(jpeg, page: 1).resolution.map { [$0.x, $0.y] } == [150, 150])
        jpeg[13] = 0
        #expect(try ImageDecoder().decodeGrayPage(jpeg, page: 1).resolution == nil)
    }

    /// Damaged files get a named reason, never a crash: cut short anywhere, or declaring a
    /// size over the limit (refused before the pixels are allocated).
    @Test func damagedFilesAreRefused() throws {
        for name in ["bilevel_Group4.tif", "gray16.tif", "rgb8.tif", "pattern_gray.pgm", "pattern_colour_plain.ppm", "pattern_bilevel.pbm"] {
            let bytes = try fixtureBytes(name)
            for cut in stride(from: 1, to: bytes.count, by: max(1, bytes.count / 40)) {
                do {
                    _ = try ImageDecoder().decodeGray(Array(bytes.prefix(cut)), name: name)
                } catch {
                    #expect(error.file == name && !error.reason.message.isEmpty)
                }
            }
        }
        let small = ImageDecoder(maxPixels: 500)
        #expect(throws: ImageError(file: "t", reason: .tooLarge(width: 37, height: 21, limit: 500))) {
            try small.decodeGray(try fixtureBytes("gray16.tif"), name: "t")
        }
        #expect(throws: ImageError(file: "p", reason: .tooLarge(width: 37, height: 21, limit: 500))) {
            try small.decodeGray(try fixtureBytes("pattern_gray.pgm"), name: "p")
        }
        let huge = Array("P5\n100000 100000\n255\n".utf8) + [0, 0, 0]
        #expect(throws: ImageError(file: nil, reason: .tooLarge(width: 100000, height: 100000, limit: ImageDecoder.defaultMaxPixels))) {
            try ImageDecoder().decodeGray(huge)
        }
        #expect(throws: ImageError(file: nil, reason: .truncated)) { try ImageDecoder().decodeGray(Array("P5\n4 4\n255\n".utf8) + [1, 2]) }
        #expect(throws: ImageError(file: nil, reason: .corrupt("a sample is 300, over the largest value 255"))) {
            try ImageDecoder().decodeGray(Array("P2\n1 1\n255\n300\n".utf8))
        }
    }
}
