import Foundation
import TestSupport
import Testing
@testable import Imaging

@Suite struct BadInputTests {
    let decoder = ImageDecoder()

    func reason(_ body: () throws(ImageError) -> GrayImage) -> ImageErrorReason? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.reason
        }
    }

    func reason(of bytes: [UInt8], decoder: ImageDecoder = ImageDecoder()) -> ImageErrorReason? {
        reason { () throws(ImageError) in try decoder.decodeGray(bytes, name: "bad") }
    }

    @Test func missingFile() throws {
        let path = try temporaryDirectory() + "/nothing.png"
        do {
            _ = try decoder.decodeGray(contentsOf: path)
            Issue.record("decoded a missing file")
        } catch {
            #expect(error.reason == .fileNotFound)
            #expect(error.file == path)
            #expect(error.description == "\(path): no such file")
        }
    }

    @Test func directory() throws {
        let path = try temporaryDirectory()
        #expect(reason { () throws(ImageError) in try decoder.decodeGray(contentsOf: path) } == .isDirectory)
    }

    @Test func emptyFile() throws {
        let path = try temporaryDirectory() + "/empty.png"
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(reason { () throws(ImageError) in try decoder.decodeGray(contentsOf: path) } == .emptyFile)
        #expect(reason(of: []) == .emptyFile)
    }

    @Test func notAnImage() {
        #expect(reason(of: Array("hello, this is text\n".utf8)) == .notAnImage(detected: nil))
        #expect(reason(of: Array("GIF89a\u{1}\0\u{1}\0".utf8)) == .notAnImage(detected: "GIF"))
        #expect(reason(of: Array("%PDF-1.7\n".utf8)) == .notAnImage(detected: "PDF"))
    }

    @Test(arguments: ["gray8.png", "rgba16.png", "palette4_trns.png"])
    func truncatedPNG(name: String) throws {
        let bytes = try fixtureBytes(name)
        for cut in [4, 20, 40, bytes.count - 20, bytes.count - 1] {
            #expect(reason(of: Array(bytes.prefix(cut))) == .truncated, "cut at \(cut)")
        }
    }

    @Test(arguments: ["baseline.jpg", "progressive.jpg", "gray.jpg", "cmyk_adobe.jpg"])
    func truncatedJPEG(name: String) throws {
        let bytes = try fixtureBytes(name)
        for cut in [2, bytes.count / 2, bytes.count - 2] {
            let got = reason(of: Array(bytes.prefix(cut)))
            #expect(got == .truncated, "cut at \(cut): \(String(describing: got))")
        }
    }

    @Test func badCRC() throws {
        var bytes = try fixtureBytes("gray8.png")
        bytes[29] ^= 0xFF  // last byte of IHDR's CRC
        guard case .corrupt(let message)? = reason(of: bytes) else {
            Issue.record("a bad IHDR CRC was accepted")
            return
        }
        #expect(message.contains("CRC"))
        var idat = try fixtureBytes("gray8.png")
        idat[45] ^= 0x01  // inside IDAT's compressed data
        guard case .corrupt? = reason(of: idat) else {
            Issue.record("a damaged IDAT was accepted")
            return
        }
    }

    /// Entropy-coded data cut short and followed by an EOI marker: libjpeg paints the rest grey
    /// and only warns; we refuse the file (it used to decode as an image).
    @Test(arguments: ["baseline.jpg", "progressive.jpg", "gray.jpg"])
    func jpegDataCutBeforeItsEndMarker(name: String) throws {
        let bytes = try fixtureBytes(name)
        let scan = try #require((0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let data = scan + 2 + Int(bytes[scan + 2]) << 8 + Int(bytes[scan + 3])  // past the scan header
        let cut = Array(bytes.prefix(data + (bytes.count - 2 - data) / 2)) + [0xFF, 0xD9]
        switch reason(of: cut) {
        case .corrupt(let message)?: #expect(message.contains("premature end of data segment"), "\(message)")
        case .truncated?: #expect(name == "progressive.jpg")  // libjpeg then looks for the next scan past the end
        case let other: Issue.record("\(name) cut to \(cut.count) bytes and ended with EOI: \(String(describing: other))")
        }
    }

    @Test func corruptJPEG() throws {
        var bytes = try fixtureBytes("baseline.jpg")
        let sof = try #require(sofOffset(bytes))
        bytes[sof + 4] = 7  // sample precision
        guard case .corrupt(let message)? = reason(of: bytes) else {
            Issue.record("a damaged JPEG header was accepted")
            return
        }
        #expect(message.contains("precision"))
    }

    @Test func zeroDimensions() throws {
        #expect(reason(of: pngHeaderOnly(width: 0, height: 8)) == .zeroDimensions)
        #expect(reason(of: pngHeaderOnly(width: 8, height: 0)) == .zeroDimensions)
        var jpeg = try fixtureBytes("gray.jpg")
        let sof = try #require(sofOffset(jpeg))
        jpeg[sof + 5] = 0; jpeg[sof + 6] = 0  // height
        #expect(reason(of: jpeg) == .zeroDimensions)
    }

    @Test func oversizedPNGIsRefusedBeforeAllocation() {
        let bomb = pngHeaderOnly(width: 100_000, height: 100_000)
        #expect(reason(of: bomb) == .tooLarge(width: 100_000, height: 100_000, limit: 64_000_000))
        let small = ImageDecoder(maxPixels: 100)
        #expect(reason(of: pngHeaderOnly(width: 11, height: 10), decoder: small)
                    == .tooLarge(width: 11, height: 10, limit: 100))
        // Regression (Fuzz/FuzzImageDecoding): sides whose product overflows 64 bits.
        if case .corrupt(let message)? = reason(of: pngHeaderOnly(width: 0xFFFF_FFFF, height: 0xFFFF_FF01)) {
            #expect(message.contains("over the PNG limit"))
        } else {
            Issue.record("a PNG declaring 4294967295x4294967041 was not refused as corrupt")
        }
        #expect(reason(of: pngHeaderOnly(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF))
                    == .tooLarge(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, limit: 64_000_000))
    }

    /// libpng reads at most 1,000,000 pixels per side and then says only "Invalid IHDR data".
    @Test func pngSidesOverLibpngsLimitAreNamed() {
        #expect(reason(of: pngHeaderOnly(width: 1_000_001, height: 1)) == .sideTooLong(width: 1_000_001, height: 1, limit: 1_000_000))
        #expect(ImageErrorReason.sideTooLong(width: 1, height: 1_000_001, limit: 1_000_000).message
                    == "image is 1x1000001 pixels, over the limit of 1000000 pixels per side")
    }

    @Test func oversizedJPEGIsRefusedBeforeAllocation() throws {
        var jpeg = try fixtureBytes("gray.jpg")
        let sof = try #require(sofOffset(jpeg))
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60; jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60  // 60000
        #expect(reason(of: jpeg) == .tooLarge(width: 60000, height: 60000, limit: 64_000_000))
        #expect(reason(of: try fixtureBytes("gray.jpg"), decoder: ImageDecoder(maxPixels: 511))
                    == .tooLarge(width: 32, height: 16, limit: 511))
    }

    @Test func errorsNameTheFile() throws {
        let dir = try temporaryDirectory()
        let path = dir + "/notes.png"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("plain text".utf8)))
        do {
            _ = try decoder.decodeGray(contentsOf: path)
            Issue.record("decoded text")
        } catch {
            #expect(error.description.hasPrefix(path + ": "))
        }
    }

    /// Offset of the SOF0 marker (FF C0) in a baseline JPEG.
    func sofOffset(_ bytes: [UInt8]) -> Int? {
        (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }
    }
}
