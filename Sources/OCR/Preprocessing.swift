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

    /// Columns of paper the network gets on each side of a line's ink, once the line is scaled to
    /// `height` rows (4 at 32). The network reads a line's last characters from columns past
    /// them: a line cropped tight to its ink needs paper there. Where the image has less, paper
    /// of the image's own level (``GrayImage/paperLevel``) is added; a line with enough is left as
    /// it is (more paper than the lines it was trained on costs accuracy too).
    public var margin: Int { height / 8 }

    /// The image scaled to `height` rows (aspect kept), polarity fixed, with ``margin`` columns of
    /// paper at least on each side of its ink: the picture the network sees.
    public func normalizedImage(_ image: GrayImage) -> GrayImage {
        networkImage(upright: upright(image)).image
    }

    /// ``normalizedImage(_:)`` of an image that is upright already, with the columns of paper
    /// added on its left, its width once scaled (before any were added), and whether it holds ink
    /// at all (``GrayImage/inkColumns``).
    public func networkImage(upright image: GrayImage) -> (image: GrayImage, addedLeft: Int, scaledWidth: Int, hasInk: Bool) {
        let scaled = image.resized(toHeight: height)
        guard let ink = scaled.inkColumns else { return (scaled, 0, scaled.width, false) }
        let left = max(0, margin - ink.lowerBound), right = max(0, margin - (scaled.width - ink.upperBound))
        if left == 0 && right == 0 { return (scaled, 0, scaled.width, true) }
        return (scaled.padded(left: left, right: right, value: scaled.paperLevel), left, scaled.width, true)
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
