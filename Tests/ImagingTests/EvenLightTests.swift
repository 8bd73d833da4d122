import Testing
@testable import Imaging

/// A page lit unevenly is evened out; one lit evenly is left alone.
@Suite struct EvenLightTests {
    /// Paper with dark squares of "ink" every 20 px, the light falling from 250 on the left to
    /// `far` on the right.
    static func page(far: Float) -> GrayImage {
        var page = GrayImage(width: 400, height: 300, value: 255)
        for y in 0..<300 {
            for x in 0..<400 {
                let light = 250 + (far - 250) * Float(x) / 399
                let ink = (x % 20 < 4) && (y % 20 < 8)
                page[x, y] = UInt8((ink ? 0.15 * light : light).rounded())
            }
        }
        return page
    }

    @Test func evenLightIsLeftAlone() {
        #expect(Self.page(far: 240).evenlyLit(tile: 16) == nil)
        #expect(GrayImage(width: 50, height: 40, value: 200).evenlyLit(tile: 16) == nil)
    }

    /// Light falling to half across the page: afterwards the paper is near white everywhere and
    /// the ink as dark against it as before, so one threshold separates them across the page.
    @Test func unevenLightIsEvenedOut() throws {
        let dim = Self.page(far: 125)
        let even = try #require(dim.evenlyLit(tile: 16))
        var paper = [Int](), ink = [Int]()
        for y in 0..<300 {
            for x in 0..<400 {
                if (x % 20 < 4) && (y % 20 < 8) { ink.append(Int(even[x, y])) }
                else if x % 20 > 6 && y % 20 > 10 { paper.append(Int(even[x, y])) }
            }
        }
        #expect(paper.min()! >= 215, "paper \(paper.min()!)")
        #expect(ink.max()! <= 60, "ink \(ink.max()!)")
    }
}
