import Foundation
import Imaging

/// A searchable PDF: each page's image, kept without loss, under an invisible text layer that
/// holds what was read, each word stretched over its box along the line's baseline, so that a
/// viewer finds, selects and copies the words where they are and `pdftotext` reads them in
/// reading order. The text is set in a font of empty glyphs (Type 3) whose ToUnicode map gives
/// each code its characters; text render mode 3 (invisible). A JPEG is passed on as it is, and
/// so is a TIFF page stored as one strip of CCITT Group 4; other images go in as Flate streams, 1 bit deep when they are black and white, gray when they have
/// no colour. The page's size comes from the image's resolution (300 dpi when not known).
public enum PDF {
    /// The image of a page as the PDF holds it.
    public enum PageImage: Sendable {
        /// A JPEG file's bytes, passed on (DCTDecode).
        case jpeg([UInt8], JPEGHeader)
        /// Black and white, 1 bit a pixel (0 black).
        case bilevel(GrayImage)
        /// A TIFF page's CCITT Group 4 data, passed on (CCITTFaxDecode).
        case group4([UInt8], width: Int, height: Int, blackIs1: Bool)
        case gray(GrayImage)
        case rgb(RGBImage)

        public var width: Int {
            switch self {
            case .jpeg(_, let h): return h.width
            case .group4(_, let width, _, _): return width
            case .bilevel(let g), .gray(let g): return g.width
            case .rgb(let c): return c.width
            }
        }

        public var height: Int {
            switch self {
            case .jpeg(_, let h): return h.height
            case .group4(_, _, let height, _): return height
            case .bilevel(let g), .gray(let g): return g.height
            case .rgb(let c): return c.height
            }
        }

        /// The image of the file at `path` as it is best kept: a JPEG (8 bits, gray or RGB,
        /// not turned by EXIF) as it is; anything else decoded, as black and white, gray or colour.
        public static func of(file path: String, page: Int = 1, decoder: ImageDecoder = ImageDecoder()) throws(ImageError) -> PageImage {
            let bytes = try decoder.readImageFile(path)
            if let header = JPEGHeader(bytes), header.precision == 8, !header.isTurned, header.components == 1 || header.components == 3,
               header.width * header.height <= decoder.maxPixels {
                return .jpeg(bytes, header)
            }
            if let g4 = decoder.group4Page(bytes, page: page) {
                return .group4(g4.data, width: g4.width, height: g4.height, blackIs1: g4.blackIs1)
            }
            return of(try decoder.decodeRGBPage(bytes, page: page, name: path).image)
        }

        /// The least image that keeps every pixel of `image`.
        public static func of(_ image: RGBImage) -> PageImage {
            var isGray = true, isBilevel = true
            var gray = [UInt8](repeating: 0, count: image.width * image.height)
            image.pixels.withUnsafeBufferPointer { p in
                for i in gray.indices {
                    let r = p[3 * i], g = p[3 * i + 1], b = p[3 * i + 2]
                    if r != g || g != b { isGray = false; break }
                    gray[i] = r
                    if r != 0 && r != 255 { isBilevel = false }
                }
            }
            guard isGray else { return .rgb(image) }
            let page = GrayImage(width: image.width, height: image.height, pixels: gray)
            return isBilevel ? .bilevel(page) : .gray(page)
        }
    }

    /// One page: what was read from it, and its image.
    public struct Page: Sendable {
        public var page: DocumentPage
        public var image: PageImage

        public init(page: DocumentPage, image: PageImage) {
            self.page = page
            self.image = image
        }
    }

    /// The pixels per inch a page is set at when its file does not say.
    public static let defaultResolution = 300.0

