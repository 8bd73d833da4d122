import Foundation
import Imaging
import NeuralEngine
import OCR

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
        if rng.nextFloat() < 0.3 { out = out.rotated(degrees: (rng.nextFloat() - 0.5) * 2.4) }
        out = Augmentation().apply(out, rng: &rng)
        if rng.nextFloat() < 0.3 { out = out.lowResolution(factor: 0.45 + 0.4 * rng.nextFloat()) }
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
