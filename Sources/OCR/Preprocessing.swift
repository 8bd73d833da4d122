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
        upright(image).resized(toHeight: height)
    }

    /// The image dark on light (inverted if it is light on dark and polarity is normalized).
    public func upright(_ image: GrayImage) -> GrayImage {
        normalizesPolarity ? image.normalizedPolarity() : image
    }

    /// Float input [height, width] of a normalized image: (255 - v) / 255.
    public static func values(_ image: GrayImage) -> [Float] {
        image.pixels.map { Float(255 - $0) * (1 / 255) }
    }
}
