import Imaging
import OCR

/// A line ready for the network: its height-normalized image and encoded label.
public struct PreparedLine: Sendable {
    public var image: GrayImage
    public var labels: [Int]
    public var text: String
    public var source: String

    public init(image: GrayImage, labels: [Int], text: String, source: String) {
        self.image = image
        self.labels = labels
        self.text = text
        self.source = source
    }
}