    /// The PDF file of `pages`. `created` dates it; `visibleText` draws each character's cell
    /// instead of hiding the text (to see where the text layer lies).
    public static func document(_ pages: [Page], created: Date, visibleText: Bool = false) -> [UInt8] {
        var writer = Writer()
        // Object numbers: 1 catalog, 2 page tree, 3 info, then the fonts, then per page its
        // page, content and image.
        let fonts = FontSet(characters: pages.flatMap { $0.page.result.lines.flatMap { $0.characters.map(\.character) } })
        let firstFont = 4, firstPage = firstFont + fonts.objectCount
        let pageObjects = pages.indices.map { firstPage + 3 * $0 }
        writer.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
        writer.object(2, "<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "'D:'yyyyMMddHHmmss'Z'"
        writer.object(3, "<< /Producer (\(OCRVersion.nameAndVersion)) /Creator (\(OCRVersion.nameAndVersion)) /CreationDate (\(formatter.string(from: created))) >>")
        fonts.write(into: &writer, from: firstFont, visible: visibleText)
        for (k, page) in pages.enumerated() {
            let number = pageObjects[k]
            let resolution = page.page.resolution ?? (defaultResolution, defaultResolution)
            let scaleX = 72 / resolution.x, scaleY = 72 / resolution.y
            let width = Double(page.image.width) * scaleX, height = Double(page.image.height) * scaleY
            let fontRefs = fonts.names.enumerated().map { "/\($1) \(firstFont + 4 * $0) 0 R" }.joined(separator: " ")
            writer.object(number, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(number4(width)) \(number4(height))] "
                          + "/Contents \(number + 1) 0 R /Resources << /XObject << /Im0 \(number + 2) 0 R >> /Font << \(fontRefs) >> >> >>")
            let text = textLayer(page.page.result, fonts: fonts, scaleX: scaleX, scaleY: scaleY, pageHeight: height, visible: visibleText)
            let content = "q \(number4(width)) 0 0 \(number4(height)) 0 0 cm /Im0 Do Q\n" + text
            writer.stream(number + 1, dictionary: "", data: deflated(Array(content.utf8)), filter: "/FlateDecode")
            writeImage(page.image, number: number + 2, into: &writer)
        }
        return writer.finish(root: 1, info: 3)
    }

    static func number4(_ v: Double) -> String {
        let s = String(format: "%.4f", v)
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return t == "-0" ? "0" : String(t)
    }

    static func writeImage(_ image: PageImage, number: Int, into writer: inout Writer) {
        let size = "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height)"
        switch image {
        case .jpeg(let bytes, let header):
            let space = header.components == 1 ? "/DeviceGray" : "/DeviceRGB"
            writer.stream(number, dictionary: "\(size) /ColorSpace \(space) /BitsPerComponent 8", data: bytes, filter: "/DCTDecode")
        case .group4(let data, let width, let height, let blackIs1):
            writer.stream(number, dictionary: "\(size) /ColorSpace /DeviceGray /BitsPerComponent 1 "
                          + "/DecodeParms << /K -1 /Columns \(width) /Rows \(height) /BlackIs1 \(blackIs1) >>",
                          data: data, filter: "/CCITTFaxDecode")
        case .bilevel(let g):
            // Rows of bits, the first pixel the high bit, each row padded to a byte; 0 black.
            let rowBytes = (g.width + 7) / 8
            var packed = [UInt8](repeating: 0, count: rowBytes * g.height)
            for y in 0..<g.height {
                for x in 0..<g.width where g.pixels[y * g.width + x] != 0 { packed[y * rowBytes + x / 8] |= 0x80 >> UInt8(x % 8) }
            }
            writer.stream(number, dictionary: "\(size) /ColorSpace /DeviceGray /BitsPerComponent 1", data: deflated(packed), filter: "/FlateDecode")
        case .gray(let g):
            writer.stream(number, dictionary: "\(size) /ColorSpace /DeviceGray /BitsPerComponent 8", data: deflated(g.pixels), filter: "/FlateDecode")
        case .rgb(let c):
            writer.stream(number, dictionary: "\(size) /ColorSpace /DeviceRGB /BitsPerComponent 8", data: deflated(c.pixels), filter: "/FlateDecode")
        }
    }

