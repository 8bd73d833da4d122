import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct DecoderTests {
    let charset = Charset(["a", "b"])

    /// Probabilities [steps, 3] from rows of (blank, a, b).
    func probs(_ rows: [[Float]]) -> [Float] { rows.flatMap { $0 } }

    @Test func greedyCollapsesRepeatsAndBlanks() {
        let p = probs([[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05], [0.1, 0.85, 0.05], [0.1, 0.1, 0.8]])
        let out = CTCDecoder.greedy(p, classes: 3, charset: charset)
        #expect(String(out.map(\.character)) == "aab")
        #expect(out[0].steps == 0...1 && out[0].confidence == 0.8)
        #expect(out[1].steps == 3...3 && out[2].steps == 4...4)
        let onlyB = CTCDecoder.greedy(p, classes: 3, charset: charset, allowed: [2])
        #expect(String(onlyB.map(\.character)) == "b")
    }

    /// Where the best path is not the best labelling: two steps of blank 0.5, a 0.3, b 0.2. The best
    /// path is "" (0.25), but "a" (paths aa, a-, -a) has 0.3·0.3 + 2·0.3·0.5 = 0.39.
    @Test func beamFindsTheLikeliestLabelling() {
        let p = probs([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2]])
        #expect(CTCDecoder.greedy(p, classes: 3, charset: charset).isEmpty)
        let beam = CTCDecoder.beamSearch(p, classes: 3, charset: charset, beamWidth: 8)
        #expect(String(beam.map(\.character)) == "a")
    }

    /// A beam wide enough to keep every prefix is exact: it must find the labelling with the
    /// largest total probability, summed here over every path of every labelling.
    @Test(arguments: 1...6)
    func wideBeamEqualsExhaustiveSearch(seed: Int) {
        let steps = 5, classes = 4
        let wide = Charset(["a", "b", "c"])
        var rng = SplitMix64(seed: UInt64(seed))
        let p = probs((0..<steps).map { _ in
            let raw = (0..<classes).map { _ in rng.nextFloat() + 0.05 }
            return raw.map { $0 / raw.reduce(0, +) }
        })
        var labellings = [[Int]: Double]()
        for path in 0..<Int(pow(Double(classes), Double(steps))) {
            var rest = path, labels = [Int](), previous = 0, probability = 1.0
            for t in 0..<steps {
                let c = rest % classes
                rest /= classes
                probability *= Double(p[t * classes + c])
                if c != 0 && c != previous { labels.append(c) }
                previous = c
            }
            labellings[labels, default: 0] += probability
        }
        let best = labellings.max { $0.value < $1.value }!.key
        let beam = CTCDecoder.beamSearch(p, classes: classes, charset: wide, beamWidth: 10_000)
        #expect(beam.map(\.classIndex) == best)
    }

    @Test func beamAgreesWithGreedyOnPeakedInput() {
        let p = probs([[0.05, 0.9, 0.05], [0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])
        let beam = CTCDecoder.beamSearch(p, classes: 3, charset: charset, beamWidth: 4)
        #expect(String(beam.map(\.character)) == "aab")
        #expect(beam.map(\.steps) == [0...0, 2...2, 3...3])
    }
}
