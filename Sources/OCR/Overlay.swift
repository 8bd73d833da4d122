import Imaging

/// A picture of a recognition result: the input in light gray, each line's box in blue, and
/// under each character a bar over its x-range colored by confidence (green sure, red unsure)
/// whose height is the confidence.
public enum Overlay {
    public static func draw(_ result: RecognitionResult, on image: GrayImage) -> RGBImage {
        let barSpace = 8
        let width = image.width, height = image.height + barSpace
        var pixels = [UInt8](repeating: 255, count: width * height * 3)
        func set(_ x: Int, _ y: Int, _ r: UInt8, _ g: UInt8, _ b: UInt8) {
            guard x >= 0 && x < width && y >= 0 && y < height else { return }
            let i = (y * width + x) * 3
            pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b
        }
        // The image, lightened so the marks stand out.
        for y in 0..<image.height {
            for x in 0..<width {
                let v = UInt8(96 + Int(image[x, y]) * 159 / 255)
                set(x, y, v, v, v)
            }
        }
        for line in result.lines {
            let box = line.box
            // Characters: alternating tints over their ranges, a confidence bar below the line.
            for (k, c) in line.characters.enumerated() {
                let sure = max(0, min(1, c.confidence))
                let r = UInt8(255 * (1 - sure)), g = UInt8(200 * sure)
                let barTop = min(box.y + box.height, image.height) + barSpace - 1 - Int((Float(barSpace - 2) * sure).rounded())
                for x in c.x {
                    for y in box.y..<(box.y + box.height) where k % 2 == 0 {
                        let i = (y * width + x) * 3
                        if x >= 0 && x < width && y >= 0 && y < image.height { pixels[i + 2] = max(pixels[i + 2], 235) }
                    }
                    for y in barTop..<(min(box.y + box.height, image.height) + barSpace) { set(x, y, r, g, 0) }
                }
            }
            for x in box.x..<(box.x + box.width) { set(x, box.y, 30, 60, 220); set(x, box.y + box.height - 1, 30, 60, 220) }
            for y in box.y..<(box.y + box.height) { set(box.x, y, 30, 60, 220); set(box.x + box.width - 1, y, 30, 60, 220) }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
