import Imaging
import NeuralEngine
import OCR

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
        if rng.nextFloat() < 0.5 { out = out.sheared(slope: (rng.nextFloat() - 0.5) * 0.3) }
        // Thicken (min filter, ink is dark) or thin (max filter); thin only strokes dark enough
        // to survive it, so a hairline font does not vanish.
        let morph = rng.nextFloat()
        if morph < 0.15 {
            out = out.neighbourhoodFiltered(pick: min)
        } else if morph < 0.3, (out.pixels.min() ?? 255) < 60 {
            let thinned = out.neighbourhoodFiltered(pick: max)
            if (thinned.pixels.min() ?? 255) < 100 { out = thinned }
        }
        if rng.nextFloat() < 0.3 { out = out.boxBlurred() }
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

}
