import Foundation

/// What `ocr recognize` writes for each input: its text (lines, nothing for a failure), one TSV
/// row (path, text, confidence, each field escaped by ``escapingTSV(_:)``; a failure has empty
/// text and confidence and the reason in a fourth column), or one JSON object per line of output.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, tsv, json

    /// The record of an input that could not be read: JSON and TSV hold one for every input (TSV:
    /// empty text and confidence, the reason in a fourth column); text has no records.
    public func failureRecord(path: String, reason: String) -> String {
        switch self {
        case .json: return Self.json(["path": .string(path), "error": .string(reason)]) + "\n"
        case .tsv: return "\(escapingTSV(path))\t\t\t\(escapingTSV(reason))\n"
        case .text: return ""
        }
    }

    /// The record of a recognized input: its text's lines (text), one row (TSV), one object (JSON).
    public func record(of result: RecognitionResult, path: String) -> String {
        switch self {
        case .tsv:
            return "\(escapingTSV(path))\t\(escapingTSV(result.text))\t"
                + String(format: "%.4f", result.confidence) + "\n"
        case .json:
            let lines: [JSONValue] = result.lines.map { line in
                .object([
                    "text": .string(line.text), "confidence": .number(Double(line.confidence)), "block": .number(Double(line.block)),
                    "box": .object(["x": .number(Double(line.box.x)), "y": .number(Double(line.box.y)),
                                    "width": .number(Double(line.box.width)), "height": .number(Double(line.box.height))]),
                    "characters": .array(line.characters.map { c in
                        .object(["char": .string(String(c.character)), "confidence": .number(Double(c.confidence)),
                                 "x": .array([.number(Double(c.x.lowerBound)), .number(Double(c.x.upperBound))])])
                    }),
                ])
            }
            return Self.json(["path": .string(path), "text": .string(result.text), "skew": .number(Double(result.skewDegrees)),
                              "confidence": .number(Double(result.confidence)), "lines": .array(lines)]) + "\n"
        case .text:
            return result.lines.isEmpty ? "" : result.text + "\n"
        }
    }

    private static func json(_ object: [String: JSONValue]) -> String { JSONValue.object(object).serialized }
}
