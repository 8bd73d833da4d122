import Foundation
import Imaging
import Testing
import TestSupport
@testable import OCR

/// hOCR, ALTO and PAGE XML of a page read with the shipped model: well-formed, their structure
/// as the formats define it, every word of the text output in order, each inside its line.
@Suite struct DocumentFormatTests {
    /// Two columns of six lines, read once: the page, its document page (a 300 dpi scan with a
    /// photo box added), and its words in text order.
    static let read: (page: DocumentPage, words: [String])? = {
        let items = TestPages.column("c1", lines: 6, x: 40, y: 40) + TestPages.column("c2", lines: 6, x: 520, y: 40)
        guard let image = try? TestPages.page(width: 960, height: 260, items),
              var result = try? Recognizer(modelPath: TestModels.shippedModelPath).recognize(image) else { return nil }
        result.photos = [PixelBox(x: 900, y: 200, width: 40, height: 30)]
        let words = result.text.split(whereSeparator: \.isWhitespace).map(String.init)
        return (DocumentPage(result: result, imagePath: "scans/p & q.png", resolution: (300, 300)), words)
    }()

    /// `x0 y0 x1 y1` of an hOCR title's `bbox` (or `x_bboxes`).
    static func hocrBox(_ title: String?, key: String = "bbox") -> [Int] {
        guard let title, let part = title.components(separatedBy: ";").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + " ") }) else { return [] }
        return part.split(separator: " ").dropFirst().compactMap { Int($0) }
    }

    static func inside(_ inner: [Int], _ outer: [Int]) -> Bool {
        inner.count == 4 && outer.count == 4 && inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3]
    }

    @Test func hocrHoldsEveryWordInItsLine() throws {
        let (page, words) = try #require(Self.read)
        let root = try #require(ParsedXML.parse(HOCR.document([page])), "well-formed")
        let meta = Dictionary(uniqueKeysWithValues: root.elements("meta").compactMap { m in m.attributes["name"].map { ($0, m.attributes["content"] ?? "") } })
        #expect(meta["ocr-system"] == OCRVersion.nameAndVersion)
        #expect(meta["ocr-capabilities"]?.split(separator: " ").contains("ocrx_cinfo") == true)
        let pages = root.all.filter { $0.attributes["class"] == "ocr_page" }
        #expect(pages.count == 1)
        let title = try #require(pages.first?.attributes["title"])
        #expect(title.contains("image \"p & q.png\"") && title.contains("bbox 0 0 960 260") && title.contains("ppageno 0")
                && title.contains("scan_res 300 300"), "\(title)")
        let lines = root.all.filter { $0.attributes["class"] == "ocr_line" }
        #expect(lines.count == 12 && root.all.filter { $0.attributes["class"] == "ocr_carea" }.count == 2)
        var found = [String]()
        for line in lines {
            let lineBox = Self.hocrBox(line.attributes["title"])
            #expect(line.attributes["title"]?.contains("baseline ") == true && line.attributes["title"]?.contains("x_size ") == true)
            for word in line.children where word.attributes["class"] == "ocrx_word" {
                let characters = word.children.filter { $0.attributes["class"] == "ocrx_cinfo" }
                let text = characters.map(\.text).joined()
                found.append(text)
                #expect(Self.inside(Self.hocrBox(word.attributes["title"]), lineBox), "\(text) in \(lineBox)")
                let confidence = Self.hocrBox(word.attributes["title"], key: "x_wconf")
                #expect(confidence.count == 1 && (0...100).contains(confidence[0]))
                #expect(characters.allSatisfy { Self.hocrBox($0.attributes["title"], key: "x_bboxes").count == 4 })
            }
        }
        #expect(found == words)
        #expect(root.all.filter { $0.attributes["class"] == "ocr_photo" }.count == 1)
    }

    @Test func altoHoldsEveryWordInItsLine() throws {
        let (page, words) = try #require(Self.read)
        let root = try #require(ParsedXML.parse(ALTO.document([page])), "well-formed")
        #expect(root.name == "alto" && root.attributes["xmlns"] == ALTO.namespace)
        #expect(root.elements("MeasurementUnit").first?.text == "pixel" && root.elements("fileName").first?.text == "p & q.png")
        #expect(root.elements("softwareName").first?.text == OCRVersion.name)
        func box(_ e: ParsedXML) -> [Int] {
            let v = ["HPOS", "VPOS", "WIDTH", "HEIGHT"].compactMap { e.attributes[$0].flatMap { Int($0) } }
            return v.count == 4 ? [v[0], v[1], v[0] + v[2], v[1] + v[3]] : []
        }
        #expect(root.elements("TextBlock").count == 2 && root.elements("Illustration").count == 1)
        var found = [String]()
        for line in root.elements("TextLine") {
            let strings = line.children.filter { $0.name == "String" }
            #expect(line.children.filter { $0.name == "SP" }.count == strings.count - 1)
            for string in strings {
                let content = try #require(string.attributes["CONTENT"])
                found.append(content)
                #expect(Self.inside(box(string), box(line)), "\(content)")
                #expect(string.children.compactMap { $0.attributes["CONTENT"] }.joined() == content)
                let wc = try #require(string.attributes["WC"].flatMap { Double($0) })
                #expect((0...1).contains(wc))
                #expect(string.children.allSatisfy { $0.attributes["GC"].flatMap { Double($0) }.map { (0...1).contains($0) } == true })
            }
        }
        #expect(found == words)
        // Valid against the ALTO 4.2 schema where one is given (OCR_ALTO_XSD: not shipped here).
        if let schema = ProcessInfo.processInfo.environment["OCR_ALTO_XSD"] {
            #expect(try Self.validate(ALTO.document([page]), schema: schema) == "", "against \(schema)")
        }
    }

    /// A line read as nothing has no TextLine in ALTO (which needs a String in each), but keeps
    /// its place in hOCR and PAGE XML.
    @Test func aLineReadAsNothingIsNoAltoTextLine() throws {
        var (page, _) = try #require(Self.read)
        page.result.lines.insert(RecognizedLine(text: "", confidence: 1, characters: [], box: PixelBox(x: 40, y: 5, width: 100, height: 20)), at: 0)
        let alto = try #require(ParsedXML.parse(ALTO.document([page])))
        #expect(alto.elements("TextLine").count == 12 && alto.elements("TextLine").allSatisfy { $0.children.contains { $0.name == "String" } })
        #expect(ParsedXML.parse(PageXML.document(page, created: Date()))?.elements("TextLine").count == 13)
        if let schema = ProcessInfo.processInfo.environment["OCR_ALTO_XSD"] {
            #expect(try Self.validate(ALTO.document([page]), schema: schema) == "", "against \(schema)")
        }
    }

    @Test func pageXMLHoldsEveryWordInItsLine() throws {
        let (page, words) = try #require(Self.read)
        let document = PageXML.document(page, created: Date(timeIntervalSince1970: 1_800_000_000))
        let root = try #require(ParsedXML.parse(document), "well-formed")
        #expect(root.name == "PcGts" && root.attributes["xmlns"] == PageXML.namespace)
        #expect(root.elements("Created").first?.text == "2027-01-15T08:00:00")
        let pageElement = try #require(root.elements("Page").first)
        #expect(pageElement.attributes["imageFilename"] == "p & q.png" && pageElement.attributes["imageWidth"] == "960")
        // The reading order names the regions in the order they come.
        let regions = root.elements("TextRegion")
        #expect(root.elements("RegionRefIndexed").map { $0.attributes["regionRef"] ?? "" } == regions.map { $0.attributes["id"] ?? "" })
        func box(_ e: ParsedXML) -> [Int] {
            guard let points = e.children.first(where: { $0.name == "Coords" })?.attributes["points"] else { return [] }
            let xy = points.split(separator: " ").map { $0.split(separator: ",").compactMap { Int($0) } }
            return [xy.map { $0[0] }.min()!, xy.map { $0[1] }.min()!, xy.map { $0[0] }.max()! + 1, xy.map { $0[1] }.max()! + 1]
        }
        var found = [String]()
        for line in root.elements("TextLine") {
            #expect(line.children.map(\.name).first == "Coords" && line.children.contains { $0.name == "Baseline" })
            for word in line.children where word.name == "Word" {
                let text = try #require(word.children.last?.children.first?.text)
                found.append(text)
                #expect(Self.inside(box(word), box(line)), "\(text)")
                #expect(word.children.filter { $0.name == "Glyph" }.compactMap { $0.children.last?.children.first?.text }.joined() == text)
            }
        }
        #expect(found == words)
        #expect(root.elements("ImageRegion").count == 1)
        // Valid against the PAGE 2019-07-15 schema where one is given (OCR_PAGE_XSD: .ci/run
        // fetches it from the ocrd package when PyPI can be reached).
        if let schema = ProcessInfo.processInfo.environment["OCR_PAGE_XSD"] {
            #expect(try Self.validate(document, schema: schema) == "", "against \(schema)")
        }
    }

    /// xmllint's complaints about `document` against `schema` (empty when it validates).
    static func validate(_ document: String, schema: String) throws -> String {
        let file = try temporaryPath("document.xml")
        try Data(document.utf8).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", schema, file]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "" : output
    }

    /// Characters XML does not allow are replaced, markup characters escaped.
    @Test func xmlTextIsEscaped() {
        #expect(xmlEscaped("a<b>&\"c'\u{1}\td") == "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\td")
    }
}
