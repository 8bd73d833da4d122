import Foundation
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

@Suite struct SpellingModelTests {
    static let words = ["the", "of", "and", "to", "this", "that", "offer", "often", "it", "is", "list", "little"]

    /// Every context's smoothed distribution over the 27 symbols sums to 1, at every order the
    /// interpolation passes through (contexts seen, partly seen, never seen).
    @Test func distributionsSumToOne() {
        let model = SpellingModel(words: Self.words)
        var rng = SplitMix64(seed: 3)
        let seen = ["", "t", "th", "the", "of", "off", "lit", "ofte", "offer", "littl", "ittle"].map { word in
            word.unicodeScalars.reduce(0) { SpellingModel.advance($0, by: SpellingModel.symbol($1)) }
        }
        let random = (0..<50).map { _ in Int(rng.next() % UInt64(SpellingModel.contexts)) }
        for context in seen + random {
            let sum = (0..<SpellingModel.symbols).reduce(Float(0)) {
                $0 + exp(model.logProbability($1, after: context))
            }
            #expect(abs(sum - 1) < 1e-4, "context \(context): \(sum)")
        }
        let unigram = model.logUnigram.reduce(Float(0)) { $0 + exp($1) }
        #expect(abs(unigram - 1) < 1e-4)
    }

    /// The spelling the words teach scores above a misreading of it; case does not matter; runs
    /// of characters that are not letters score 0.
    @Test func spellingsOfTheListScoreHigher() {
        let model = SpellingModel(words: Self.words)
        #expect(model.score("of") > model.score("ot"))
        #expect(model.score("this") > model.score("tbis"))
        #expect(model.score("little") > model.score("liftle"))
        #expect(model.score("The") == model.score("the"))
        #expect(model.score("2024-01, $5.00") == 0)
        // A word's end counts once, at the first character after it; a new word starts afresh.
        #expect(abs(model.score("of the") - (model.score("of ") + model.score("the"))) < 1e-5)
        #expect(model.score("of ") == model.score("of"))  // the end of the text ends the word too
    }

    /// A word of the list gains `wordBonus` per letter when it ends (at a non-letter or at the
    /// end of the text); other words, and listed words that go on, gain nothing.
    @Test func listedWordsGainTheirBonus() {
        var plain = SpellingModel(words: Self.words)
        plain.wordBonus = 0
        var model = plain
        model.wordBonus = 0.5
        #expect(abs(model.score("this") - plain.score("this") - 2) < 1e-5)
        #expect(abs(model.score("this, it") - plain.score("this, it") - 3) < 1e-5)
        #expect(model.score("thes") == plain.score("thes"))
        #expect(model.score("offers") == plain.score("offers"))  // "offer" is listed, "offers" is not
    }

    /// The network is unsure between `t` and `f` in the second column; greedy and plain beam
    /// search read `ot`, the beam with the spelling model `of`. With weight 0 it reads as without.
    @Test func beamSearchUsesSpelling() {
        let charset = Charset(["f", "o", "t"])  // classes: 1 f, 2 o, 3 t
        let probs: [Float] = [0.05, 0.0, 0.95, 0.0,
                              0.05, 0.0, 0.0, 0.95,
                              0.05, 0.43, 0.0, 0.52]
        let rows = probs.count / 4
        #expect(rows == 3)
        let spelling = SpellingModel(words: Self.words)
        func read(_ s: WeightedSpelling?) -> String {
            String(CTCDecoder.beamSearch(probs, classes: 4, charset: charset, beamWidth: 4, spelling: s).map(\.character))
        }
        #expect(String(CTCDecoder.greedy(probs, classes: 4, charset: charset).map(\.character)) == "ot")
        #expect(read(nil) == "ot")
        #expect(read(WeightedSpelling(model: spelling, weight: 0)) == "ot")
        #expect(read(WeightedSpelling(model: spelling, weight: 0.8)) == "of")
    }

    /// The open-addressing table against a Dictionary, through several doublings.
    @Test func contextTableMatchesADictionary() {
        var table = ContextTable(), reference = [Int32: Int]()
        var rng = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let key = Int32(rng.next() % 30_000)
            let row = table.row(of: key, making: reference.count)
            if let known = reference[key] { #expect(row == known) } else {
                #expect(row == reference.count)
                reference[key] = row
            }
        }
        #expect(table.count == reference.count)
        for key in Int32(0)..<30_000 { #expect(table.row(of: key) == reference[key]) }
        var visited = 0
        table.forEach { key, row in
            visited += 1
            #expect(reference[key] == row)
        }
        #expect(visited == reference.count)
    }

