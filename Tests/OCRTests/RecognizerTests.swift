import Foundation
import Imaging
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct LineSegmenterTests {
    static func renderer(_ size: Int) throws -> FontRenderer {
        try FontRenderer(path: SyntheticLinesTests.fontDirectory + "/DejaVuSans.ttf", pixelSize: size)
    }

    /// Lines stacked into a paragraph, `gap` pixels apart (from their ink when `tight`, else from
    /// the font's line); returns the image and each line's rows.
    static func paragraph(_ texts: [String], size: Int = 20, gap: Int = 4, tight: Bool = false) throws -> (GrayImage, [Range<Int>]) {
        let lines = try texts.map { text -> GrayImage in
            let line = try renderer(size).render(text, margin: 0)
            guard tight, let ink = line.inkRows() else { return line }
            return line.cropped(x: 0, y: ink.lowerBound, width: line.width, height: ink.count)
        }
        let width = lines.map(\.width).max()! + 20
        var image = GrayImage(width: width, height: 20 + lines.reduce(0) { $0 + $1.height + gap }, value: 255)
        var y = 10, rows = [Range<Int>]()
        for line in lines {
            for yy in 0..<line.height { for x in 0..<line.width { image[10 + x, y + yy] = line[x, yy] } }
            rows.append(y..<(y + line.height))
            y += line.height + gap
        }
        return (image, rows)
    }

    @Test func splitsAParagraphIntoItsLines() throws {
        let texts = ["The quick brown fox jumps over", "the lazy dog; pack my box with", "five dozen liquor jugs, said",
                     "Jim (and quickly left) 12:45."]
        let (image, rows) = try Self.paragraph(texts)
        let found = LineSegmenter().lines(in: image)
        #expect(found.count == 4)
        for (line, expected) in zip(found, rows) {
            let middle = line.box.y + line.box.height / 2
            #expect(expected.contains(middle), "line box \(line.box) vs rows \(expected)")
            #expect(line.image.width == line.box.width)
        }
    }

    @Test func splitsASkewedParagraph() throws {
        let texts = ["A paragraph turned by two degrees,", "as a page laid crookedly on the", "scanner glass often is; each",
                     "line must still come out whole."]
        let (image, _) = try Self.paragraph(texts, gap: 8)
        for degrees: Float in [-2, 2] {
            let turned = ScanDegradation().rotated(image, degrees: degrees)
            let found = LineSegmenter().lines(in: turned)
            #expect(found.count == 4, "\(degrees)°: \(found.map(\.box))")
            // Each straightened line is about one line tall, not two, and holds the ink of its box:
            // sampling along the wrong rows would give mostly paper.
            for line in found {
                #expect(line.image.height < 2 * 24, "\(line.box)")
                let b = line.box
                var inBox = 0
                for y in b.y..<(b.y + b.height) { for x in b.x..<(b.x + b.width) where turned[x, y] < 128 { inBox += 1 } }
                let straightened = line.image.pixels.filter { $0 < 128 }.count
                #expect(inBox > 0 && Double(straightened) > 0.8 * Double(inBox), "\(degrees)°: \(straightened) of \(inBox) ink pixels")
            }
        }
    }

    @Test func neverSplitsOneLine() throws {
        for (text, size) in [("dots: i j ; : ! ? ij", 40), ("Tall Ägypt ___ underscores", 32), ("a single line", 14),
                             ("jigsaw puzzling quiz", 60)] {
            let image = try Self.renderer(size).render(text, margin: 6)
            #expect(LineSegmenter().lines(in: image).count == 1, "'\(text)' at \(size) px")
            let turned = ScanDegradation().rotated(image, degrees: 2.5)
            #expect(LineSegmenter().lines(in: turned).count == 1, "'\(text)' at \(size) px, turned")
        }
        #expect(LineSegmenter().lines(in: GrayImage(width: 50, height: 30, value: 255)).count == 1)
    }

    /// Dust in the gaps between lines does not join them, and lines stacked with no gap at all
    /// (cropped tight to their ink) are still cut apart.
    @Test func specksAndTouchingLinesDoNotJoinLines() throws {
        let texts = ["have reacted to form a single", "spinel phase, and 397 U.S.", "tons of it were shipped by",
                     "the end of the year (1954)."]
        var (dusty, rows) = try Self.paragraph(texts, gap: 6, tight: true)
        var rng = SplitMix64(seed: 9)
        for (above, below) in zip(rows, rows.dropFirst()) {
            for y in above.upperBound..<below.lowerBound { dusty[Int(rng.next() % UInt64(dusty.width)), y] = 0 }
        }
        #expect(LineSegmenter().lines(in: dusty).count == 4)
        let (touching, touchingRows) = try Self.paragraph(texts, gap: 0, tight: true)
        let found = LineSegmenter().lines(in: touching)
        #expect(found.count == 4, "\(found.map(\.box))")
        for (line, expected) in zip(found, touchingRows) {
            #expect(expected.contains(line.box.y + line.box.height / 2), "line box \(line.box) vs rows \(expected)")
        }
    }

    /// A line's picture holds its own ink only: the neighbours' rows within its margin are paper,
    /// and it reads as the line does alone.
    @Test func aLineHoldsNoInkOfItsNeighbours() throws {
        let texts = ["Deep jigsaw gypsy quay", "Tall letters: Hdlkb fh"]
        let (image, rows) = try Self.paragraph(texts, gap: 1, tight: true)
        let found = LineSegmenter().lines(in: image)
        try #require(found.count == 2)
        // The second line's picture, in page rows: nothing of the first line's rows is in it.
        let second = found[1]
        for r in 0..<second.image.height {
            let pageRow = second.box.y + r  // the paragraph is not skewed: picture rows are page rows
            guard rows[0].contains(pageRow) else { continue }
            #expect(!second.image.pixels[(r * second.image.width)..<((r + 1) * second.image.width)].contains { $0 < 128 },
                    "row \(pageRow) of the first line is in the second's picture")
        }
    }
}

@Suite struct RecognizerTests {
    static func model() throws -> OCRModel {
        let charset = Charset(Array("0123456789 "))
        let architecture = try CRNNArchitecture(spec: TrainerTests.spec, name: "tiny", classes: charset.classCount)
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
        let recognizer = Recognizer(model: try Self.model(), splitsLines: false)
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
}
