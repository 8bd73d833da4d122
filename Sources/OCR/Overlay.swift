import Imaging

/// A picture of a recognition result: the input in light gray, each line's box in blue, and
/// under each character a bar over its x-range colored by confidence (green sure, red unsure)
/// whose height is the confidence.
public enum Overlay {
    public static func draw(_ result: RecognitionResult, on image: GrayImage) -> RGBImage {
        let barSpace = 8
        let width = image.width
        var canvas = Canvas(width: width, height: image.height + barSpace)
        // The image, lightened so the marks stand out.
        for y in 0..<image.height {
            for x in 0..<width {
                let v = UInt8(96 + Int(image[x, y]) * 159 / 255)
                canvas.set(x, y, (v, v, v))
            }
        }
        for line in result.lines {
            let box = line.box
            // Characters: alternating tints over their ranges, a confidence bar below the line.
            for (k, c) in line.characters.enumerated() {
                let sure = max(0, min(1, c.confidence))
                let color = (UInt8(255 * (1 - sure)), UInt8(200 * sure), UInt8(0))
                let barTop = min(box.y + box.height, image.height) + barSpace - 1 - Int((Float(barSpace - 2) * sure).rounded())
                for x in c.x {
                    for y in box.y..<(box.y + box.height) where k % 2 == 0 && x >= 0 && x < width && y >= 0 && y < image.height {
                        let i = (y * width + x) * 3
                        canvas.image.pixels[i + 2] = max(canvas.image.pixels[i + 2], 235)
                    }
                    for y in barTop..<(min(box.y + box.height, image.height) + barSpace) { canvas.set(x, y, color) }
                }
            }
            canvas.rectangle(box.x, box.y, box.x + box.width - 1, box.y + box.height - 1, (30, 60, 220))
        }
        return canvas.image
    }
}
