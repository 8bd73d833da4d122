import Foundation
import Imaging
import NeuralEngine

/// The look of a printed page that went through a scanner, a fax or a camera, on top of
/// ``Augmentation``'s distortions: slight rotation, lost resolution, binarization with speckles,
/// and JPEG compression. Each step is a pure function of its input and the random numbers drawn.
public struct ScanDegradation: Sendable {
    /// Share of the lines binarized (0-1; the default 0.25). Another 15% (what is left, above
    /// 0.85) get JPEG artifacts.
    public var binarizedShare: Float

    public init(binarizedShare: Float = 0.25) {
        precondition(binarizedShare >= 0 && binarizedShare <= 1, "binarizedShare must be in 0...1")
        self.binarizedShare = binarizedShare
    }

    /// Random steps: rotation (30%, up to ±1.2°), Augmentation, lost resolution (30%, to 45-85%
    /// of the size and back), then either binarization (`binarizedShare`, with speckles half the
    /// time) or JPEG artifacts (15% of all lines at most, quality 15-70).
    public func apply(_ image: GrayImage, rng: inout SplitMix64) -> GrayImage {
        var out = image
        if rng.nextFloat() < 0.3 { out = rotated(out, degrees: (rng.nextFloat() - 0.5) * 2.4) }
        out = Augmentation().apply(out, rng: &rng)
        if rng.nextFloat() < 0.3 { out = lowResolution(out, factor: 0.45 + 0.4 * rng.nextFloat()) }
        let finish = rng.nextFloat()
        if finish < binarizedShare {
            out = out.binarized(threshold: out.otsuThreshold())
            if rng.nextFloat() < 0.5 { out = speckled(out, density: 0.002 * rng.nextFloat(), rng: &rng) }
        } else if finish < binarizedShare + 0.15 {
            let quality = 15 + Int(rng.next() % 56)
            if let bytes = try? JPEGEncoder.encode(out, quality: quality),
               let decoded = try? ImageDecoder().decodeGray(bytes) {
                out = decoded
            }
        }
        return out
    }

    /// Rotated about its centre by `degrees` (counter-clockwise), bilinear, on a canvas tall
    /// enough to hold the turned line; uncovered corners are paper (255).
    ///
    /// Shapes: w x h -> w x (h + ceil(w · |sin θ|)).
    public func rotated(_ image: GrayImage, degrees: Float) -> GrayImage {
        let theta = degrees * .pi / 180, c = cos(theta), s = sin(theta)
        let extra = Int((Float(image.width) * abs(s)).rounded(.up))
        let width = image.width, height = image.height + extra
        var out = GrayImage(width: width, height: height, value: 255)
        let cx = Float(image.width - 1) / 2, cy = Float(image.height - 1) / 2
        let ox = Float(width - 1) / 2, oy = Float(height - 1) / 2
        for y in 0..<height {
            for x in 0..<width {
                // Inverse map: the source point that lands on (x, y).
                let dx = Float(x) - ox, dy = Float(y) - oy
                let sx = c * dx - s * dy + cx, sy = s * dx + c * dy + cy
                let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                let fx = sx - Float(x0), fy = sy - Float(y0)
                func at(_ xx: Int, _ yy: Int) -> Float {
                    xx >= 0 && xx < image.width && yy >= 0 && yy < image.height ? Float(image[xx, yy]) : 255
                }
                let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                out[x, y] = UInt8(max(0, min(255, (top * (1 - fy) + bottom * fy).rounded())))
            }
        }
        return out
    }

    /// Scaled down to `factor` of its size and back up: the softness of a low-resolution scan.
    public func lowResolution(_ image: GrayImage, factor: Float) -> GrayImage {
        let w = max(1, Int((Float(image.width) * factor).rounded())), h = max(1, Int((Float(image.height) * factor).rounded()))
        return image.resized(width: w, height: h).resized(width: image.width, height: image.height)
    }

    /// Single pixels flipped between ink and paper with probability `density` each: the dust and
    /// dropouts of a binarized scan.
    public func speckled(_ image: GrayImage, density: Float, rng: inout SplitMix64) -> GrayImage {
        var out = image
        for i in out.pixels.indices where rng.nextFloat() < density {
            out.pixels[i] = out.pixels[i] < 128 ? 255 : 0
        }
        return out
    }
}
