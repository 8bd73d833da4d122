import Imaging

/// A PNG chart of a training run: training loss (blue, log scale, left) and validation CER
/// (red, linear from 0, right) against the step, with grid lines and numeric labels.
public struct TrainingChart {
    public var losses: [(step: Int, value: Double)] = []
    public var errorRates: [(step: Int, value: Double)] = []

    public init() {}

    static let width = 720, height = 400, left = 70, right = 70, top = 20, bottom = 40

    public func render() -> RGBImage {
        var canvas = Canvas(width: Self.width, height: Self.height)
        let plotW = Self.width - Self.left - Self.right, plotH = Self.height - Self.top - Self.bottom
        let maxStep = max((losses.map(\.step) + errorRates.map(\.step)).max() ?? 1, 1)
        func x(_ step: Int) -> Int { Self.left + step * plotW / maxStep }
        // Loss on a log10 axis between whole decades around the data.
        let positive = losses.map(\.value).filter { $0 > 0 && $0.isFinite }
        let lowDecade = (positive.min().map { log10($0) } ?? 0).rounded(.down)
        let highDecade = max((positive.max().map { log10($0) } ?? 1).rounded(.up), lowDecade + 1)
        func yLoss(_ v: Double) -> Int {
            Self.top + plotH - Int((log10(max(v, 1e-12)) - lowDecade) / (highDecade - lowDecade) * Double(plotH))
        }
        let cerTop = max(errorRates.map(\.value).max() ?? 0.1, 0.01)
        func yCER(_ v: Double) -> Int { Self.top + plotH - Int(v / cerTop * Double(plotH)) }
        let gray: (UInt8, UInt8, UInt8) = (220, 220, 220), black: (UInt8, UInt8, UInt8) = (0, 0, 0)
        let blue: (UInt8, UInt8, UInt8) = (30, 80, 200), red: (UInt8, UInt8, UInt8) = (200, 40, 40)
        for i in 0...4 {
            let y = Self.top + plotH * i / 4
            canvas.line(Self.left, y, Self.left + plotW, y, gray)
            let xx = Self.left + plotW * i / 4
            canvas.line(xx, Self.top, xx, Self.top + plotH, gray)
            canvas.text(String(maxStep * i / 4), x: xx - 10, y: Self.top + plotH + 8, black)
            canvas.text(Self.percent(cerTop * Double(4 - i) / 4), x: Self.left + plotW + 6, y: y - 3, red)
        }
        for decade in Int(lowDecade)...Int(highDecade) {
            canvas.text(Self.power(decade), x: 4, y: yLoss(Self.pow10(decade)) - 3, blue)
        }
        canvas.rectangle(Self.left, Self.top, Self.left + plotW, Self.top + plotH, black)
        for (a, b) in zip(losses, losses.dropFirst()) { canvas.line(x(a.step), yLoss(a.value), x(b.step), yLoss(b.value), blue) }
        for (a, b) in zip(errorRates, errorRates.dropFirst()) { canvas.line(x(a.step), yCER(a.value), x(b.step), yCER(b.value), red) }
        for p in errorRates { canvas.rectangle(x(p.step) - 2, yCER(p.value) - 2, x(p.step) + 2, yCER(p.value) + 2, red) }
        return canvas.image
    }

    static func pow10(_ e: Int) -> Double { (0..<abs(e)).reduce(1.0) { r, _ in e >= 0 ? r * 10 : r / 10 } }

    static func power(_ e: Int) -> String {
        e >= 0 ? "1" + String(repeating: "0", count: e) : "0." + String(repeating: "0", count: -e - 1) + "1"
    }

    static func percent(_ v: Double) -> String {
        let tenths = Int((v * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}

/// An RGB drawing surface with lines, rectangles and a 3x5 pixel font for digits and a few signs.
struct Canvas {
    var image: RGBImage

    init(width: Int, height: Int) {
        image = RGBImage(width: width, height: height, pixels: [UInt8](repeating: 255, count: width * height * 3))
    }

    mutating func set(_ x: Int, _ y: Int, _ c: (UInt8, UInt8, UInt8)) {
        guard x >= 0, y >= 0, x < image.width, y < image.height else { return }
        let i = (y * image.width + x) * 3
        image.pixels[i] = c.0; image.pixels[i + 1] = c.1; image.pixels[i + 2] = c.2
    }

    /// Bresenham's line.
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8)) {
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

    mutating func rectangle(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ c: (UInt8, UInt8, UInt8)) {
        line(x0, y0, x1, y0, c); line(x1, y0, x1, y1, c); line(x1, y1, x0, y1, c); line(x0, y1, x0, y0, c)
    }

    static let glyphs: [Character: [UInt16]] = {
        // 3x5 glyphs, each row 3 bits (left = 4).
        let rows: [Character: [UInt16]] = [
            "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7], "4": [5, 5, 7, 1, 1],
            "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1], "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7],
            ".": [0, 0, 0, 0, 2], "%": [5, 1, 2, 4, 5], "-": [0, 0, 7, 0, 0],
        ]
        return rows
    }()

    /// Text at 2x scale with its top-left corner at (x, y).
    mutating func text(_ s: String, x: Int, y: Int, _ c: (UInt8, UInt8, UInt8)) {
        for (i, ch) in s.enumerated() {
            guard let rows = Self.glyphs[ch] else { continue }
            for (ry, bits) in rows.enumerated() {
                for bx in 0..<3 where bits & (4 >> bx) != 0 {
                    for dy in 0..<2 { for dx in 0..<2 { set(x + i * 8 + bx * 2 + dx, y + ry * 2 + dy, c) } }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
