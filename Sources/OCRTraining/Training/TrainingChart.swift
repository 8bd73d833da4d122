import Imaging
import OCR

/// A PNG chart of a training run: training loss (blue, log scale, left axis) and validation CER
/// (red, linear from 0, right axis) against the step, with a title, axis names, a legend, grid
/// lines and numeric labels.
public struct TrainingChart {
    public var losses: [(step: Int, value: Double)] = []
    public var errorRates: [(step: Int, value: Double)] = []
    /// Drawn above the plot.
    public var title = "Training"

    public init() {}

    static let width = 720, height = 430, left = 78, right = 78, top = 50, bottom = 44

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
        let gray: Canvas.Color = (220, 220, 220), black: Canvas.Color = (0, 0, 0)
        let blue: Canvas.Color = (30, 80, 200), red: Canvas.Color = (200, 40, 40)
        canvas.text(title, x: (Self.width - Canvas.textWidth(title)) / 2, y: 6, black)
        // Legend, under the title.
        let lossName = "training loss (log scale)", cerName = "validation CER"
        let legendWidth = 24 + Canvas.textWidth(lossName) + 24 + 24 + Canvas.textWidth(cerName)
        var lx = (Self.width - legendWidth) / 2
        canvas.fill(lx, 30, lx + 18, 31, blue)
        canvas.text(lossName, x: lx + 24, y: 24, blue)
        lx += 24 + Canvas.textWidth(lossName) + 24
        canvas.fill(lx, 30, lx + 18, 31, red)
        canvas.fill(lx + 7, 28, lx + 11, 33, red)
        canvas.text(cerName, x: lx + 24, y: 24, red)
        for i in 0...4 {
            let y = Self.top + plotH * i / 4
            canvas.line(Self.left, y, Self.left + plotW, y, gray)
            let xx = Self.left + plotW * i / 4
            canvas.line(xx, Self.top, xx, Self.top + plotH, gray)
            let step = String(maxStep * i / 4)
            canvas.text(step, x: xx - Canvas.textWidth(step) / 2, y: Self.top + plotH + 4, black)
            canvas.text(Self.percent(cerTop * Double(4 - i) / 4), x: Self.left + plotW + 6, y: y - 7, red)
        }
        canvas.text("step", x: Self.left + (plotW - Canvas.textWidth("step")) / 2, y: Self.height - 18, black)
        canvas.text("loss", x: 4, y: 24, blue)
        canvas.text("CER", x: Self.width - 4 - Canvas.textWidth("CER"), y: 24, red)
        for decade in Int(lowDecade)...Int(highDecade) {
            let label = Self.power(decade)
            canvas.text(label, x: Self.left - 6 - Canvas.textWidth(label), y: yLoss(Self.pow10(decade)) - 7, blue)
        }
        canvas.rectangle(Self.left, Self.top, Self.left + plotW, Self.top + plotH, black)
        for (a, b) in zip(losses, losses.dropFirst()) { canvas.line(x(a.step), yLoss(a.value), x(b.step), yLoss(b.value), blue) }
        for (a, b) in zip(errorRates, errorRates.dropFirst()) { canvas.line(x(a.step), yCER(a.value), x(b.step), yCER(b.value), red) }
        // Points, so that a run with a single validation (or loss row) still shows it.
        for p in losses { canvas.fill(x(p.step) - 1, yLoss(p.value) - 1, x(p.step) + 1, yLoss(p.value) + 1, blue) }
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

import Platform
