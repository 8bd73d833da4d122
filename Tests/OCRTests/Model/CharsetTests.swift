import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct CharsetTests {
    @Test func blankIsZeroAndLabelsAreNFC() throws {
        let charset = Charset(labels: ["abc", "cafe\u{301}"])
        #expect(charset.characters == ["a", "b", "c", "f", "é"])
        #expect(try charset.encode("ca\u{E9}") == [3, 1, 5])
        #expect(try charset.encode("cae\u{301}") == [3, 1, 5])
        #expect(charset.decode([3, 0, 1]) == "ca")
        #expect(charset.classCount == 6)
    }

    @Test func unknownCharactersAreListed() {
        do {
            _ = try Charset.printableASCII.encode("naïve ☃ ☃")
            Issue.record("encoded unknown characters")
        } catch {
            #expect(error.characters == ["ï", "☃"])
            #expect(error.description.contains("U+00EF") && error.description.contains("U+2603"))
        }
    }
}
