import Imaging

/// A picture of a recognition result: the input in light gray with each line's box (blue) and,
/// inside it, the x-range of every character tinted in turn, unsure ones (confidence below
/// ``unsure``) outlined in red; to the right, the text read from each line at the line's height,
/// its unsure characters red on yellow. Nothing is drawn outside a line's box on the image, so a
/// line's marks never cover the next line, except on a page of several blocks: each block's box
/// in green, a few pixels outside its ink, with its place in reading order (1, 2, ...) in a green
/// label at its top left corner.
public enum Overlay {
    /// Characters read with less confidence than this stand out.
    public static let unsure: Float = 0.5

    public static func draw(_ result: RecognitionResult, on image: GrayImage) -> RGBImage {
        let gap = 12
        let textWidth = result.lines.map { Canvas.textWidth($0.text) }.max() ?? 0
        // Each line's text at its box's middle, pushed down below the text above it.
        var textTops = [Int](), below = 0
        for line in result.lines {
            let top = max(line.box.y + (line.box.height - BitmapFont8x14.height) / 2, below)
            textTops.append(top)
            below = top + BitmapFont8x14.height + 1
        }
        var canvas = Canvas(width: image.width + (textWidth > 0 ? gap + textWidth + 4 : 0), height: max(image.height, below))
        // The image, lightened so the marks stand out.
        for y in 0..<image.height {
            for x in 0..<image.width {
                let v = UInt8(96 + Int(image[x, y]) * 159 / 255)
                canvas.set(x, y, (v, v, v))
            }
        }
        let red: Canvas.Color = (220, 30, 30)
        for (line, textTop) in zip(result.lines, textTops) {
            let box = line.box
            let rows = max(box.y, 0)..<min(box.y + box.height, image.height)
            for (k, c) in line.characters.enumerated() {
                let columns = max(c.x.lowerBound, box.x, 0)..<min(c.x.upperBound, box.x + box.width, image.width)
                if k % 2 == 0 {
                    for y in rows {
                        for x in columns {
                            let i = (y * canvas.image.width + x) * 3
                            canvas.image.pixels[i + 2] = max(canvas.image.pixels[i + 2], 235)
                        }
                    }
                }
                if c.confidence < unsure, !columns.isEmpty, !rows.isEmpty {
                    canvas.rectangle(columns.lowerBound, rows.lowerBound, columns.upperBound - 1, rows.upperBound - 1, red)
                }
            }
            canvas.rectangle(box.x, box.y, box.x + box.width - 1, box.y + box.height - 1, (30, 60, 220))
            // The text read, character by character (a line's text is its characters).
            let x0 = image.width + gap
            for (i, c) in line.characters.enumerated() {
                let x = x0 + i * BitmapFont8x14.width
                if c.confidence < unsure {
                    canvas.fill(x, textTop, x + BitmapFont8x14.width - 1, textTop + BitmapFont8x14.height - 1, (255, 235, 90))
                }
                canvas.text(String(c.character), x: x, y: textTop, c.confidence < unsure ? red : (0, 0, 0))
            }
        }
        if result.blocks.count > 1 {
            let green: Canvas.Color = (20, 150, 40), pad = 3
            for (k, block) in result.blocks.enumerated() {
                let b = block.box
                canvas.rectangle(b.x - pad, b.y - pad, b.x + b.width - 1 + pad, b.y + b.height - 1 + pad, green)
                let label = String(k + 1)
                let x0 = max(0, b.x - pad), y0 = max(0, b.y - pad)
                canvas.fill(x0, y0, x0 + Canvas.textWidth(label) + 1, y0 + BitmapFont8x14.height, green)
                canvas.text(label, x: x0 + 1, y: y0 + 1, (255, 255, 255))
            }
        }
        return canvas.image
    }
}
