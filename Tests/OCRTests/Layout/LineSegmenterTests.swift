import Foundation
import Imaging
import Platform
import OCRTraining
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct LineSegmenterTests {
    static func renderer(_ size: Int) throws -> FontRenderer {
        try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSans.ttf", pixelSize: size)
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

    /// The run-length blob labelling against a plain one: a flood fill of each 8-connected blob
    /// from its first pixel in scan order, on random images dense and sparse enough to make blobs
    /// of every shape (runs touching at corners, U shapes whose arms join below, specks).
    @Test func blobsAreLabelledAsAFloodFillLabelsThem() {
        var random = SplitMix64(seed: 11)
        for (trial, density) in [0.1, 0.3, 0.45, 0.6].enumerated() {
            let w = 37 + trial * 11, h = 23 + trial * 7
            var image = GrayImage(width: w, height: h, value: 255)
            for i in image.pixels.indices where Double.random(in: 0..<1, using: &random) < density { image.pixels[i] = 0 }
            let found = LineSegmenter.inkPixels(image, threshold: 128, speckPixels: 2)
            // The reference: blob number and box by flood fill, blobs numbered in scan order.
            var label = [Int](repeating: -1, count: w * h)
            var blobs = [(pixels: Int, minX: Int, maxX: Int, minY: Int, maxY: Int)]()
            for start in 0..<(w * h) where image.pixels[start] <= 128 && label[start] < 0 {
                label[start] = blobs.count
                var stack = [start], box = (pixels: 0, minX: w, maxX: -1, minY: h, maxY: -1)
                while let i = stack.popLast() {
                    let x = i % w, y = i / w
                    box = (box.pixels + 1, min(box.minX, x), max(box.maxX, x), min(box.minY, y), max(box.maxY, y))
                    for dy in -1...1 {
                        for dx in -1...1 where x + dx >= 0 && x + dx < w && y + dy >= 0 && y + dy < h {
                            let j = (y + dy) * w + x + dx
                            if image.pixels[j] <= 128 && label[j] < 0 { label[j] = blobs.count; stack.append(j) }
                        }
                    }
                }
                blobs.append(box)
            }
            let kept = blobs.indices.filter { blobs[$0].pixels > 2 }
            #expect(found.blobs.count == kept.count)
            for (b, k) in zip(found.blobs, kept) {
                let r = blobs[k]
                #expect(b.pixels == r.pixels && b.minX == r.minX && b.maxX == r.maxX && b.minY == r.minY && b.maxY == r.maxY)
            }
            // Every ink pixel, in scan order, in its blob (renumbered without the specks) or a speck.
            let number = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
            var pixels = [(Int32, Int32, Int32)](), specks = [Int]()
            for i in 0..<(w * h) where label[i] >= 0 {
                if let b = number[label[i]] { pixels.append((Int32(i % w), Int32(i / w), Int32(b))) } else { specks.append(i) }
            }
            #expect(found.xs.count == pixels.count && found.specks == specks)
            #expect(zip(found.xs.indices, pixels).allSatisfy { i, p in
                found.xs[i] == p.0 && found.ys[i] == p.1 && found.blobOfPixel[i] == p.2
            })
            #expect(kept.count > 1, "the image makes several blobs")
        }
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
            let turned = image.rotated(degrees: degrees)
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
            let turned = image.rotated(degrees: 2.5)
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

    /// Narrowing a line's wide blank runs keeps the ink and says where each column came from.
    @Test func wideSpacesAreNarrowedWithAColumnMap() {
        var image = GrayImage(width: 200, height: 20, value: 255)
        for y in 5..<15 { for x in [10, 11, 12, 150, 151, 190] { image[x, y] = 0 } }
        let line = SegmentedLine(box: PixelBox(x: 100, y: 50, width: 200, height: 20), image: image)
        let narrowed = line.narrowingWideSpaces(to: 10)
        // 0-12 kept, 137 blank columns to 10, 150-151, 38 blank to 10, 190-199.
        #expect(narrowed.image.width == 13 + 10 + 2 + 10 + 10, "\(narrowed.image.width)")
        #expect(narrowed.lineColumn(0) == 0 && narrowed.lineColumn(12) == 12 && narrowed.lineColumn(13) == 13)
        #expect(narrowed.lineColumn(23) == 150 && narrowed.lineColumn(35) == 190)
        #expect(narrowed.image[23, 10] == 0 && narrowed.image[35, 10] == 0)
        #expect(line.narrowingWideSpaces(to: 200).columnMap == nil)
    }
}
