import Foundation

/// ALTO v4 (`http://www.loc.gov/standards/alto/ns-v4#`, what digital libraries ingest): a
/// Description (pixels as the unit, the image's file name, the software), then one Page per
/// page with its PrintSpace holding the photos as Illustration and one TextBlock per block of
/// TextLine, String (CONTENT, word confidence WC 0-1), SP between words and Glyph per character
/// (glyph confidence GC 0-1). Positions are in pixels of the image.
public enum ALTO {
    public static let namespace = "http://www.loc.gov/standards/alto/ns-v4#"

    /// The document of one input's pages.
    public static func document(_ pages: [DocumentPage]) -> String {
        // The scan's resolution, which pixels as the unit leave out, where the file gives it.
        let settings = pages.first?.resolution.map { r in
            "\n          <processingStepSettings>resolution \(Int(r.x.rounded()))x\(Int(r.y.rounded())) dpi</processingStepSettings>"
        } ?? ""
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <alto xmlns="\(namespace)" xmlns:xlink="http://www.w3.org/1999/xlink" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="\(namespace) http://www.loc.gov/alto/v4/alto-4-2.xsd">
              <Description>
                <MeasurementUnit>pixel</MeasurementUnit>
                <sourceImageInformation>
                  <fileName>\(xmlEscaped(pages.first?.imageFileName ?? ""))</fileName>
                </sourceImageInformation>
                <OCRProcessing ID="ocr_processing">
                  <ocrProcessingStep>\(settings)
                    <processingSoftware>
                      <softwareName>\(OCRVersion.name)</softwareName>
                      <softwareVersion>\(OCRVersion.version)</softwareVersion>
                    </processingSoftware>
                  </ocrProcessingStep>
                </OCRProcessing>
              </Description>
              <Layout>

            """
        for (index, page) in pages.enumerated() { out += self.page(page, index: index) }
        return out + "  </Layout>\n</alto>\n"
    }

    static func position(_ b: PixelBox) -> String {
        "HPOS=\"\(b.x)\" VPOS=\"\(b.y)\" WIDTH=\"\(b.width)\" HEIGHT=\"\(b.height)\""
    }

    static func confidence(_ c: Float) -> String { String(format: "%.3f", min(max(c, 0), 1)) }

    /// One Page, the `index`-th (from 0) of its document.
    static func page(_ page: DocumentPage, index: Int) -> String {
        let r = page.result, p = index + 1
        var out = "    <Page ID=\"page_\(p)\" PHYSICAL_IMG_NR=\"\(page.number)\" WIDTH=\"\(r.width)\" HEIGHT=\"\(r.height)\">\n"
        out += "      <PrintSpace \(position(PixelBox(x: 0, y: 0, width: r.width, height: r.height)))>\n"
        for (k, photo) in r.photos.enumerated() {
            out += "        <Illustration ID=\"photo_\(p)_\(k + 1)\" \(position(photo))/>\n"
        }
        var word = 0
        for (b, lines) in DocumentLayout.blocks(of: r).enumerated() {
            out += "        <TextBlock ID=\"block_\(p)_\(b + 1)\" \(position(DocumentLayout.box(ofBlock: b, in: r)))>\n"
            // A TextLine holds at least one String: a line read as nothing is left out.
            for (l, line) in lines.enumerated() where !line.words.isEmpty {
                out += "          <TextLine ID=\"line_\(p)_\(b + 1)_\(l + 1)\" \(position(line.box))>\n"
                let words = line.words
                for (k, w) in words.enumerated() {
                    word += 1
                    if k > 0 {
                        // The space between this word and the one before.
                        let before = words[k - 1].box
                        let gap = PixelBox(x: before.x + before.width, y: line.box.y, width: max(0, w.box.x - before.x - before.width),
                                           height: line.box.height)
                        out += "            <SP WIDTH=\"\(gap.width)\" HPOS=\"\(gap.x)\" VPOS=\"\(gap.y)\"/>\n"
                    }
                    out += "            <String ID=\"string_\(p)_\(word)\" CONTENT=\"\(xmlEscaped(w.text))\" \(position(w.box)) WC=\"\(confidence(w.confidence))\">\n"
                    for (g, c) in w.characters.enumerated() {
                        out += "              <Glyph ID=\"glyph_\(p)_\(word)_\(g + 1)\" CONTENT=\"\(xmlEscaped(String(c.character)))\" \(position(c.box)) GC=\"\(confidence(c.confidence))\"/>\n"
                    }
                    out += "            </String>\n"
                }
                out += "          </TextLine>\n"
            }
            out += "        </TextBlock>\n"
        }
        return out + "      </PrintSpace>\n    </Page>\n"
    }
}
