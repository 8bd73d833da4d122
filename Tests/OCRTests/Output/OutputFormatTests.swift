import Foundation
import Testing
@testable import OCR

@Suite struct OutputFormatTests {
    let result = RecognitionResult(lines: [
        RecognizedLine(text: "a\tb", confidence: 0.5,
                       characters: [RecognizedCharacter(character: "a", confidence: 0.5, x: 1..<9)],
                       box: PixelBox(x: 1, y: 2, width: 30, height: 10)),
    ])

    /// Two lines in two blocks: "ab cd" and "e".
    static func character(_ c: Character, _ x: Int, confidence: Float = 0.9) -> RecognizedCharacter {
        RecognizedCharacter(character: c, confidence: confidence, x: x..<(x + 8),
                            box: PixelBox(x: x, y: c == " " ? 10 : 12 + x % 3, width: 8, height: c == " " ? 20 : 14))
    }
    let page = RecognitionResult(lines: [
        RecognizedLine(text: "ab cd", confidence: 0.3,
                       characters: [character("a", 10), character("b", 18, confidence: 0.3), character(" ", 26),
                                    character("c", 34), character("d", 42)],
                       box: PixelBox(x: 8, y: 10, width: 44, height: 20), block: 0),
        RecognizedLine(text: "e", confidence: 0.9, characters: [character("e", 200)],
                       box: PixelBox(x: 198, y: 10, width: 12, height: 20), block: 1),
    ], blocks: [RecognizedBlock(box: PixelBox(x: 8, y: 10, width: 44, height: 20)),
                RecognizedBlock(box: PixelBox(x: 198, y: 10, width: 12, height: 20))],
       skewDegrees: 1.5, width: 300, height: 40)

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
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        let line = try #require((blocks.first?["lines"] as? [[String: Any]])?.first)
        #expect((line["box"] as? [String: Int]) == ["x": 1, "y": 2, "width": 30, "height": 10])
        #expect(OutputFormat.json.failureRecord(path: "p.png", reason: "bad") == "{\"error\":\"bad\",\"path\":\"p.png\"}\n")
        #expect(OutputFormat.text.record(of: result, path: "p.png") == "a\tb\n" && OutputFormat.text.failureRecord(path: "p", reason: "r").isEmpty)
    }

    /// Words are the characters between spaces: their box is their characters' union, their
    /// confidence the lowest of theirs.
    @Test func wordsComeFromTheCharactersBetweenSpaces() {
        let words = page.lines[0].words
        #expect(words.map(\.text) == ["ab", "cd"])
        #expect(words.map(\.confidence) == [0.3, 0.9])
        #expect(words[0].box == PixelBox(x: 10, y: 12, width: 16, height: 14 + 1))   // rows 12-26 and 13-27
        #expect(words[1].box == PixelBox(x: 34, y: 12, width: 16, height: 14 + 1))
        #expect(RecognizedLine(text: " ", confidence: 1, characters: [Self.character(" ", 0)], box: PixelBox(x: 0, y: 0, width: 8, height: 8)).words.isEmpty)
    }

    /// JSON holds the page: its size and skew, then blocks → lines → words → characters, each
    /// with its box (and each but a block with its confidence).
    @Test func jsonNestsPageBlocksLinesWordsCharacters() throws {
        let record = OutputFormat.json.record(of: page, path: "p.png")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        #expect(object["width"] as? Int == 300 && object["height"] as? Int == 40 && object["skew"] as? Double == 1.5)
        #expect(object["text"] as? String == "ab cd\n\ne")
        let blocks = try #require(object["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2)
        #expect((blocks[1]["box"] as? [String: Int]) == ["x": 198, "y": 10, "width": 12, "height": 20])
        let lines = try #require(blocks[0]["lines"] as? [[String: Any]])
        let words = try #require(lines.first?["words"] as? [[String: Any]])
        #expect(words.map { $0["text"] as? String } == ["ab", "cd"])
        #expect((words[1]["box"] as? [String: Int]) == ["x": 34, "y": 12, "width": 16, "height": 15])
        let characters = try #require(words[0]["characters"] as? [[String: Any]])
        #expect(characters.map { $0["char"] as? String } == ["a", "b"])
        #expect(abs((characters[1]["confidence"] as? Double ?? 0) - 0.3) < 1e-6)
        #expect((characters[1]["box"] as? [String: Int]) == ["x": 18, "y": 12, "width": 8, "height": 14])
        #expect(((blocks[1]["lines"] as? [[String: Any]])?.first?["text"] as? String) == "e")
    }
}
