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

    /// A page in colour (dark blue ink on cream paper, through a PNG) and the same page as
    /// 1-bit black and white read as the gray page does: the same blocks, lines and text.
    @Test func colourAndOneBitPagesReadAsTheGrayOne() throws {
        let items = Self.column("c1", lines: 6, x: 40, y: 40) + Self.column("c2", lines: 6, x: 520, y: 40)
        let page = try Self.page(width: 960, height: 260, items)
        let recognizer = try Recognizer(modelPath: TestModels.shippedModelPath)
        let gray = try recognizer.recognize(page)
        #expect(gray.lines.count == 12 && gray.blocks.count == 2, "\(gray.text)")
        // Ink (20, 30, 90) where the page is black, paper (250, 240, 215) where it is white.
        var rgb = [UInt8]()
        for v in page.pixels {
            let t = Float(v) / 255
            for (ink, paper) in [(20, 250), (30, 240), (90, 215)] as [(Float, Float)] { rgb.append(UInt8(ink + (paper - ink) * t)) }
        }
        let png = try PNGEncoder.encode(RGBImage(width: page.width, height: page.height, pixels: rgb))
        let colour = try recognizer.recognize(imageData: png)
        #expect(colour.text == gray.text && colour.blocks.count == 2)
        let oneBit = try recognizer.recognize(page.binarized(threshold: 128))
        #expect(oneBit.text == gray.text && oneBit.blocks.count == 2, "\(oneBit.text)")
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

    /// A textured gray picture (a smooth random field with noise), not text.
    /// `halftone`: printed as a screen of round black dots 6 px apart, as a magazine prints it.
    static func paintPhoto(_ page: inout GrayImage, x: Int, y: Int, width: Int, height: Int, halftone: Bool = false) {
        var seed: UInt64 = 12345
        func random() -> Float {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(seed >> 40) / Float(1 << 24)
        }
        let cells = (0..<((width / 40 + 2) * (height / 40 + 2))).map { _ in 30 + 180 * random() }
        for yy in 0..<height {
            for xx in 0..<width {
                let v = cells[(yy / 40) * (width / 40 + 2) + xx / 40] + 30 * (random() - 0.5)
                if halftone {
                    // A dot covers the share of its cell that the gray is dark.
                    let cx = Float(xx % 6) - 2.5, cy = Float(yy % 6) - 2.5
                    let reach = (cx * cx + cy * cy).squareRoot() / (6 / Float(2).squareRoot())
                    page[x + xx, y + yy] = reach < (1 - max(0, min(255, v)) / 255).squareRoot() ? 0 : 255
                } else {
                    page[x + xx, y + yy] = UInt8(max(0, min(255, v)))
                }
            }
        }
    }

    /// A photo at the top of the first column is left out (its box reported, no line on it),
    /// and keeps its place: the text under it is read before the second column, which starts
    /// beside it.
    @Test func aPhotoIsLeftOutAndKeepsItsPlace() throws {
        let items = [("A Title Across Both Columns", 300, 30)] + Self.column("c1", lines: 10, x: 40, y: 400)
            + Self.column("c2", lines: 22, x: 520, y: 100)
        var image = try Self.page(width: 960, height: 800, items)
        Self.paintPhoto(&image, x: 40, y: 100, width: 400, height: 270)
        let page = PageLayout().layout(of: image)
        #expect(page.blocks.map { $0.lines.count } == [1, 10, 22], "\(page.blocks.map(\.box))")
        #expect(page.photos.contains { $0.x <= 45 && $0.y <= 105 && $0.x + $0.width >= 435 && $0.y + $0.height >= 365 },
                "\(page.photos)")
        for line in page.blocks.flatMap(\.lines) { #expect(line.box.y >= 375 || line.box.x >= 450 || line.box.y + line.box.height <= 100) }
        // The recognizer reports it, and reads nothing from it.
        let result = try Recognizer(modelPath: TestModels.shippedModelPath).recognize(image)
        #expect(result.photos == page.photos && result.lines.count == 33)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(OutputFormat.json.record(of: result, path: "p").utf8)) as? [String: Any])
        #expect((json["photos"] as? [[String: Int]])?.count == page.photos.count)
    }

    /// A photo printed in halftone dots is left out as well.
    @Test func aHalftonePhotoIsLeftOut() throws {
        let items = [("A Title Across Both Columns", 300, 30)] + Self.column("c1", lines: 10, x: 40, y: 400)
            + Self.column("c2", lines: 22, x: 520, y: 100)
        var image = try Self.page(width: 960, height: 800, items)
        Self.paintPhoto(&image, x: 40, y: 100, width: 400, height: 270, halftone: true)
        let page = PageLayout().layout(of: image)
        #expect(page.blocks.map { $0.lines.count } == [1, 10, 22], "\(page.blocks.map(\.box))")
        #expect(page.photos.contains { $0.x <= 45 && $0.y <= 105 && $0.x + $0.width >= 435 && $0.y + $0.height >= 365 },
                "\(page.photos)")
    }

    /// A rule down the middle of the gutter does not join the columns, and is not read.
    @Test func aRuleBetweenColumnsKeepsThemApart() throws {
        var image = try Self.page(width: 960, height: 700, Self.column("c1", lines: 20, x: 40, y: 40)
                                   + Self.column("c2", lines: 20, x: 520, y: 40))
        for y in 30..<660 { for x in 479..<482 { image[x, y] = 0 } }
        let blocks = PageLayout().blocks(in: image)
        #expect(blocks.map { $0.lines.count } == [20, 20], "\(blocks.map(\.box))")
        #expect(blocks.allSatisfy { $0.box.x + $0.box.width < 479 || $0.box.x > 482 }, "\(blocks.map(\.box))")
    }

    /// A black scanner border along the left and bottom edges is left out: the lines are the
    /// text's, none reaching into the border.
    @Test func aBlackBorderIsLeftOut() throws {
        var image = try Self.page(width: 800, height: 600, Self.column("c1", lines: 15, x: 90, y: 40))
        for y in 0..<600 { for x in 0..<30 { image[x, y] = 10 } }
        for y in 560..<600 { for x in 0..<800 { image[x, y] = 10 } }
        let lines = PageLayout().blocks(in: image).flatMap(\.lines)
        #expect(lines.count == 15, "\(lines.map(\.box))")
        #expect(lines.allSatisfy { $0.box.x >= 30 && $0.box.y + $0.box.height <= 560 }, "\(lines.map(\.box))")
    }

    /// Light falling to 40% across a two-column page: both columns keep all their lines.
    @Test func unevenLightKeepsTheLines() throws {
        var image = try Self.page(width: 960, height: 700, Self.column("c1", lines: 20, x: 40, y: 40)
                                   + Self.column("c2", lines: 20, x: 520, y: 40))
        for y in 0..<700 {
            for x in 0..<960 { image[x, y] = UInt8(Float(image[x, y]) * (1 - 0.6 * Float(x) / 959)) }
        }
        let blocks = PageLayout().blocks(in: image)
        #expect(blocks.map { $0.lines.count } == [20, 20], "\(blocks.map(\.box))")
    }

    /// A drop capital three lines tall is read on its own and begins the first line's text.
    @Test func aDropCapitalBeginsItsLine() throws {
        let items = [("he license and its terms apply to this work", 110, 40), ("and every copy of it that you", 110, 70),
                     ("make, in any form, source or not,", 110, 100)] + Self.column("c1", lines: 8, x: 40, y: 130)
        var image = try Self.page(width: 760, height: 400, items)
        let cap = try TestPages.page(width: 70, height: 90, pixelSize: 90, [("T", 2, -8)])
        for y in 0..<90 { for x in 0..<70 { image[35 + x, 38 + y] = min(image[35 + x, 38 + y], cap[x, y]) } }
        let layout = PageLayout().layout(of: image)
        let lines = layout.blocks.flatMap(\.lines)
        #expect(lines.count == 12 && lines.first?.joinsNext == true, "\(lines.map(\.box))")
        let result = try Recognizer(modelPath: TestModels.shippedModelPath).recognize(image)
        #expect(result.lines.count == 11, "\(result.text)")
        #expect(result.lines.first?.text.hasPrefix("The license") == true, "\(result.text)")
    }

    /// Words set far apart (as in a justified narrow column or a table) read as words, not
    /// `_`: the wide spaces are narrowed before reading, and the words' boxes are still on their ink.
    @Test func wideSpacesReadAsSpaces() throws {
        var items = [(String, Int, Int)]()
        for k in 0..<8 {
            if k % 2 == 0 {
                items.append(("the license and its terms", 40, 40 + 30 * k))
            } else {
                items += [("notice", 40, 40 + 30 * k), ("grant", 300 + 20 * k, 40 + 30 * k)]
            }
        }
        let (image, ink) = try TestPages.pageAndInk(width: 700, height: 300, items)
        let result = try Recognizer(modelPath: TestModels.shippedModelPath).recognize(image)
        #expect(result.lines.count == 8 && !result.text.contains("_"), "\(result.text)")
        let words = result.lines.flatMap(\.words)
        for (item, truth) in zip(items, ink) where !item.0.contains(" ") {
            let word = words.first { Self.iou($0.box, truth) > 0 }
            #expect(word.map { Self.iou($0.box, truth) >= 0.6 } == true, "\(item.0): \(String(describing: word?.box)) \(truth)")
        }
        // Without the narrowing the same lines read with `_` in their spaces.
        var wide = PageLayout()
        wide.widestSpace = 100
        let lines = wide.blocks(in: image).flatMap(\.lines)
        let model = try OCRModel.load(contentsOf: TestModels.shippedModelPath)
        let read = Recognizer(model: model).recognizeLines(lines).compactMap { $0?.text }
        #expect(read.contains { $0.contains("_") }, "\(read)")
    }
}
