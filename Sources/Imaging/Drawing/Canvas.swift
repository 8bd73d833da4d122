/// An RGB drawing surface with lines, rectangles and text in ``BitmapFont8x14``, for the training
/// chart and the recognition overlay.
public struct Canvas {
    public typealias Color = (UInt8, UInt8, UInt8)
    public var image: RGBImage

    public init(width: Int, height: Int) {
        image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 3))
    }

    /// Sets one pixel; points outside the image are ignored.
    public mutating func set(_ x: Int, _ y: Int, _ c: Color) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let i = (y * image.width + x) * 3
        image.pixels[i] = c.0; image.pixels[i + 1] = c.1; image.pixels[i + 2] = c.2
    }

    /// Bresenham's line.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: Color) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, c)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// The outline of the rectangle with corners (x0, y0) and (x1, y1), both included.
    public mutating func rectangle(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: Color) {
        line(x0, y0, x1, y0, c); line(x1, y0, x1, y1, c); line(x1, y1, x0, y1, c); line(x0, y1, x0, y0, c)
    }

    /// The rectangle with corners (x0, y0) and (x1, y1) filled.
    public mutating func fill(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: Color) {
        for y in min(y0, y1)...max(y0, y1) { for x in min(x0, x1)...max(x0, x1) { set(x, y, c) } }
    }

    /// The width in pixels of `s` drawn by ``text(_:x:y:_:)``.
    public static func textWidth(_ s: String) -> Int { s.count * BitmapFont8x14.width }

    /// Text with its top-left corner at (x, y), 14 px tall; characters outside printable ASCII
    /// are drawn as `?`.
    public mutating func text(_ s: String, x: Int, y: Int, _ c: Color) {
        for (i, ch) in s.enumerated() {
            guard let rows = BitmapFont8x14.rows(of: ch) ?? BitmapFont8x14.rows(of: "?") else { continue }
            for (ry, bits) in rows.enumerated() {
                for bx in 0..<BitmapFont8x14.width where bits & (0x80 >> bx) != 0 {
                    set(x + i * BitmapFont8x14.width + bx, y + ry, c)
                }
            }
        }
    }
}
