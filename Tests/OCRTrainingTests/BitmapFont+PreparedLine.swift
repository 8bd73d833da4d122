import Imaging
import OCR
import OCRTraining
import TestSupport

extension BitmapFont {
    /// The texts rendered and prepared as training lines of the given height.
    static func prepared(_ texts: [String], charset: Charset, height: Int) throws -> [PreparedLine] {
        let preprocessing = Preprocessing(height: height)
        return try texts.map { text in
            PreparedLine(image: preprocessing.normalizedImage(render(text)), labels: try charset.encode(text),
                         text: text, source: text)
        }
    }
}
