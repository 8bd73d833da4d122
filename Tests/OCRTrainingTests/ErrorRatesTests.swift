import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR
@testable import OCRTraining

@Suite struct ErrorRatesTests {
    /// The least confident tenth against the rest: lines sorted by confidence, ties in order,
    /// each part's CER its edits over its characters.
    @Test func confidenceSplitsTheLeastConfidentTenth() {
        let confidences: [Float] = [0.9, 0.2, 0.99, 0.95, 0.5, 0.97, 0.98, 0.96, 0.93, 0.94, 0.2, 0.91]
        let edits = [0, 4, 0, 1, 2, 0, 0, 0, 0, 0, 3, 0]
        let characters = Array(repeating: 10, count: 12)
        let split = confidenceSplit(confidences: confidences, edits: edits, characters: characters)
        // 10% of 12 is one line: the first of the two at 0.2 (4 edits of 10).
        #expect(split.least.lines == 1 && split.least.cer == 0.4)
        #expect(split.rest.lines == 11 && abs(split.rest.cer - 6.0 / 110) < 1e-12)
        let quarter = confidenceSplit(confidences: confidences, edits: edits, characters: characters, share: 0.25)
        #expect(quarter.least.lines == 3 && quarter.least.cer == 0.3)  // 0.2, 0.2, 0.5: 9 edits of 30
        #expect(confidenceSplit(confidences: [0.5], edits: [1], characters: [4]).rest.lines == 0)
    }

    /// A predicted word is right when the alignment of fewest word edits pairs it with an equal
    /// reference word: inserted, dropped and misread words around it do not move it.
    @Test func rightWordsFollowTheAlignment() {
        func words(_ s: String) -> [String] { s.split(separator: " ").map(String.init) }
        #expect(rightWords(words("the cat sat"), reference: words("the cat sat")) == [true, true, true])
        #expect(rightWords(words("the cot sat"), reference: words("the cat sat")) == [true, false, true])
        #expect(rightWords(words("the c at sat"), reference: words("the cat sat")) == [true, false, false, true])
        #expect(rightWords(words("the sat"), reference: words("the cat sat")) == [true, true])
        #expect(rightWords(words("sat the cat"), reference: words("the cat sat")) == [false, true, true])
        #expect(rightWords([], reference: words("the cat")) == [])
        #expect(rightWords(words("a b"), reference: []) == [false, false])
        // A word read twice is right once.
        #expect(rightWords(words("the the cat"), reference: words("the cat")).filter { $0 }.count == 2)
    }

    /// Words are the runs of decoded characters between spaces, each as confident as its least
    /// confident character.
    @Test func wordsTakeTheirLeastConfidentCharacter() {
        func c(_ ch: Character, _ p: Float) -> DecodedCharacter {
            DecodedCharacter(character: ch, classIndex: 1, confidence: p, steps: 0...0)
        }
        let read = ReadWord.words(of: [c("a", 0.9), c("b", 0.4), c(" ", 0.99), c(" ", 0.5), c("c", 0.8)])
        #expect(read == [ReadWord(text: "ab", confidence: 0.4), ReadWord(text: "c", confidence: 0.8)])
        #expect(ReadWord.words(of: []).isEmpty)
    }

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
