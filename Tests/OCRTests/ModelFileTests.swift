import Foundation
import Testing
@testable import NeuralEngine
@testable import OCR

/// This test process's scratch folder under the system's temporary directory; it and everything
/// the tests wrote in it are removed when the process exits.
let testScratchFolder: String = {
    let path = NSTemporaryDirectory() + "ocr-tests-" + UUID().uuidString
    atexit { try? FileManager.default.removeItem(atPath: testScratchFolder) }
    return path
}()

/// `name` in a new empty directory of the test process's scratch folder.
func temporaryPath(_ name: String) throws -> String {
    let dir = testScratchFolder + "/" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir + "/" + name
}

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

@Suite struct ModelFileTests {
    static let spec = "H8 C4k3p1 B R M2x2 C4k3p1 R M2x1 L4 F5"

    func model() throws -> OCRModel {
        let architecture = try CRNNArchitecture(spec: Self.spec, name: "test", classes: 4)
        let m = OCRModel(architecture: architecture, charset: Charset(["a", "b", "é"]), seed: 3,
                         trainingSummary: ["steps": "12"])
        m.network.namedBatchNorms[0].1.runningMean = [0.5, -1, 2, 3]
        return m
    }

    @Test func roundTrip() throws {
        let original = try model()
        let path = try temporaryPath("m.safetensors")
        try original.save(to: path)
        let loaded = try OCRModel.load(contentsOf: path)
        #expect(loaded.charset == original.charset)
        #expect(loaded.architecture == original.architecture)
        #expect(loaded.trainingSummary == ["steps": "12"])
        for ((n1, p1), (n2, p2)) in zip(original.network.namedParameters, loaded.network.namedParameters) {
            #expect(n1 == n2 && p1.value == p2.value)
        }
        #expect(loaded.network.namedBatchNorms[0].1.runningMean == [0.5, -1, 2, 3])
    }

    /// Checkpoint averaging: every weight and BatchNorm statistic is the mean of the models';
    /// a model of another charset is refused by name.
    @Test func averagingTakesTheMean() throws {
        let architecture = try CRNNArchitecture(spec: Self.spec, name: "test", classes: 4)
        let a = try model()
        let b = OCRModel(architecture: architecture, charset: a.charset, seed: 9,
                         trainingSummary: ["steps": "20", "validation_cer": "0.1"])
        b.network.namedBatchNorms[0].1.runningMean = [1.5, 1, 0, -3]
        let mean = try OCRModel.average([("a", a), ("b", b)])
        #expect(zip(a.network.parameters, b.network.parameters).filter { $0.value != $1.value }.count >= 6)
        for ((name, p), ((_, pa), (_, pb))) in zip(mean.network.namedParameters,
                                                    zip(a.network.namedParameters, b.network.namedParameters)) {
            #expect(zip(p.value, zip(pa.value, pb.value)).allSatisfy { abs($0 - ($1.0 + $1.1) / 2) < 1e-6 }, "\(name)")
        }
        #expect(mean.network.namedBatchNorms[0].1.runningMean == [1, 0, 1, 0])
        // The last model's training summary, without its own validation CER.
        #expect(mean.trainingSummary == ["averaged_from": "a b", "steps": "20"])
        let other = OCRModel(architecture: architecture, charset: Charset(["x", "y", "z"]), seed: 1)
        #expect(throws: ModelFileError(file: "c", reason: "its charset differs from the first model's")) {
            try OCRModel.average([("a", a), ("c", other)])
        }
    }

    @Test func headerFollowsSafetensors() throws {
        let bytes = try model().safeTensors().serialized()
        let length = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        let meta = try #require(header["__metadata__"] as? [String: String])
        #expect(meta["format"] == "ocr-crnn" && meta["architecture_spec"] == Self.spec.replacingOccurrences(of: "F5", with: "F4"))
        let conv = try #require(header["cnn.0.weight"] as? [String: Any])
        #expect(conv["dtype"] as? String == "F32" && conv["shape"] as? [Int] == [4, 1, 3, 3])
        #expect(header["rnn.0.rnn.weight_ih_l0_reverse"] != nil && header["cnn.1.running_var"] != nil)
        #expect((8 + length) % 8 == 0)
    }

    func loadError(_ bytes: [UInt8]) -> String? {
        do {
            _ = try OCRModel(SafeTensors.parse(bytes, name: "bad.safetensors"), name: "bad.safetensors")
            return nil
        } catch {
            return error.reason
        }
    }

    /// A file with the given header JSON and data bytes.
    func file(_ header: String, data: [UInt8] = []) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) } + h + data
    }

    @Test func badFilesSayWhatIsWrong() throws {
        let good = try model().safeTensors()
        let bytes = good.serialized()
        #expect(loadError([1, 2, 3])?.contains("shorter than the 8-byte header length") == true)
        #expect(loadError(Array(bytes.prefix(100)))?.contains("past the end of the file") == true)
        #expect(loadError([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + [UInt8](repeating: 0, count: 64))?
                    .contains("not a safetensors file") == true)
        #expect(loadError(Array("root:x:0:0:root:/root:/bin/bash\n".utf8))?.contains("not a safetensors file") == true)
        #expect(loadError([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{\"a\":".utf8))?.contains("past the end") == true)
        #expect(loadError(file("{not json"))?.contains("not valid JSON") == true)
        #expect(loadError(file("[1,2]"))?.contains("not a JSON object") == true)
        #expect(loadError(file("{\"w\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", data: [0, 0]))?
                    .contains("only F32") == true)
        #expect(loadError(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,400]}}", data: [0, 0, 0, 0]))?
                    .contains("outside the file") == true)
        #expect(loadError(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", data: [UInt8](repeating: 0, count: 8)))?
                    .contains("needs 12 bytes") == true)
        #expect(loadError(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000,100000],\"data_offsets\":[0,8]}}",
                               data: [UInt8](repeating: 0, count: 8)))?.contains("larger than the file") == true)
        #expect(loadError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                               data: [UInt8](repeating: 0, count: 8)))?.contains("overlap") == true)
        #expect(loadError(file("{}"))?.contains("not an ocr model") == true)

        var wrongShape = good
        wrongShape.add("cnn.0.weight", Tensor(zeros: [4, 1, 2, 2]))
        #expect(loadError(wrongShape.serialized())?.contains("'cnn.0.weight' has shape [4, 1, 2, 2], expected [4, 1, 3, 3]") == true)
        var missing = SafeTensors(metadata: good.metadata)
        for name in good.names.dropFirst() { missing.add(name, good.tensors[name]!) }
        #expect(loadError(missing.serialized())?.contains("'cnn.0.weight' is missing") == true)
        var extra = good
        extra.add("rnn.7.emb.weight", Tensor(zeros: [1]))
        #expect(loadError(extra.serialized())?.contains("unexpected tensors") == true)
        var badCharset = good
        badCharset.metadata["charset"] = "[\"ab\"]"
        #expect(loadError(badCharset.serialized())?.contains("charset") == true)
        var newer = good
        newer.metadata["format_version"] = "99"
        #expect(loadError(newer.serialized())?.contains("newer than this program") == true)
        var nan = good
        nan.add("cnn.0.bias", Tensor(shape: [4], data: [0, .nan, 0, 0]))
        #expect(loadError(nan.serialized())?.contains("NaN") == true)
        var classes = good
        classes.metadata["charset"] = "[\"a\"]"
        #expect(loadError(classes.serialized())?.contains("outputs but the charset needs") == true)
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: ModelFileError.self) { try OCRModel.load(contentsOf: "/nonexistent/model.safetensors") }
        do {
            _ = try OCRModel.load(contentsOf: NSTemporaryDirectory())
        } catch {
            #expect(error.reason.contains("directory"))
        }
    }
}

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

    @Test func errorRates() {
        #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
        var rates = ErrorRates()
        rates.add(prediction: "the cat", reference: "the cat")
        rates.add(prediction: "a dog", reference: "a fog")
        #expect(rates.characterEdits == 1 && rates.referenceCharacters == 12)
        #expect(rates.wordEdits == 1 && rates.referenceWords == 4)
        #expect(rates.lineAccuracy == 0.5)
    }
}

