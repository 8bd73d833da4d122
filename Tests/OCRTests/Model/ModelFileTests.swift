import Foundation
import Imaging
import Platform
import TestSupport
import Testing
@testable import NeuralEngine
@testable import OCR

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
            expectClose(p.value, zip(pa.value, pb.value).map { ($0 + $1) / 2 }, tolerance: 1e-6, "\(name)")
        }
        #expect(mean.network.namedBatchNorms[0].1.runningMean == [1, 0, 1, 0])
        // The last model's training summary, without its own validation CER.
        #expect(mean.trainingSummary == ["averaged_from": "a b", "steps": "20"])
        let other = OCRModel(architecture: architecture, charset: Charset(["x", "y", "z"]), seed: 1)
        #expect(throws: FileError(file: "c", reason: "its charset differs from the first model's")) {
            try OCRModel.average([("a", a), ("c", other)])
        }
        // Weighted: 3 parts a to 1 part b; weights alike are the plain mean.
        let weighted = try OCRModel.average([("a", a), ("b", b)], weights: [3, 1])
        for ((name, p), ((_, pa), (_, pb))) in zip(weighted.network.namedParameters,
                                                    zip(a.network.namedParameters, b.network.namedParameters)) {
            expectClose(p.value, zip(pa.value, pb.value).map { 0.75 * $0 + 0.25 * $1 }, tolerance: 1e-6, "\(name)")
        }
        #expect(weighted.network.namedBatchNorms[0].1.runningMean == [0.75, -0.5, 1.5, 1.5])
        let alike = try OCRModel.average([("a", a), ("b", b)], weights: [2, 2])
        #expect(zip(alike.network.parameters, mean.network.parameters).allSatisfy { $0.value == $1.value })
        for bad: [Float] in [[1], [1, 0], [1, -1], [1, .nan]] {
            #expect(throws: FileError.self) { try OCRModel.average([("a", a), ("b", b)], weights: bad) }
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
        #expect(throws: FileError.self) { try OCRModel.load(contentsOf: "/nonexistent/model.safetensors") }
        do {
            _ = try OCRModel.load(contentsOf: NSTemporaryDirectory())
        } catch {
            #expect(error.reason.contains("directory"))
        }
    }
}
