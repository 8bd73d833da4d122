import Imaging
import OCR
import OCRTraining

/// Pages composed of rendered text, for layout tests.
public enum TestPages {
    public static let words = ["license", "terms", "work", "copy", "source", "form", "notice", "grant", "patent", "rights"]

    /// A page with `text` drawn at each (x, y) in DejaVu Serif at `pixelSize`: blank paper, dark text.
    public static func page(width: Int, height: Int, pixelSize: Int = 20, _ items: [(String, Int, Int)]) throws -> GrayImage {
        try pageAndInk(width: width, height: height, pixelSize: pixelSize, items).page
    }

    /// ``page(width:height:pixelSize:_:)`` and the box of each item's ink (darker than 128).
    public static func pageAndInk(width: Int, height: Int, pixelSize: Int = 20,
                                  _ items: [(String, Int, Int)]) throws -> (page: GrayImage, ink: [PixelBox]) {
        // One renderer a page: FontRenderer is not thread-safe, and the tests run in parallel.
        let renderer = try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSerif.ttf", pixelSize: pixelSize)
        var page = GrayImage(width: width, height: height, value: 255)
        var boxes = [PixelBox]()
        for (text, x, y) in items {
            let line = try renderer.render(text, margin: 0)
            var box: PixelBox?
            for row in 0..<line.height where y + row < height && y + row >= 0 {
                for column in 0..<line.width where x + column < width && x + column >= 0 {
                    page[x + column, y + row] = min(page[x + column, y + row], line[column, row])
                    if line[column, row] < 128 {
                        let pixel = PixelBox(x: x + column, y: y + row, width: 1, height: 1)
                        box = box.map { $0.union(pixel) } ?? pixel
                    }
                }
            }
            boxes.append(box ?? PixelBox(x: x, y: y, width: 0, height: 0))
        }
        return (page, boxes)
    }

    /// A column of `lines` lines of about `width` pixels from (x, y), 30 px apart; line k says
    /// which column and line it is (`c2 l7 ...`).
    public static func column(_ name: String, lines: Int, x: Int, y: Int, spacing: Int = 30) -> [(String, Int, Int)] {
        (0..<lines).map { k in ("\(name) l\(k) " + (0..<3).map { words[($0 + k) % words.count] }.joined(separator: " "), x, y + spacing * k) }
    }
}
