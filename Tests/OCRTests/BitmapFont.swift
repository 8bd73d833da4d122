import Imaging
@testable import OCR

/// A 5x7 bitmap font for digits and a few letters: line images for training tests without any
/// font files.
enum BitmapFont {
    static let glyphs: [Character: [String]] = [
        "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
        "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
        "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
        "3": ["####.", "....#", "....#", ".###.", "....#", "....#", "####."],
        "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
        "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
        "6": [".###.", "#....", "#....", "####.", "#...#", "#...#", ".###."],
        "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
        "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
        "9": [".###.", "#...#", "#...#", ".####", "....#", "....#", ".###."],
        " ": [".....", ".....", ".....", ".....", ".....", ".....", "....."],
    ]

    /// Dark text on white, `scale` pixels per font pixel, a margin of 2 font pixels.
    static func render(_ text: String, scale: Int = 2) -> GrayImage {
        let margin = 2
        let width = (text.count * 6 + 2 * margin) * scale, height = (7 + 2 * margin) * scale
        var image = GrayImage(width: width, height: height, value: 250)
        for (i, c) in text.enumerated() {
            let rows = glyphs[c]!
            for (gy, row) in rows.enumerated() {
                for (gx, bit) in row.enumerated() where bit == "#" {
                    for dy in 0..<scale { for dx in 0..<scale {
                        image[((margin + i * 6 + gx) * scale) + dx, (margin + gy) * scale + dy] = 20
                    } }
                }
            }
        }
        return image
    }

    static let lines = ["0123", "4567", "89 01", "2468", "1357 9", "9876", "5432 1", "0 9 8", "31415", "27182",
                        "6 6 6", "80085"]

    static func prepared(_ texts: [String], charset: Charset, height: Int) throws -> [PreparedLine] {
        let preprocessing = Preprocessing(height: height)
        return try texts.map { text in
            PreparedLine(image: preprocessing.normalizedImage(render(text)), labels: try charset.encode(text),
                         text: text, source: text)
        }
    }
}
