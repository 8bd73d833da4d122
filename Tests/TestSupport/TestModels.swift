import Foundation
import OCR

/// What the tests of several modules share: a tiny architecture, the shipped model, the fixtures.
public enum TestModels {
    /// A network small enough to train in a test: 16 px high, 11 classes (digits and space).
    public static let tinySpec = "H16 C8k3p1 B R M2x2 C16k3p1 B R M2x1 C16k3p1 B R M2x1 L32 F11"

    /// The checkout's shipped model, `pretrained/printed-en.safetensors`.
    public static let shippedModelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("pretrained/" + ModelLocation.shippedFileName).path

    /// Fonts for synthetic lines: fonts-dejavu-core, installed by .ci/run.
    public static let fontDirectory = "/usr/share/fonts/truetype/dejavu"

    /// The hostile-input fixtures of `Tests/OCRTests/Fixtures` (wide, blank images).
    public static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OCRTests/Fixtures").path
}
