import Foundation
import Imaging
import OCRTraining
import Testing
import TestSupport
@testable import OCR

/// Pages composed of rendered lines: the blocks come out in reading order, whatever the columns.
@Suite struct PageLayoutTests {
    static func page(width: Int, height: Int, _ items: [(String, Int, Int)]) throws -> GrayImage {
        try TestPages.page(width: width, height: height, items)
    }

    static func column(_ name: String, lines: Int, x: Int, y: Int) -> [(String, Int, Int)] {
        TestPages.column(name, lines: lines, x: x, y: y)
    }

    @Test func twoColumnsUnderASpanningTitleAboveAPageNumber() throws {
        let items = [("A Title Across Both Columns", 300, 40)] + Self.column("c1", lines: 20, x: 40, y: 120)
            + Self.column("c2", lines: 20, x: 520, y: 120) + [("7", 470, 760)]
        let blocks = PageLayout().blocks(in: try Self.page(width: 960, height: 800, items))
        // Title, left column, right column, page number.
        #expect(blocks.count == 4, "\(blocks.map(\.box))")
        guard blocks.count == 4 else { return }
        #expect(blocks[0].box.y < 80 && blocks[3].box.y > 740)
        #expect(blocks[1].box.x < 100 && blocks[1].box.x + blocks[1].box.width < 500 && blocks[1].lines.count == 20)
        #expect(blocks[2].box.x > 500 && blocks[2].lines.count == 20)
    }

    /// Three columns under a title that sits within the middle one, the last column shorter: the
    /// title still comes first, and the rest of the first two columns stay with them.
    @Test func threeColumnsATitleOverTheMiddleOneAShortLastColumn() throws {
        let items = [("Short Title", 380, 30)] + Self.column("c1", lines: 16, x: 30, y: 100)
            + Self.column("c2", lines: 16, x: 340, y: 100) + Self.column("c3", lines: 6, x: 650, y: 100)
        let blocks = PageLayout().blocks(in: try Self.page(width: 960, height: 620, items))
        #expect(blocks.map { $0.lines.count } == [1, 16, 16, 6], "\(blocks.map(\.box))")
        #expect(blocks.map { $0.box.x / 100 } == [3, 0, 3, 6], "\(blocks.map(\.box))")
    }

    /// One column, and a page of a single paragraph, are one block whose lines are what
    /// LineSegmenter finds in the whole image.
    @Test func aSingleColumnIsOneBlock() throws {
        let page = try Self.page(width: 700, height: 500, Self.column("c1", lines: 12, x: 40, y: 40))
        let blocks = PageLayout().blocks(in: page)
        #expect(blocks.count == 1)
        #expect(blocks.first?.lines.map(\.box) == LineSegmenter().lines(in: page).map(\.box))
    }

    /// A page turned by 2 degrees still splits into its two columns, each with all its lines.
    @Test func aSkewedPageKeepsItsColumns() throws {
        let items = Self.column("c1", lines: 18, x: 60, y: 80) + Self.column("c2", lines: 18, x: 560, y: 80)
        let turned = try Self.page(width: 1000, height: 700, items).rotated(degrees: 2)
        let page = PageLayout().layout(of: turned)
        #expect(page.blocks.map { $0.lines.count } == [18, 18], "\(page.blocks.map(\.box))")
        #expect(abs(page.skewDegrees - 2) < 0.3, "skew \(page.skewDegrees)")
        #expect(PageLayout().layout(of: try Self.page(width: 1000, height: 700, items)).skewDegrees == 0)
    }

    /// The recognizer reads the columns in order and puts a blank line between blocks.
    @Test func theRecognizerReadsColumnsInOrder() throws {
        let items = Self.column("c1", lines: 8, x: 40, y: 40) + Self.column("c2", lines: 8, x: 520, y: 40)
        let page = try Self.page(width: 960, height: 320, items)
        let result = try Recognizer(modelPath: TestModels.shippedModelPath).recognize(page)
        let firsts = result.lines.map { $0.text.split(separator: " ").first.map(String.init) ?? "" }
        #expect(firsts == (0..<8).map { _ in "c1" } + (0..<8).map { _ in "c2" }, "\(result.text)")
        #expect(result.lines.map(\.block) == Array(repeating: 0, count: 8) + Array(repeating: 1, count: 8))
        #expect(result.text.components(separatedBy: "\n\n").count == 2, "\(result.text)")
        // As one block the lines run across both columns; as one line the page is read whole.
        let model = try OCRModel.load(contentsOf: TestModels.shippedModelPath)
        let column = try Recognizer(model: model, beamWidth: 1, layout: .column).recognize(page)
        #expect(column.lines.count == 8 && column.lines.allSatisfy { $0.block == 0 }, "\(column.text)")
        #expect(try Recognizer(model: model, beamWidth: 1, layout: .line).recognize(page).lines.count == 1)
    }

    /// Each word's box, from its characters', lies on the word's ink: on a page of two columns
    /// of words drawn one by one, every word read right has a box overlapping its ink by IoU ≥ 0.6.
    @Test func wordBoxesLieOnTheirInk() throws {
        var items = [(String, Int, Int)]()
        for column in 0..<2 {
            for line in 0..<8 {
                var x = 40 + 480 * column
                for k in 0..<3 {
                    let word = TestPages.words[(line + k + 3 * column) % TestPages.words.count]
                    items.append((word, x, 40 + 30 * line))
                    x += 22 + 11 * word.count
                }
            }
        }
        let (page, ink) = try TestPages.pageAndInk(width: 960, height: 320, items)
        let result = try Recognizer(modelPath: TestModels.shippedModelPath).recognize(page)
        let words = result.lines.flatMap(\.words)
        var matched = 0
        for (item, truth) in zip(items, ink) {
            guard let word = words.first(where: { $0.text == item.0 && Self.iou($0.box, truth) > 0 }) else { continue }
            matched += 1
            #expect(Self.iou(word.box, truth) >= 0.6, "\(item.0): \(word.box) against its ink \(truth)")
        }
        #expect(matched >= items.count * 9 / 10, "\(matched) of \(items.count) words found: \(result.text)")
    }

    static func iou(_ a: PixelBox, _ b: PixelBox) -> Double {
        let w = min(a.x + a.width, b.x + b.width) - max(a.x, b.x), h = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
        guard w > 0, h > 0 else { return 0 }
        let inter = Double(w * h)
        return inter / (Double(a.width * a.height + b.width * b.height) - inter)
    }
}
