import Foundation
import Imaging
import OCRTraining
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

/// The model in `pretrained/`, on clean lines of a font it was trained on.
@Suite struct ShippedModelTests {
    static let texts = [
        "The quick brown fox jumps over the lazy dog.",
        "Invoice No. 2024-0117, total $1,284.50 (due 30 days)",
        "Section 4(b): \"Licensee\" means any person or entity;",
        "email: support@example.org / tel. +44 20 7946 0958",
        "All work and no play makes Jack a dull boy, 100% sure!",
    ]

    /// Winograd and im2col convolutions give the shipped model the same logits (within float
    /// rounding) and the same text, and that text is close to the truth.
    @Test func winogradAndIm2colReadAlike() throws {
        let model = try OCRModel.load(contentsOf: TestModels.shippedModelPath)
        let renderer = try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSans.ttf", pixelSize: 26)
        let images = try Self.texts.map { try renderer.render($0).resized(toHeight: model.preprocessing.height) }
        let (input, width, widths) = BatchDecoding.pack(images, height: model.preprocessing.height,
                                                  minimumWidth: model.architecture.minimumWidth)
        defer { model.network.allowsWinograd = true }
        var logits = [[Float]](), texts = [[String]]()
        for winograd in [true, false] {
            model.network.allowsWinograd = winograd
            logits.append(model.network.forward(input, batch: images.count, width: width, widths: widths, training: false).logits)
            texts.append(recognizeBatch(model, images: images).map { String($0.map(\.character)) })
        }
        let difference = zip(logits[0], logits[1]).map { abs($0 - $1) }.max()!
        #expect(difference < 1e-3, "largest logit difference \(difference)")
        #expect(texts[0] == texts[1])
        let errors = zip(texts[0], Self.texts).reduce(0) { $0 + editDistance(Array($1.0), Array($1.1)) }
        let characters = Self.texts.reduce(0) { $0 + $1.count }
        #expect(Double(errors) / Double(characters) < 0.03, "\(texts[0])")
    }

    /// A line cropped tight to its ink reads the same, text and confidences, alone, beside wider
    /// lines in one batch, and in another order: padding never reaches what the network computes
    /// for a line, and every line gets the paper it needs beside its ink.
    @Test func aLineReadsTheSameAloneAndInABatch() throws {
        let recognizer = Recognizer(model: try OCRModel.load(contentsOf: TestModels.shippedModelPath), layout: .line)
        let renderer = try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSerif.ttf", pixelSize: 24)
        let lines = try ["dry seasons.", "induc-", "The quick brown fox jumps over the lazy dog, 1,284.50;"].map { text in
            let image = try renderer.render(text)
            let ink = try #require(image.inkColumns)
            let rows = (0..<image.height).filter { y in (0..<image.width).contains { image[$0, y] < 128 } }
            return image.cropped(x: ink.lowerBound, y: rows.first!, width: ink.count, height: rows.last! - rows.first! + 1)
        }
        let alone = try lines.map { try recognizer.recognize($0) }
        #expect(try recognizer.recognize(lines).map { try $0.get() } == alone)
        #expect(try recognizer.recognize(lines.reversed()).map { try $0.get() } == alone.reversed())
        #expect(alone[0].text == "dry seasons." && alone[1].text == "induc-", "\(alone.map(\.text))")
    }
}
