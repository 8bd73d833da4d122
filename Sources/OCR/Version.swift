/// This package's name and version, as the document formats name the software that read a page.
public enum OCRVersion {
    public static let name = "ocr"
    public static let version = "0.12.0"
    /// "ocr 0.12.0".
    public static var nameAndVersion: String { "\(name) \(version)" }
}
