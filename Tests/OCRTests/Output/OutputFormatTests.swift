import Foundation
import Testing
@testable import OCR

@Suite struct OutputFormatTests {
    let result = RecognitionResult(lines: [
        RecognizedLine(text: "a\tb", confidence: 0.5,
                       characters: [RecognizedCharacter(character: "a", confidence: 0.5, x: 1..<9)],
                       box: PixelBox(x: 1, y: 2, width: 30, height: 10)),
    ])

    /// TSV fields stay on one row and can be read back: `\r\n` is `\r\n`, not `\n`; a terminal
    /// escape is `\x1B`; a backslash is doubled.
    @Test func tsvEscapesEveryControlCharacter() {
        #expect(escapingTSV("a\r\nb\\c\u{1B}[0m\u{7F}") == "a\\r\\nb\\\\c\\x1B[0m\\x7F")
        #expect(escapingControls("dir\\name\n") == "dir\\name\\n")
        #expect(OutputFormat.tsv.record(of: result, path: "x\ny.png") == "x\\ny.png\ta\\tb\t0.5000\n")
        #expect(OutputFormat.tsv.failureRecord(path: "p.png", reason: "bad") == "p.png\t\t\tbad\n")
    }

    /// JSON records are one line each, keys sorted, with boxes and characters.
    @Test func jsonRecordsHoldBoxesAndCharacters() throws {
        let record = OutputFormat.json.record(of: result, path: "p.png")
        #expect(record.hasSuffix("}\n") && record.dropLast().firstIndex(of: "\n") == nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(object["path"] as? String == "p.png" && object["text"] as? String == "a\tb")
        let line = try #require((object["lines"] as? [[String: Any]])?.first)
        #expect((line["box"] as? [String: Int]) == ["x": 1, "y": 2, "width": 30, "height": 10])
        #expect(OutputFormat.json.failureRecord(path: "p.png", reason: "bad") == "{\"error\":\"bad\",\"path\":\"p.png\"}\n")
        #expect(OutputFormat.text.record(of: result, path: "p.png") == "a\tb\n" && OutputFormat.text.failureRecord(path: "p", reason: "r").isEmpty)
    }
}
