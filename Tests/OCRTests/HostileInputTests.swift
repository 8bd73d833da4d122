import Foundation
import Imaging
import Platform
import OCRTraining
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

/// Issue #13's hostile inputs (reproducers in ../shared/repro/hostile, copies in Fixtures/): no
/// single file may take down a batch, hang it, or make a model read garbage as text.
@Suite struct HostileInputTests {
    /// A 1,000,000 x 1 or 100,000 x 16 image would be tens of millions of columns at the network's
    /// height: refused by name, before any scaling; a blank image reads as nothing.
    @Test func wideAndBlankImages() throws {
        let recognizer = Recognizer(model: try OCRModel.load(contentsOf: TestModels.shippedModelPath))
        for name in ["wide_1Mx1.png", "wide_100kx16.png"] {
            #expect {
                try recognizer.recognize(contentsOf: URL(fileURLWithPath: TestModels.fixtures + "/" + name))
            } throws: { error in
                guard case .lineTooWide(_, _, let columns) = error as? RecognitionError else { return false }
                return columns > Recognizer.maxLineColumns
            }
        }
        let blank = try recognizer.recognize(contentsOf: URL(fileURLWithPath: TestModels.fixtures + "/white_400x40.png"))
        #expect(blank.text.isEmpty, "read '\(blank.text)' on a blank image")
        // In a batch, the refused image does not stop the others.
        let good = BitmapFont.render("0123 45")
        let wide = try ImageDecoder().decodeGray(contentsOf: TestModels.fixtures + "/wide_100kx16.png")
        let results = recognizer.recognize([good, wide, good])
        #expect((try? results[0].get()) != nil && (try? results[2].get()) != nil)
        #expect((try? results[1].get()) == nil)
    }

    /// The lines of one image together are bounded too.
    @Test func tooMuchTextInOneImage() throws {
        let recognizer = Recognizer(model: try OCRModel.load(contentsOf: TestModels.shippedModelPath), layout: .line)
        // One line 19,000 columns wide passes; the bound on an image counts all its lines.
        let height = 32, width = Recognizer.maxLineColumns - 1000
        var image = GrayImage(width: width, height: height, value: 255)
        for x in stride(from: 0, to: width, by: 7) { for y in 8..<24 { image[x, y] = 0 } }
        #expect(recognizer.networkColumns(image) < Recognizer.maxLineColumns)
        #expect(Recognizer.maxImageColumns >= 50 * recognizer.networkColumns(image))
    }

    /// A network whose output is not finite is an error for that image, never text with full
    /// confidence; models with negative variances or absurd weights are refused at load.
    @Test func badModels() throws {
        let model = try OCRModel.load(contentsOf: TestModels.shippedModelPath)
        guard case .conv(let conv) = model.network.layers[0] else { Issue.record("no conv"); return }
        conv.weight.value[0] = .nan
        for beam in [1, 8] {
            let recognizer = Recognizer(model: model, beamWidth: beam)
            #expect(throws: RecognitionError.self) { try recognizer.recognize(BitmapFont.render("0123 45")) }
        }
        for (damage, message) in [({ (m: OCRModel) in m.network.namedBatchNorms[0].1.runningVariance[0] = -1 }, "negative variance"),
                                   ({ (m: OCRModel) in m.network.parameters[0].value[0] = 3e38 }, "not a trained network")] {
            let damaged = try OCRModel.load(contentsOf: TestModels.shippedModelPath)
            damage(damaged)
            let bad = damaged.safeTensors()
            #expect {
                try OCRModel(SafeTensors.parse(bad.serialized(), name: "bad"), name: "bad")
            } throws: { error in
                (error as? FileError)?.reason.contains(message) == true
            }
        }
    }
}
