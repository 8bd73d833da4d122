import Foundation
import Imaging
import Platform
import OCRTraining
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct RecognizerTests {
    static func model() throws -> OCRModel {
        let charset = Charset(Array("0123456789 "))
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: charset.classCount)
        return OCRModel(architecture: architecture, charset: charset, seed: 5)
    }

    @Test func characterRangesMapToTheImage() {
        // 10 steps over 240 network columns, 20 of them paper added on each side of a 400-px line
        // at x = 50 scaled to 200 (2 line columns a network column): step t covers line columns
        // 2(24t - 20) ..< 2(24(t+1) - 20), clipped to the line, offset by 50.
        let line = SegmentedLine(box: PixelBox(x: 50, y: 0, width: 400, height: 30), image: GrayImage(width: 400, height: 30, value: 255))
        let characters = [DecodedCharacter(character: "a", classIndex: 1, confidence: 0.9, steps: 0...0),
                          DecodedCharacter(character: "b", classIndex: 2, confidence: 0.6, steps: 3...5),
                          DecodedCharacter(character: "c", classIndex: 3, confidence: 0.8, steps: 9...9)]
        let read = Recognizer.line(characters, steps: 10, networkWidth: 240, addedLeft: 20, scaledWidth: 200, line: line)
        #expect(read.text == "abc" && read.confidence == 0.6)
        #expect(read.characters.map(\.x) == [50..<58, 154..<298, 442..<450])
    }

    @Test func inputsAgreeAndBadInputsThrow() throws {
        let recognizer = Recognizer(model: try Self.model())
        let image = BitmapFont.render("0123 45")
        let fromImage = try recognizer.recognize(image)
        #expect(try recognizer.recognize(imageData: try PNGEncoder.encode(image)) == fromImage)
        #expect(try recognizer.recognize(pixels: image.pixels, width: image.width, height: image.height) == fromImage)
        #expect(fromImage.lines.count == 1 && fromImage.lines[0].box == PixelBox(x: 0, y: 0, width: image.width, height: image.height))
        #expect(throws: RecognitionError.self) { try recognizer.recognize(pixels: [1, 2, 3], width: 2, height: 2) }
        #expect(throws: RecognitionError.self) { try recognizer.recognize(imageData: Array("GIF89a".utf8)) }
        #expect(throws: RecognitionError.self) { try recognizer.recognize(contentsOf: URL(fileURLWithPath: "/nonexistent.png")) }
        #expect(throws: RecognitionError.self) { try Recognizer(modelPath: "/nonexistent.safetensors") }
        // Allowed characters: nothing outside the set is read.
        let digitsOnly = Recognizer(model: recognizer.model, allowedCharacters: Set("13"))
        #expect(try digitsOnly.recognize(image).text.allSatisfy { "13".contains($0) })
    }

    /// One recognizer used from many tasks at once gives what it gives alone.
    @Test func concurrentUseFromManyTasks() async throws {
        let recognizer = Recognizer(model: try Self.model())
        let images = (0..<24).map { BitmapFont.render(BitmapFont.lines[$0 % 12] + String($0 % 10)) }
        let alone = try images.map { try recognizer.recognize($0) }
        let together = await withTaskGroup(of: (Int, RecognitionResult?).self) { group in
            for (i, image) in images.enumerated() { group.addTask { (i, try? recognizer.recognize(image)) } }
            var out = [RecognitionResult?](repeating: nil, count: images.count)
            for await (i, result) in group { out[i] = result }
            return out
        }
        #expect(together == alone.map { Optional($0) })
        let path = try temporaryPath("line.png")
        try PNGEncoder.write(images[3], to: path)
        let viaAsync = try await recognizer.recognize(contentsOf: URL(fileURLWithPath: path))
        #expect(viaAsync == alone[3])
    }

    /// The overlay shows the text read beside each line, marks unsure characters in red on the
    /// image and red on yellow in the text, and draws nothing outside a line's box.
    @Test func overlayShowsTheTextAndTheUnsureCharacters() throws {
        let recognizer = Recognizer(model: try Self.model(), layout: .line)
        let image = GrayImage.stacked([BitmapFont.render("0123 45"), BitmapFont.render("6789 01")])
        var result = try recognizer.recognize(image)
        let half = image.height / 2
        result.lines = [
            RecognizedLine(text: "01", confidence: 0.2, characters: [RecognizedCharacter(character: "0", confidence: 0.9, x: 4..<12),
                                                                    RecognizedCharacter(character: "1", confidence: 0.2, x: 14..<22)],
                           box: PixelBox(x: 0, y: 0, width: image.width, height: half)),
            RecognizedLine(text: "6", confidence: 0.9, characters: [RecognizedCharacter(character: "6", confidence: 0.9, x: 4..<12)],
                           box: PixelBox(x: 0, y: half, width: image.width, height: image.height - half)),
        ]
        let picture = Overlay.draw(result, on: image)
        #expect(picture.width == image.width + 12 + 2 * 8 + 4 && picture.height >= image.height)
        func pixel(_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let i = (y * picture.width + x) * 3
            return (picture.pixels[i], picture.pixels[i + 1], picture.pixels[i + 2])
        }
        // The unsure "1" is outlined in red inside the first line's box, the sure "0" is not.
        #expect(pixel(14, 1) == (220, 30, 30) && pixel(4, 1) != (220, 30, 30))
        // Its text: "0" in black, "1" on yellow, beside the line.
        let textColumns = (image.width + 12)..<picture.width
        let firstRows = 0..<(half + 4)
        #expect(textColumns.contains { x in firstRows.contains { pixel(x, $0) == (0, 0, 0) } })
        #expect(textColumns.contains { x in firstRows.contains { pixel(x, $0) == (255, 235, 90) } })
        // No red in the second line's box: the first line's marks stop at its own box.
        #expect(!((half + 1)..<image.height).contains { y in (0..<image.width).contains { pixel($0, y) == (220, 30, 30) } })
    }

    /// On a page of several blocks the overlay outlines each block in green and labels it with
    /// its place in reading order; a single block gets no outline.
    @Test func overlayNumbersTheBlocks() throws {
        let image = GrayImage(width: 200, height: 100, value: 255)
        var result = RecognitionResult(lines: [], blocks: [RecognizedBlock(box: PixelBox(x: 20, y: 20, width: 60, height: 60)),
                                                          RecognizedBlock(box: PixelBox(x: 120, y: 20, width: 60, height: 60))])
        func pixel(_ picture: RGBImage, _ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8) {
            let i = (y * picture.width + x) * 3
            return (picture.pixels[i], picture.pixels[i + 1], picture.pixels[i + 2])
        }
        let picture = Overlay.draw(result, on: image)
        // Each block's outline, 3 px out, and its label: white digits on green.
        #expect(pixel(picture, 50, 79 + 3) == (20, 150, 40) && pixel(picture, 150, 79 + 3) == (20, 150, 40))
        let label = (17..<(17 + 10)).flatMap { x in (17..<(17 + 15)).map { pixel(picture, x, $0) } }
        #expect(label.contains { $0 == (255, 255, 255) } && label.contains { $0 == (20, 150, 40) })
        result.blocks.removeLast()
        #expect(pixel(Overlay.draw(result, on: image), 50, 82) != (20, 150, 40))
    }
}
