import Imaging

/// How a line image becomes the network's input; recorded in the model file so that training and
/// recognition use the very same steps.
public struct Preprocessing: Equatable, Sendable {
    /// Rows of the network input.
    public var height: Int
    /// Invert light-on-dark images first (see `GrayImage.isLightOnDark`).
    public var normalizesPolarity: Bool

    public init(height: Int, normalizesPolarity: Bool = true) {
        self.height = height
        self.normalizesPolarity = normalizesPolarity
    }

    /// The recorded name of the value mapping: ink 1, paper 0, so zero padding is blank paper.
    public static let normalization = "ink01"

    /// The image scaled to `height` rows (aspect kept), polarity fixed: the picture the network sees.
    public func normalizedImage(_ image: GrayImage) -> GrayImage {
        let upright = normalizesPolarity ? image.normalizedPolarity() : image
        return upright.resized(toHeight: height)
    }

    /// Float input [height, width] of a normalized image: (255 - v) / 255.
    public static func values(_ image: GrayImage) -> [Float] {
        image.pixels.map { Float(255 - $0) * (1 / 255) }
    }
}
