import Testing
@testable import Imaging

@Suite struct ImageOperationTests {
    @Test func areaDownscaleAveragesBlocks() {
        // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block.
        let image = GrayImage(width: 4, height: 2, pixels: [0, 100, 200, 255, 50, 150, 0, 45])
        #expect(image.resized(width: 2, height: 1).pixels == [75, 125])
    }

    @Test func areaDownscaleByNonIntegerFactor() {
        // 3 -> 2: output 0 covers input 0 and half of 1.
        let image = GrayImage(width: 3, height: 1, pixels: [0, 90, 180])
        #expect(image.resized(width: 2, height: 1).pixels == [30, 150])
    }

    @Test func bilinearUpscale() {
        let image = GrayImage(width: 2, height: 1, pixels: [0, 200])
        // Centres at -0.25, 0.25, 0.75, 1.25 in input coordinates, clamped at the edges.
        #expect(image.resized(width: 4, height: 1).pixels == [0, 50, 150, 200])
        #expect(image.resized(width: 2, height: 3).pixels == [0, 200, 0, 200, 0, 200])
    }

    @Test func resizeToHeightKeepsAspect() {
        let image = GrayImage(width: 300, height: 60, value: 128)
        let scaled = image.resized(toHeight: 32)
        #expect(scaled.width == 160 && scaled.height == 32)
        #expect(scaled.pixels.allSatisfy { $0 == 128 })
        #expect(GrayImage(width: 1, height: 100, value: 0).resized(toHeight: 10).width == 1)
    }

    @Test func cropClipsToTheImage() {
        let image = GrayImage(width: 4, height: 3, pixels: (0..<12).map { UInt8($0) })
        #expect(image.cropped(x: 1, y: 1, width: 2, height: 2).pixels == [5, 6, 9, 10])
        let clipped = image.cropped(x: 3, y: -1, width: 5, height: 2)
        #expect(clipped.width == 1 && clipped.height == 1 && clipped.pixels == [3])
    }

    @Test func pad() {
        let image = GrayImage(width: 1, height: 1, pixels: [7])
        let out = image.padded(top: 1, left: 2, value: 255)
        #expect(out.width == 3 && out.height == 2)
        #expect(out.pixels == [255, 255, 255, 255, 255, 7])
    }

    @Test func stackPutsTheFirstOnTop() {
        let a = GrayImage(width: 2, height: 1, pixels: [1, 2]), b = GrayImage(width: 2, height: 2, pixels: [3, 4, 5, 6])
        let stack = GrayImage.stacked([a, b])
        #expect(stack.width == 2 && stack.height == 3 && stack.pixels == [1, 2, 3, 4, 5, 6])
        #expect(GrayImage.stacked([b, a]).pixels == [3, 4, 5, 6, 1, 2])
    }

    @Test func otsuSplitsTwoLevels() {
        let pixels = [UInt8](repeating: 40, count: 30) + [UInt8](repeating: 210, count: 70)
        let image = GrayImage(width: 10, height: 10, pixels: pixels)
        let t = image.otsuThreshold()
        #expect(t >= 40 && t < 210)
        #expect(image.binarized(threshold: t).pixels == pixels.map { $0 == 40 ? 0 : 255 })
    }

    /// The histogram (four tables in turn) against a plain count, on sizes that leave 0-3
    /// pixels after the last group of four.
    @Test func histogramCountsEveryPixel() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 4, 5, 1001, 4099] {
            let pixels = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var plain = [Int](repeating: 0, count: 256)
            for v in pixels { plain[Int(v)] += 1 }
            #expect(GrayImage(width: count, height: 1, pixels: pixels).histogram == plain)
        }
    }

    @Test func otsuOnNoisyBimodal() {
        var generator = SystemRandomNumberGenerator()
        let pixels = (0..<2000).map { i -> UInt8 in
            let base = i % 4 == 0 ? 60 : 190
            return UInt8(base + Int.random(in: -25...25, using: &generator))
        }
        let t = GrayImage(width: 40, height: 50, pixels: pixels).otsuThreshold()
        #expect(t > 85 && t < 165)
    }

    @Test func polarity() {
        // Dark text (20% of pixels) on white: keep; light text on black: invert.
        let text = (0..<100).map { $0 % 5 == 0 ? UInt8(10) : UInt8(245) }
        let page = GrayImage(width: 10, height: 10, pixels: text)
        #expect(!page.isLightOnDark)
        #expect(page.normalizedPolarity() == page)
        let negative = page.inverted()
        #expect(negative.isLightOnDark)
        #expect(negative.normalizedPolarity() == page)
    }

    /// The paper level is the 90th percentile; the ink columns run from the first column with a
    /// pixel at or below Otsu's threshold to the last, and a flat image has none.
    @Test func paperLevelAndInkColumns() {
        var image = GrayImage(width: 40, height: 10, value: 200)
        for y in 2..<8 { for x in [5, 6, 30] { image[x, y] = 10 } }
        #expect(image.paperLevel == 200)
        #expect(image.inkColumns == 5..<31)
        #expect(GrayImage(width: 40, height: 10, value: 200).inkColumns == nil)
        var faint = GrayImage(width: 40, height: 10, value: 200)
        faint[3, 3] = 180  // 20 levels: not ink
        #expect(faint.inkColumns == nil)
        var noisy = GrayImage(width: 100, height: 1, value: 250)
        for x in 0..<95 { noisy[x, 0] = UInt8(150 + x) }
        #expect(noisy.paperLevel == 240)  // 90 of the 100 pixels are below 240
    }
}