@Suite struct ErrorListTests {
    @Test func substitutionsDeletionsInsertions() {
        let errors = characterErrors(prediction: "hxllo!", reference: "hello")
        #expect(errors.count == 2)
        #expect(errors[0].expected == "e" && errors[0].got == "x")
        #expect(errors[1].expected == nil && errors[1].got == "!")
        let missing = characterErrors(prediction: "hllo", reference: "hello")
        #expect(missing.count == 1 && missing[0].expected == "e" && missing[0].got == nil)
    }
}

@Suite struct DatasetTests {
    @Test func foldersAndManifests() throws {
        let dir = (try temporaryPath("x") as NSString).deletingLastPathComponent
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        for name in ["a.png", "sub/b.bin.png", "c.jpg", "orphan.png"] { #expect(fm.createFile(atPath: dir + "/" + name, contents: Data([1]))) }
        try "first line\nsecond\n".write(toFile: dir + "/a.gt.txt", atomically: true, encoding: .utf8)
        try "cafe\u{301}".write(toFile: dir + "/sub/b.gt.txt", atomically: true, encoding: .utf8)
        try "c".write(toFile: dir + "/c.gt.txt", atomically: true, encoding: .utf8)
        let samples = try LineDataset.load([dir])
        #expect(samples.map(\.text) == ["first line", "c", "café"])
        #expect(samples[2].imagePath.hasSuffix("sub/b.bin.png"))
        try "a.png\tfirst\tstill text\n/abs/x.png\ty\n".write(toFile: dir + "/list.tsv", atomically: true, encoding: .utf8)
        let listed = try LineDataset.load([dir + "/list.tsv"])
        #expect(listed == [LineSample(imagePath: dir + "/a.png", text: "first\tstill text"), LineSample(imagePath: "/abs/x.png", text: "y")])
        try "no tab here\n".write(toFile: dir + "/bad.tsv", atomically: true, encoding: .utf8)
        #expect(throws: DatasetError.self) { try LineDataset.load([dir + "/bad.tsv"]) }
        #expect(throws: DatasetError.self) { try LineDataset.load([dir + "/missing"]) }
    }
}
