import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct ErrorRatesTests {
    @Test func errorRates() {
        #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
        var rates = ErrorRates()
        rates.add(prediction: "the cat", reference: "the cat")
        rates.add(prediction: "a dog", reference: "a fog")
        #expect(rates.characterEdits == 1 && rates.referenceCharacters == 12)
        #expect(rates.wordEdits == 1 && rates.referenceWords == 4)
        #expect(rates.lineAccuracy == 0.5)
    }

    @Test func substitutionsDeletionsInsertions() {
        let errors = characterErrors(prediction: "hxllo!", reference: "hello")
        #expect(errors.count == 2)
        #expect(errors[0].expected == "e" && errors[0].got == "x")
        #expect(errors[1].expected == nil && errors[1].got == "!")
        let missing = characterErrors(prediction: "hllo", reference: "hello")
        #expect(missing.count == 1 && missing[0].expected == "e" && missing[0].got == nil)
    }
}