    @Test func unreadableAndEmptyListsAreErrors() throws {
        let missing = "/nonexistent/words.txt"
        #expect(throws: SpellingModelError.unreadable(missing)) { try SpellingModel(contentsOf: missing) }
        let empty = try temporaryPath("words.txt")
        try "# only a comment\n\n".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(throws: SpellingModelError.empty(empty)) { try SpellingModel(contentsOf: empty) }
        let list = try temporaryPath("words.txt")
        try Self.words.joined(separator: "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let fromFile = try SpellingModel(contentsOf: list), fromList = SpellingModel(words: Self.words)
        // The same words (each scores with its bonus) and the same probabilities.
        #expect((Self.words + ["offe", "thas"]).allSatisfy { fromFile.score($0) == fromList.score($0) })
        #expect(fromFile.score("liftle offer") == fromList.score("liftle offer"))
    }

    /// A model file's word list is `X.words.txt` beside `X.safetensors`; the shipped model has one
    /// and `Recognizer()` uses it.
    @Test func shippedModelHasItsWordList() throws {
        #expect(ModelLocation.wordList(forModel: "/a/m.safetensors") == "/a/m.words.txt")
        #expect(ModelLocation.wordList(forModel: "/a/m.safetensors.ckpt") == "/a/m.words.txt")
        let words = ModelLocation.wordList(forModel: TestModels.shippedModelPath)
        #expect(FileManager.default.fileExists(atPath: words))
        let recognizer = try Recognizer(modelPath: TestModels.shippedModelPath)
        #expect(recognizer.spelling?.weight == Recognizer.defaultSpellingWeight)
        #expect(try Recognizer(modelPath: TestModels.shippedModelPath, spellingWeight: 0).spelling == nil)
    }

    /// A table written for a word list loads as the very model learned from the list; it is used
    /// only for that list (an edited list is learned afresh); a table whose sizes are damaged is
    /// refused, and a damaged value in it counts as no information, never as a score.
    @Test func tablesLoadAsTheLearnedModelAndOnlyForTheirList() throws {
        let list = try temporaryPath("test.words.txt")
        try (Self.words.joined(separator: "\n") + "\n").write(toFile: list, atomically: true, encoding: .utf8)
        let learned = try SpellingModel(contentsOf: list)
        try SpellingModel.write(tableFor: list)
        let tablePath = SpellingModel.tablePath(forWordList: list)
        #expect(tablePath.hasSuffix("/test.words.table"))
        let table = try readTextFileBytes(tablePath), listBytes = try readTextFileBytes(list)
        let loaded = try #require(SpellingModel(table: table, wordList: listBytes))
        let texts = ["the often little list", "ofter tbe", "It is THAT", "x9 of-the", "offerings"]
        #expect(texts.map(loaded.score) == texts.map(learned.score))
        #expect(try SpellingModel(contentsOf: list).score("offer it") == learned.score("offer it"))
        // Another list, or the same list edited, does not take the table.
        #expect(SpellingModel(table: table, wordList: listBytes + Array("more\n".utf8)) == nil)
        // Truncated, or with a byte changed in its list fingerprint or its sizes: refused.
        #expect(SpellingModel(table: Array(table.dropLast(3)), wordList: listBytes) == nil)
        for offset in [20, 30, 40, 56] {
            var damaged = table
            for i in offset..<(offset + 4) { damaged[i] ^= 0xFF }
            #expect(SpellingModel(table: damaged, wordList: listBytes) == nil, "bytes \(offset) to \(offset + 3) changed")
        }
        // Every probability NaN and every context slot free: scores stay finite. A NaN in the
        // unigram (read whole at load) refuses the table.
        var garbage = table
        let unigramAt = garbage.count - 8 * Self.words.count - 4 * 27
        for i in 72..<unigramAt { garbage[i] = 0xFF }
        let damaged = try #require(SpellingModel(table: garbage, wordList: listBytes))
        #expect(texts.allSatisfy { damaged.score($0).isFinite })
        for i in unigramAt..<(unigramAt + 4) { garbage[i] = 0xFF }
        #expect(SpellingModel(table: garbage, wordList: listBytes) == nil)
    }

    /// The shipped word list's table is there and is the shipped list's, so that the default
    /// decoding does not learn the list at every start.
    @Test func theShippedTableBelongsToTheShippedList() throws {
        let list = ModelLocation.wordList(forModel: TestModels.shippedModelPath)
        let table = try #require(try? readTextFileBytes(SpellingModel.tablePath(forWordList: list)), "run ocr spelling \(list)")
        #expect(SpellingModel(table: table, wordList: try readTextFileBytes(list)) != nil,
                "the table is not the list's: run ocr spelling \(list)")
    }
}
