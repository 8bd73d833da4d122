import Imaging
import NeuralEngine

/// Random print-and-scan distortions applied to a height-normalized line during training:
/// horizontal scale, shear (a slant or a slight rotation), stroke thickening or thinning, blur,
/// contrast and brightness, and noise. The height is kept, and ink stays at least 80 levels from
/// the paper (less only where noise and rounding take a few).
public struct Augmentation: Sendable {
    public init() {}

    public func apply(_ image: GrayImage, rng: inout SplitMix64) -> GrayImage {
        var out = image
        // Horizontal scale 0.8-1.2.
        let scale = 0.8 + 0.4 * Double(rng.nextFloat())
        out = out.resized(width: max(1, Int(Double(out.width) * scale)), height: out.height)
        // Shear: rows shifted in proportion to their distance from the middle (|slope| <= 0.15).
        if rng.nextFloat() < 0.5 { out = sheared(out, slope: (rng.nextFloat() - 0.5) * 0.3) }
        // Thicken (min filter, ink is dark) or thin (max filter); thin only strokes dark enough
        // to survive it, so a hairline font does not vanish.
        let morph = rng.nextFloat()
        if morph < 0.15 {
            out = filtered(out, pick: min)
        } else if morph < 0.3, (out.pixels.min() ?? 255) < 60 {
            let thinned = filtered(out, pick: max)
            if (thinned.pixels.min() ?? 255) < 100 { out = thinned }
        }
        if rng.nextFloat() < 0.3 { out = boxBlurred(out) }
        // Contrast 0.6-1.2 around the middle of ink and paper, raised if they would end up less
        // than 80 levels apart; brightness ±30 as far as the range still fits; noise σ up to 10.
        let ink = Float(out.pixels.min() ?? 0), paper = Float(out.pixels.max() ?? 255)
        let middle = (ink + paper) / 2
        var contrast = 0.6 + 0.6 * rng.nextFloat()
        if (paper - ink) * contrast < 80 { contrast = min(80 / max(paper - ink, 1), 3) }
        let halfRange = min((paper - ink) * contrast / 2, 127)
        let centre = min(max(middle + (rng.nextFloat() - 0.5) * 60, halfRange), 255 - halfRange)
        let noise = rng.nextFloat() < 0.5 ? rng.nextFloat() * 10 : 0
        var pixels = out.pixels
        for i in pixels.indices {
            var v = (Float(pixels[i]) - middle) * contrast + centre
            if noise > 0 { v += rng.nextGaussian() * noise }
            pixels[i] = UInt8(max(0, min(255, v.rounded())))
        }
        return GrayImage(width: out.width, height: out.height, pixels: pixels)
    }

    /// Each row moved right by (distance from the bottom) x slope, rounded to whole pixels.
    func sheared(_ image: GrayImage, slope: Float) -> GrayImage {
        let extra = Int((abs(slope) * Float(image.height)).rounded(.up))
        var out = GrayImage(width: image.width + extra, height: image.height, value: 255)
        for y in 0..<image.height {
            let shift = Float(image.height - 1 - y) * slope + (slope < 0 ? Float(extra) : 0)
            let offset = Int(shift.rounded())
            for x in 0..<image.width where x + offset >= 0 && x + offset < out.width {
                out[x + offset, y] = image[x, y]
            }
        }
        return out
    }

    func filtered(_ image: GrayImage, pick: (UInt8, UInt8) -> UInt8) -> GrayImage {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                var v = image[x, y]
                if x > 0 { v = pick(v, image[x - 1, y]) }
                if y > 0 { v = pick(v, image[x, y - 1]) }
                out[x, y] = v
            }
        }
        return out
    }

    func boxBlurred(_ image: GrayImage) -> GrayImage {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                var sum = 0, count = 0
                for dy in -1...1 { for dx in -1...1 {
                    let xx = x + dx, yy = y + dy
                    if xx >= 0 && xx < image.width && yy >= 0 && yy < image.height { sum += Int(image[xx, yy]); count += 1 }
                } }
                out[x, y] = UInt8(sum / count)
            }
        }
        return out
    }
}
