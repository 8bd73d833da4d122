import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct FineTuningTests {
    @Test func newCharactersKeepTheOldRows() throws {
        let old = Charset(Array("012"))
        let architecture = try CRNNArchitecture(spec: TestModels.tinySpec, name: "tiny", classes: old.classCount)
        let model = OCRModel(architecture: architecture, charset: old, seed: 3)
        var bigger = old
        bigger.insert("x")
        let expanded = model.expanded(to: bigger, seed: 9)
        #expect(expanded.charset.classCount == 5)
        let before = Dictionary(uniqueKeysWithValues: model.network.namedParameters)
        for (name, p) in expanded.network.namedParameters {
            let source = try #require(before[name])
            #expect(Array(p.value.prefix(source.value.count)) == source.value, "\(name)")
        }
        let classifier = expanded.network.namedParameters.last { $0.0.hasSuffix("emb.weight") }!.1
        #expect(classifier.shape == [5, 64])
    }
}
