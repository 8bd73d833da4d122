import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct TrainingDataLimitTests {
    /// A very long label and a very wide line are refused with a message naming the file; the
    /// other lines are kept.
    @Test func oversizedLinesAreRefused() throws {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/ok.png")
        try PNGEncoder.write(BitmapFont.render("0123"), to: dir + "/long.png")
        try PNGEncoder.write(GrayImage(width: 20_000, height: 10, value: 255), to: dir + "/wide.png")
        let samples = [LineSample(imagePath: dir + "/ok.png", text: "0123"),
                       LineSample(imagePath: dir + "/long.png", text: String(repeating: "1", count: 1001)),
                       LineSample(imagePath: dir + "/wide.png", text: "1")]
        let preparation = LinePreparation(preprocessing: Preprocessing(height: 16), charset: Charset(Array("0123456789 ")),
                                          skipsUnknown: false)
        let outcome = preparation.prepare(samples)
        #expect(outcome.lines.map(\.source) == [dir + "/ok.png"])
        #expect(outcome.refused.count == 2)
        #expect(outcome.refused.contains { $0.hasPrefix(dir + "/long.png: label of 1001 characters") })
        #expect(outcome.refused.contains { $0.hasPrefix(dir + "/wide.png: 20000x10 is 32000 px wide") })
    }
}
