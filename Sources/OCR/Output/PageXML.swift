import Foundation

/// PAGE XML 2019-07-15 (the PRImA format OCR-D and transcription tools exchange), valid against
/// its schema: Metadata (the software, dates), Page with the image's file name and size, a
/// ReadingOrder of the text regions, one TextRegion per block holding TextLine (Coords,
/// Baseline), Word and Glyph, each with its Coords and a TextEquiv with its confidence (0-1);
/// the photos the layout left out as ImageRegion. One document holds one page.
public enum PageXML {
    public static let namespace = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"

    /// The document of one page; `created` is written as its creation and last change.
    public static func document(_ page: DocumentPage, created: Date) -> String {
        let r = page.result
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let date = formatter.string(from: created)
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PcGts xmlns="\(namespace)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="\(namespace) \(namespace)/pagecontent.xsd">
              <Metadata>
                <Creator>\(OCRVersion.nameAndVersion)</Creator>
                <Created>\(date)</Created>
                <LastChange>\(date)</LastChange>
              </Metadata>
              <Page imageFilename="\(xmlEscaped(page.imageFileName))" imageWidth="\(r.width)" imageHeight="\(r.height)">

            """
        let blocks = DocumentLayout.blocks(of: r)
        if !blocks.isEmpty {
            out += "    <ReadingOrder>\n      <OrderedGroup id=\"reading_order\">\n"
            for b in blocks.indices { out += "        <RegionRefIndexed index=\"\(b)\" regionRef=\"region_\(b + 1)\"/>\n" }
            out += "      </OrderedGroup>\n    </ReadingOrder>\n"
        }
        func coords(_ box: PixelBox) -> String { "<Coords points=\"\(points(box, width: r.width, height: r.height))\"/>" }
        func equiv(_ text: String, _ confidence: Float?) -> String {
            let conf = confidence.map { " conf=\"\(String(format: "%.3f", min(max($0, 0), 1)))\"" } ?? ""
            return "<TextEquiv\(conf)><Unicode>\(xmlEscaped(text))</Unicode></TextEquiv>"
        }
        var word = 0
        for (b, lines) in blocks.enumerated() {
            let region = "region_\(b + 1)"
            out += "    <TextRegion id=\"\(region)\">\n      \(coords(DocumentLayout.box(ofBlock: b, in: r)))\n"
            for (l, line) in lines.enumerated() {
                let id = "\(region)_line_\(l + 1)"
                out += "      <TextLine id=\"\(id)\">\n        \(coords(line.box))\n"
                let base = line.baseline, left = Double(line.box.x), right = Double(line.box.x + line.box.width - 1)
                let clampRow = { (y: Double) in min(max(Int(y.rounded()), 0), max(0, r.height - 1)) }
                out += "        <Baseline points=\"\(max(0, Int(left))),\(clampRow(base.y)) \(max(0, Int(right))),\(clampRow(base.row(atColumn: right, from: left)))\"/>\n"
                for w in line.words {
                    word += 1
                    out += "        <Word id=\"\(id)_word_\(word)\">\n          \(coords(w.box))\n"
                    for (g, c) in w.characters.enumerated() {
                        out += "          <Glyph id=\"\(id)_word_\(word)_glyph_\(g + 1)\">\(coords(c.box))\(equiv(String(c.character), c.confidence))</Glyph>\n"
                    }
                    out += "          \(equiv(w.text, w.confidence))\n        </Word>\n"
                }
                out += "        \(equiv(line.text, line.confidence))\n      </TextLine>\n"
            }
            out += "      \(equiv(lines.map(\.text).joined(separator: "\n"), nil))\n    </TextRegion>\n"
        }
        for (k, photo) in r.photos.enumerated() {
            out += "    <ImageRegion id=\"photo_\(k + 1)\">\n      \(coords(photo))\n    </ImageRegion>\n"
        }
        return out + "  </Page>\n</PcGts>\n"
    }

    /// A box's corners clockwise from the top left, within the image (PAGE's points are never
    /// negative), as `x,y x,y x,y x,y`.
    static func points(_ box: PixelBox, width: Int, height: Int) -> String {
        let x0 = min(max(box.x, 0), max(0, width - 1)), y0 = min(max(box.y, 0), max(0, height - 1))
        let x1 = min(max(box.x + box.width - 1, x0), max(0, width - 1)), y1 = min(max(box.y + box.height - 1, y0), max(0, height - 1))
        return "\(x0),\(y0) \(x1),\(y0) \(x1),\(y1) \(x0),\(y1)"
    }
}
