import Foundation
import Imaging

/// What `ocr recognize` writes for each input: its text (lines, nothing for a failure), one TSV
/// row (path, text, confidence, each field escaped by ``escapingTSV(_:)``; a failure has empty
/// text and confidence and the reason in a fourth column), one JSON object per line of output
/// (the page, its blocks, their lines, words and characters, each with its box and confidence),
/// or a document: hOCR (``HOCR``), ALTO (``ALTO``), PAGE XML (``PageXML``), a searchable PDF (``PDF``).
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, tsv, json, hocr, alto, page, pdf

    /// The formats that write one document per input (the others write one record per input
    /// into a stream of them).
    public var isDocument: Bool { self == .hocr || self == .alto || self == .page || self == .pdf }

    /// The ending of the file one input's output goes to with `--output-dir`.
    public var fileExtension: String {
        switch self {
        case .text: return "txt"
        case .tsv, .json, .hocr, .pdf: return rawValue
        case .alto: return "alto.xml"
        case .page: return "page.xml"
        }
    }

    /// One input's pages in this format, as the file of that input holds them: the pages' text
    /// (a form feed between pages), one TSV row (the pages' text joined by form feeds), a JSON
    /// object per page (numbered, `"page"`, when there are several), or the document.
    /// `created` dates a PAGE XML document.
    public func document(of pages: [DocumentPage], created: Date) -> String {
        switch self {
        case .text:
            return pages.map { record(of: $0.result, path: $0.imagePath) }.joined(separator: "\u{0C}")
        case .tsv:
            // One row for the file: its pages' text, a form feed between them.
            guard pages.count > 1, let first = pages.first else { return pages.map { record(of: $0.result, path: $0.imagePath) }.joined() }
            let text = pages.map(\.result.text).joined(separator: "\u{0C}")
            let confidence = pages.map(\.result.confidence).min() ?? 1
            return "\(escapingTSV(first.imagePath))\t\(escapingTSV(text))\t" + String(format: "%.4f", confidence) + "\n"
        case .json:
            // An object a page; a file of several pages numbers them.
            guard pages.count > 1 else { return pages.map { record(of: $0.result, path: $0.imagePath) }.joined() }
            return pages.map { page in
                var object = Self.page(page.result, path: page.imagePath)
                object["page"] = .number(Double(page.number))
                return Self.json(object) + "\n"
            }.joined()
        case .hocr: return HOCR.document(pages)
        case .alto: return ALTO.document(pages)
        case .page: return pages.first.map { PageXML.document($0, created: created) } ?? ""
        case .pdf: return ""
        }
    }

    /// ``document(of:created:)`` as the bytes of its file; a PDF reads each page's image again
    /// from its file (`decoder` with the limits the pages were read with).
    /// `visibleText` draws a PDF's text layer (each character's cell) instead of hiding it.
    public func data(of pages: [DocumentPage], created: Date, decoder: ImageDecoder = ImageDecoder(),
                     visibleText: Bool = false) throws(ImageError) -> [UInt8] {
        guard self == .pdf else { return Array(document(of: pages, created: created).utf8) }
        var pdfPages = [PDF.Page]()
        for page in pages {
            pdfPages.append(PDF.Page(page: page, image: try PDF.PageImage.of(file: page.imagePath, page: page.number, decoder: decoder)))
        }
        return PDF.document(pdfPages, created: created, visibleText: visibleText)
    }

    /// The record of an input that could not be read: JSON and TSV hold one for every input (TSV:
    /// empty text and confidence, the reason in a fourth column); text has no records.
    public func failureRecord(path: String, reason: String) -> String {
        switch self {
        case .json: return Self.json(["path": .string(path), "error": .string(reason)]) + "\n"
        case .tsv: return "\(escapingTSV(path))\t\t\t\(escapingTSV(reason))\n"
        case .text, .hocr, .alto, .page, .pdf: return ""
        }
    }

    /// The record of a recognized input: its text's lines (text), one row (TSV), one object (JSON).
    public func record(of result: RecognitionResult, path: String) -> String {
        switch self {
        case .tsv:
            return "\(escapingTSV(path))\t\(escapingTSV(result.text))\t"
                + String(format: "%.4f", result.confidence) + "\n"
        case .json:
            return Self.json(Self.page(result, path: path)) + "\n"
        case .text:
            return result.lines.isEmpty ? "" : result.text + "\n"
        case .hocr, .alto, .page:
            return document(of: [DocumentPage(result: result, imagePath: path)], created: Date())
        case .pdf:
            return ""
        }
    }

    private static func json(_ object: [String: JSONValue]) -> String { JSONValue.object(object).serialized }

    /// A result as JSON: the page (path, size, skew, text, confidence) → blocks (box) → lines
    /// (text, confidence, box) → words (text, confidence, box) → characters (char, confidence,
    /// box); and the boxes of the photos left out. A box is `{x, y, width, height}` in pixels of
    /// the image; confidences are 0-1.
    static func page(_ result: RecognitionResult, path: String) -> [String: JSONValue] {
        func box(_ b: PixelBox) -> JSONValue {
            .object(["x": .number(Double(b.x)), "y": .number(Double(b.y)), "width": .number(Double(b.width)),
                     "height": .number(Double(b.height))])
        }
        func line(_ line: RecognizedLine) -> JSONValue {
            .object([
                "text": .string(line.text), "confidence": .number(Double(line.confidence)), "box": box(line.box),
                "words": .array(line.words.map { word in
                    .object([
                        "text": .string(word.text), "confidence": .number(Double(word.confidence)), "box": box(word.box),
                        "characters": .array(word.characters.map { c in
                            .object(["char": .string(String(c.character)), "confidence": .number(Double(c.confidence)),
                                     "box": box(c.box)])
                        }),
                    ])
                }),
            ])
        }
        // A result put together without blocks still lists its lines, in blocks of their indices.
        let blockCount = max(result.blocks.count, (result.lines.map(\.block).max() ?? -1) + 1)
        let blocks: [JSONValue] = (0..<blockCount).map { b in
            var object: [String: JSONValue] = ["lines": .array(result.lines.filter { $0.block == b }.map(line))]
            if b < result.blocks.count { object["box"] = box(result.blocks[b].box) }
            return .object(object)
        }
        return ["path": .string(path), "width": .number(Double(result.width)), "height": .number(Double(result.height)),
                "skew": .number(Double(result.skewDegrees)), "text": .string(result.text),
                "confidence": .number(Double(result.confidence)), "blocks": .array(blocks),
                "photos": .array(result.photos.map(box))]
    }
}