    /// The text of a page as PDF text objects: per line a font size of the line's ink height,
    /// per word a text matrix on the baseline (turned by its slope) and a horizontal scaling
    /// that stretches the word, and the space after it, over its box and the gap to the next.
    static func textLayer(_ result: RecognitionResult, fonts: FontSet, scaleX: Double, scaleY: Double, pageHeight: Double,
                          visible: Bool) -> String {
        var out = "BT\n\(visible ? 0 : 3) Tr\n"
        if visible { out += "1 0 0 RG 0.3 w\n" }
        for line in result.lines {
            let words = line.words
            guard !words.isEmpty else { continue }
            let base = line.baseline, left = Double(line.box.x)
            // The size of the type: the line's ink height (its box less the margin of a sixth
            // of the ink above and below), in points; the font's ascent and descent (3/4, 1/4 of
            // the size) then span it from the baseline.
            let size = max(1, Double(line.box.height) * 0.75 * scaleY)
            // The baseline's direction on the page (PDF's y is up).
            let angle = atan(-base.slope * scaleY / scaleX)
            let (c, s) = (cos(angle), sin(angle))
            for (k, word) in words.enumerated() {
                let x = Double(word.box.x) * scaleX
                let y = pageHeight - base.row(atColumn: Double(word.box.x), from: left) * scaleY
                out += "\(number4(c)) \(number4(s)) \(number4(-s)) \(number4(c)) \(number4(x)) \(number4(y)) Tm\n"
                // The word stretched over its box, then a space over the gap to the next word.
                let characters = word.characters.map(\.character)
                out += "\(number4(stretch(characters.count, over: Double(word.box.width) * scaleX, size: size))) Tz "
                    + show(characters, fonts: fonts, size: size)
                if k + 1 < words.count {
                    let gap = Double(words[k + 1].box.x - word.box.x - word.box.width) * scaleX
                    out += "\(number4(stretch(1, over: gap, size: size))) Tz " + show([" "], fonts: fonts, size: size)
                }
            }
        }
        return out + "ET\n"
    }

    /// The horizontal scaling (percent) that makes `count` glyphs of `size` span `width` points.
    static func stretch(_ count: Int, over width: Double, size: Double) -> Double {
        max(0.1, 100 * width / (Double(count) * FontSet.advance / 1000 * size))
    }

    /// `characters` shown, a Tj per run of one font.
    static func show(_ characters: [Character], fonts: FontSet, size: Double) -> String {
        var out = "", run = "", runFont = -1
        func flush() {
            if !run.isEmpty { out += "/\(fonts.names[runFont]) \(number4(size)) Tf <\(run)> Tj " }
            run = ""
        }
        for character in characters {
            let (font, code) = fonts.code(of: character)
            if font != runFont { flush(); runFont = font }
            run += String(format: "%02X", code)
        }
        flush()
        return out + "\n"
    }

    /// The fonts of a document: every character it holds gets a code in one of them (254 a font;
    /// a space is code 32), each with a ToUnicode map back to its characters.
    struct FontSet {
        static let advance = 500.0  // every glyph's width, in thousandths of the size
        var codes = [Character: (font: Int, code: UInt8)]()
        var characters = [[(code: UInt8, character: Character)]]()
        var names: [String] { characters.indices.map { "F\($0 + 1)" } }
        var objectCount: Int { 4 * characters.count }

        init(characters all: [Character]) {
            let free = Array(UInt8(1)...UInt8(31)) + Array(UInt8(33)...UInt8(255))
            characters = [[(32, " ")]]
            codes[" "] = (0, 32)
            var used = 0
            for character in all where codes[character] == nil {
                if used == free.count { characters.append([(32, " ")]); used = 0 }
                let f = characters.count - 1
                characters[f].append((free[used], character))
                codes[character] = (f, free[used])
                used += 1
            }
        }

        /// The font and code of `character` (a space: code 32 of whichever font is current).
        func code(of character: Character) -> (font: Int, code: UInt8) { codes[character] ?? (0, 32) }

