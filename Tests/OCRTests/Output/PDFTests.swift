import Foundation
import Imaging
import Testing
import TestSupport
@testable import OCR

/// The searchable PDF: a well-formed file whose image is the page's, pixel for pixel, and whose
/// text layer holds the words read, in order, each where its word is.
@Suite struct PDFTests {
    /// The objects' offsets in the cross-reference table each point at that object.
    @Test func theCrossReferenceTablePointsAtEachObject() throws {
        let (page, _) = try #require(DocumentFormatTests.read)
        let image = PDF.PageImage.gray(GrayImage(width: page.result.width, height: page.result.height, value: 200))
        let bytes = PDF.document([PDF.Page(page: page, image: image)], created: Date(timeIntervalSince1970: 0))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-1.5\n") && text.hasSuffix("%%EOF\n"))
        let start = try #require(text.components(separatedBy: "startxref\n").last.flatMap { Int($0.split(separator: "\n")[0]) })
        let table = String(decoding: bytes[start...], as: UTF8.self).split(separator: "\n")
        #expect(table[0] == "xref")
        let count = try #require(Int(table[1].split(separator: " ")[1]))
        for n in 1..<count {
            let offset = try #require(Int(table[2 + n].prefix(10)))
            #expect(String(decoding: bytes[offset..<min(bytes.count, offset + 12)], as: UTF8.self).hasPrefix("\(n) 0 obj\n"), "object \(n)")
        }
    }

    /// Black and white pages go in 1 bit deep, gray ones 8, colour as RGB; a JPEG as it is.
    @Test func imagesAreKeptWithoutLoss() throws {
        var pixels = [UInt8]()
        for i in 0..<(13 * 5) { pixels += Array(repeating: i % 3 == 0 ? 0 : 255, count: 3) }
        guard case .bilevel(let bilevel) = PDF.PageImage.of(RGBImage(width: 13, height: 5, pixels: pixels)) else {
            Issue.record("black and white is not bilevel"); return
        }
        #expect(bilevel.pixels == stride(from: 0, to: pixels.count, by: 3).map { pixels[$0] })
        let (page, _) = try #require(DocumentFormatTests.read)
        let document = PDF.document([PDF.Page(page: page, image: .bilevel(bilevel))], created: Date())
        // The image's stream, inflated: rows of 13 bits padded to 2 bytes, 0 where the page is black.
        let key = Array("/Subtype /Image /Width 13 /Height 5 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /Length ".utf8)
        let at = try #require(Self.find(key, in: document))
        let length = try #require(Int(String(decoding: document[(at + key.count)...].prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)))
        let data = try #require(Self.find(Array(">>\nstream\n".utf8), in: document, from: at)) + 10
        let packed = try #require(inflated(Array(document[data..<(data + length)]), limit: 100))
        #expect(packed.count == 10)
        for y in 0..<5 {
            for x in 0..<13 {
                let bit = packed[y * 2 + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                #expect(bit == (bilevel.pixels[y * 13 + x] == 255))
            }
        }
        guard case .gray = PDF.PageImage.of(RGBImage(width: 1, height: 2, pixels: [7, 7, 7, 255, 255, 255])),
              case .rgb = PDF.PageImage.of(RGBImage(width: 1, height: 1, pixels: [7, 8, 7])) else {
            Issue.record("gray or colour misjudged"); return
        }
        let jpeg = try temporaryPath("page.jpg")
        let photo = GrayImage(width: 40, height: 30, pixels: (0..<1200).map { UInt8($0 % 251) })
        try Data(JPEGEncoder.encode(photo, quality: 90)).write(to: URL(fileURLWithPath: jpeg))
        guard case .jpeg(let bytes, let header) = try PDF.PageImage.of(file: jpeg) else { Issue.record("JPEG not passed on"); return }
        #expect(bytes == Array(try Data(contentsOf: URL(fileURLWithPath: jpeg))) && header.width == 40 && header.height == 30 && header.components == 1)
    }

    /// With poppler and qpdf there (CI installs them): the file checks clean, `pdftotext -raw`
    /// (the text in the order the file holds it) reads our words in order, and each word it
    /// finds lies on our word's box. (Its default mode puts the words in an order of its own
    /// making, from their positions.)
    @Test func popplerReadsTheWordsWhereTheyAre() throws {
        let tools = ["/usr/bin/qpdf", "/usr/bin/pdftotext"]
        guard tools.allSatisfy({ FileManager.default.isExecutableFile(atPath: $0) }) else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI checks PDFs: install qpdf and poppler-utils")
            return
        }
        let (page, words) = try #require(DocumentFormatTests.read)
        let image = PDF.PageImage.gray(GrayImage(width: page.result.width, height: page.result.height, value: 255))
        let file = try temporaryPath("page.pdf")
        try Data(PDF.document([PDF.Page(page: page, image: image)], created: Date())).write(to: URL(fileURLWithPath: file))
        #expect(try Self.run(tools[0], ["--check", file]).contains("No syntax or stream encoding errors"))
        let text = try Self.run(tools[1], ["-raw", file, "-"])
        #expect(text.split(whereSeparator: \.isWhitespace).map(String.init) == words, "\(text)")
        // Word boxes in points (the page at 300 dpi), top down, against ours.
        let html = try Self.run(tools[1], ["-raw", "-bbox", file, "-"])
        let found = html.components(separatedBy: "<word ").dropFirst().map { entry -> (String, [Double]) in
            let values = ["xMin", "yMin", "xMax", "yMax"].map { key -> Double in
                let start = entry.range(of: key + "=\"")!.upperBound
                return Double(entry[start...].prefix { $0 != "\"" })!
            }
            let text = entry[entry.range(of: ">")!.upperBound...].prefix { $0 != "<" }
            return (String(text), values.map { $0 * 300 / 72 })
        }
        let ours = page.result.lines.flatMap(\.words)
        #expect(found.map(\.0) == ours.map(\.text))
        var overlaps = [Double]()
        for ((_, box), word) in zip(found, ours) {
            let b = word.box
            let ix = max(0, min(box[2], Double(b.x + b.width)) - max(box[0], Double(b.x)))
            let iy = max(0, min(box[3], Double(b.y + b.height)) - max(box[1], Double(b.y)))
            let union = (box[2] - box[0]) * (box[3] - box[1]) + Double(b.width * b.height) - ix * iy
            overlaps.append(ix * iy / union)
            // Across, the layer's word is ours to within a pixel.
            #expect(abs(box[0] - Double(b.x)) < 1.5 && abs(box[2] - Double(b.x + b.width)) < 1.5, "\(word.text)")
        }
        let median = overlaps.sorted()[overlaps.count / 2]
        #expect(median >= 0.5, "median IoU \(median)")
    }

