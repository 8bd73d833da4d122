import Foundation

/// hOCR 1.2 (the XHTML that Tesseract, OCRmyPDF's hocrtransform and many viewers read): one
/// `ocr_page` per page (image, bbox, ppageno, scan_res when known), an `ocr_carea` holding one
/// `ocr_par` per block, `ocr_line` (bbox, baseline, x_size), `ocrx_word` (bbox, x_wconf) and
/// `ocrx_cinfo` per character (x_bboxes, x_conf); the photos the layout left out as
/// `ocr_photo`. Boxes are `x0 y0 x1 y1`, the right and bottom edges exclusive; confidences 0-100.
public enum HOCR {
    /// The document's start: the XHTML head with the `ocr-system` and `ocr-capabilities` meta.
    public static func header(pages: Int) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
            "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
        <html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
         <head>
          <title></title>
          <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
          <meta name="ocr-system" content="\(OCRVersion.nameAndVersion)"/>
          <meta name="ocr-number-of-pages" content="\(pages)"/>
          <meta name="ocr-capabilities" content="ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrx_cinfo ocrp_wconf ocr_photo"/>
         </head>
         <body>

        """
    }

    public static let footer = " </body>\n</html>\n"

    /// A whole document of `pages`.
    public static func document(_ pages: [DocumentPage]) -> String {
        header(pages: pages.count) + pages.enumerated().map { page($1, index: $0) }.joined() + footer
    }

    static func bbox(_ b: PixelBox) -> String { "bbox \(b.x) \(b.y) \(b.x + b.width) \(b.y + b.height)" }

    /// One `ocr_page`, the `index`-th (from 0) of its document.
    public static func page(_ page: DocumentPage, index: Int) -> String {
        let r = page.result, p = index + 1
        var title = "image \"\(page.imageFileName)\"; \(bbox(PixelBox(x: 0, y: 0, width: r.width, height: r.height))); ppageno \(index)"
        if let res = page.resolution { title += "; scan_res \(Int(res.x.rounded())) \(Int(res.y.rounded()))" }
        var out = "  <div class='ocr_page' id='page_\(p)' title='\(xmlEscaped(title))'>\n"
        for (k, photo) in r.photos.enumerated() {
            out += "   <div class='ocr_photo' id='photo_\(p)_\(k + 1)' title='\(bbox(photo))'></div>\n"
        }
        var word = 0
        for (b, lines) in DocumentLayout.blocks(of: r).enumerated() {
            let box = DocumentLayout.box(ofBlock: b, in: r)
            out += "   <div class='ocr_carea' id='block_\(p)_\(b + 1)' title='\(bbox(box))'>\n"
            out += "    <p class='ocr_par' id='par_\(p)_\(b + 1)' lang='eng' title='\(bbox(box))'>\n"
            for (l, line) in lines.enumerated() {
                let base = line.baseline
                let bottom = Double(line.box.y + line.box.height)
                let slope = String(format: "%.4f", abs(base.slope) < 0.00005 ? 0 : base.slope), offset = Int((base.y - bottom).rounded())
                out += "     <span class='ocr_line' id='line_\(p)_\(b + 1)_\(l + 1)' title='\(bbox(line.box)); baseline \(slope) \(offset); x_size \(line.letterSize)'>"
                for w in line.words {
                    word += 1
                    out += "\n      <span class='ocrx_word' id='word_\(p)_\(word)' title='\(bbox(w.box)); x_wconf \(Int((w.confidence * 100).rounded()))'>"
                    for c in w.characters {
                        let conf = String(format: "%.2f", c.confidence * 100)
                        out += "<span class='ocrx_cinfo' title='x_bboxes \(c.box.x) \(c.box.y) \(c.box.x + c.box.width) \(c.box.y + c.box.height); x_conf \(conf)'>\(xmlEscaped(String(c.character)))</span>"
                    }
                    out += "</span>"
                }
                out += "\n     </span>\n"
            }
            out += "    </p>\n   </div>\n"
        }
        return out + "  </div>\n"
    }
}

/// The blocks of a result as the document formats walk them: each block's lines, in reading order.
enum DocumentLayout {
    /// Each block's lines; a result put together without blocks has blocks of its lines' indices.
    static func blocks(of result: RecognitionResult) -> [[RecognizedLine]] {
        let count = max(result.blocks.count, (result.lines.map(\.block).max() ?? -1) + 1)
        var out = [[RecognizedLine]](repeating: [], count: count)
        for line in result.lines { out[line.block].append(line) }
        return out
    }

    /// The block's box: the layout's (its ink) and its lines' (a margin around their ink), so
    /// that the lines lie inside it.
    static func box(ofBlock b: Int, in result: RecognitionResult) -> PixelBox {
        let lines = result.lines.filter { $0.block == b }.map(\.box)
        guard let first = b < result.blocks.count ? result.blocks[b].box : lines.first else { return PixelBox(x: 0, y: 0, width: 0, height: 0) }
        return lines.reduce(first) { $0.union($1) }
    }
}