        /// Each font as four objects from `first`: the font, its glyph, its ToUnicode map, its
        /// descriptor (the ascent and descent viewers highlight a selection with).
        func write(into writer: inout Writer, from first: Int, visible: Bool) {
            for (f, entries) in characters.enumerated() {
                let number = first + 4 * f
                writer.object(number + 3, "<< /Type /FontDescriptor /FontName /\(names[f]) /Flags 4 /FontBBox [0 -250 \(Int(Self.advance)) 750] "
                              + "/ItalicAngle 0 /Ascent 750 /Descent -250 /CapHeight 750 /StemV 0 >>")
                let widths = Array(repeating: "\(Int(Self.advance))", count: 256).joined(separator: " ")
                writer.object(number, "<< /Type /Font /Subtype /Type3 /FontBBox [0 -250 \(Int(Self.advance)) 750] "
                              + "/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /g \(number + 1) 0 R >> "
                              + "/Encoding << /Type /Encoding /Differences [0 \(Array(repeating: "/g", count: 256).joined(separator: " "))] >> "
                              + "/FirstChar 0 /LastChar 255 /Widths [\(widths)] /Resources << >> /ToUnicode \(number + 2) 0 R "
                              + "/FontDescriptor \(number + 3) 0 R >>")
                // An empty glyph (d1: its width and an empty box); drawn as its cell when visible.
                let glyph = visible ? "\(Int(Self.advance)) 0 d0\n0 -250 \(Int(Self.advance)) 1000 re S\n"
                    : "\(Int(Self.advance)) 0 0 0 0 0 d1\n"
                writer.stream(number + 1, dictionary: "", data: Array(glyph.utf8), filter: nil)
                var map = """
                    /CIDInit /ProcSet findresource begin
                    12 dict begin
                    begincmap
                    /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
                    /CMapName /Adobe-Identity-UCS def
                    /CMapType 2 def
                    1 begincodespacerange
                    <00> <FF>
                    endcodespacerange

                    """
                // At most 100 entries a block, as the CMap format asks.
                for start in stride(from: 0, to: entries.count, by: 100) {
                    let block = entries[start..<min(start + 100, entries.count)]
                    map += "\(block.count) beginbfchar\n"
                    for (code, character) in block {
                        map += String(format: "<%02X> <", code) + String(character).utf16.map { String(format: "%04X", $0) }.joined() + ">\n"
                    }
                    map += "endbfchar\n"
                }
                map += "endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n"
                writer.stream(number + 2, dictionary: "", data: deflated(Array(map.utf8)), filter: "/FlateDecode")
            }
        }
    }

    /// The bytes of a PDF file as its objects are added, and the cross-reference table that
    /// says where each begins.
    struct Writer {
        var bytes = Array("%PDF-1.5\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets = [Int: Int]()

        mutating func object(_ number: Int, _ body: String) {
            offsets[number] = bytes.count
            bytes += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }

        mutating func stream(_ number: Int, dictionary: String, data: [UInt8], filter: String?) {
            offsets[number] = bytes.count
            let filterEntry = filter.map { " /Filter \($0)" } ?? ""
            bytes += Array("\(number) 0 obj\n<< \(dictionary)\(filterEntry) /Length \(data.count) >>\nstream\n".utf8)
            bytes += data
            bytes += Array("\nendstream\nendobj\n".utf8)
        }

        /// The file: the objects, the cross-reference table, the trailer.
        mutating func finish(root: Int, info: Int) -> [UInt8] {
            let count = (offsets.keys.max() ?? 0) + 1
            let start = bytes.count
            var table = "xref\n0 \(count)\n0000000000 65535 f \n"
            for n in 1..<count { table += String(format: "%010d 00000 n \n", offsets[n] ?? 0) }
            table += "trailer\n<< /Size \(count) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(start)\n%%EOF\n"
            bytes += Array(table.utf8)
            return bytes
        }
    }
}