    /// A TIFF page of one strip of CCITT Group 4 goes in as it is stored, either photometric
    /// convention; with poppler there, the image it holds is the page's, pixel for pixel.
    @Test(arguments: ["bilevel_Group4.tif", "bilevel_Group4_min_is_black.tif"])
    func group4PagesArePassedOn(_ name: String) throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../ImagingTests/Fixtures").standardized.path
        let tiff = fixtures + "/" + name
        guard case .group4(let data, let width, let height, _) = try PDF.PageImage.of(file: tiff) else {
            Issue.record("\(name) not passed on"); return
        }
        #expect(width == 37 && height == 21 && !data.isEmpty)
        // Not Group 4: decoded.
        guard case .bilevel = try PDF.PageImage.of(file: fixtures + "/bilevel_LZW.tif") else { Issue.record("LZW not bilevel"); return }
        let page = DocumentPage(result: RecognitionResult(lines: [], width: 37, height: 21), imagePath: tiff)
        let file = try temporaryPath("g4.pdf")
        try Data(PDF.document([PDF.Page(page: page, image: try PDF.PageImage.of(file: tiff))], created: Date())).write(to: URL(fileURLWithPath: file))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdfimages") else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI checks PDFs: install poppler-utils")
            return
        }
        let prefix = (file as NSString).deletingPathExtension
        _ = try Self.run("/usr/bin/pdfimages", ["-png", file, prefix])
        let image = try ImageDecoder().decodeGray(contentsOf: prefix + "-000.png")
        let pattern = (0..<(37 * 21)).map { i -> UInt8 in (i % 37 * 3 + i / 37 * 5) % 7 < 3 ? 0 : 255 }
        #expect(image.width == 37 && image.pixels == pattern)
    }

    /// Where `needle` first comes in `bytes` from `start`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
