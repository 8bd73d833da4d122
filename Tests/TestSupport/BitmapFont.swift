import Imaging

/// A 5x7 bitmap font for digits and a few letters: line images for training tests without any
/// font files.
public enum BitmapFont {
    public static let glyphs: [Character: [String]] = [
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
    public static func render(_ text: String, scale: Int = 2) -> GrayImage {
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

    public static let lines = ["0123", "4567", "89 01", "2468", "1357 9", "9876", "5432 1", "0 9 8", "31415", "27182",
                        "6 6 6", "80085"]
}
