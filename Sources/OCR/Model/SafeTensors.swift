import Foundation
import Imaging
import NeuralEngine
import Platform

/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian data. Only F32 tensors are
/// read and written. Every size in the header is checked against the file before anything is
/// allocated from it.
public struct SafeTensors {
    public var metadata: [String: String]
    /// Tensor names in file order.
    public private(set) var names: [String] = []
    public private(set) var tensors: [String: Tensor] = [:]

    /// The largest header accepted (a model's header is a few KB).
    public static let maxHeaderBytes = 16 << 20

    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    public mutating func add(_ name: String, _ tensor: Tensor) {
        if tensors[name] == nil { names.append(name) }
        tensors[name] = tensor
    }

    // MARK: writing

    /// The metadata key of the tensors' checksum (``checksum(_:)`` of the data section, in hex),
    /// which every file written carries and every file read with it is checked against.
    public static let checksumKey = "tensors_checksum"

    /// FNV-1a over the data section's 64-bit little-endian words (a tail shorter than 8 bytes,
    /// byte by byte): a flipped bit anywhere in the tensors changes it.
    static func checksum(_ data: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let words = data.count / 8
        for i in 0..<words { h = (h ^ UInt64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* 0x100_0000_01B3 }
        for i in (8 * words)..<data.count { h = (h ^ UInt64(data[i])) &* 0x100_0000_01B3 }
        return h
    }

    /// The file's bytes.
    public func serialized() -> [UInt8] {
        var data = [UInt8]()
        for name in names {
            tensors[name]!.data.withUnsafeBytes { raw in
                // Float's in-memory layout is little-endian on every platform Swift runs on here.
                data.append(contentsOf: raw)
            }
        }
        var metadata = self.metadata
        metadata[Self.checksumKey] = String(data.withUnsafeBytes { Self.checksum($0) }, radix: 16)
        var header = "{\"__metadata__\":{"
        header += metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }.joined(separator: ",")
        header += "}"
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let end = offset + t.count * 4
            header += ",\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }  // pad to 8 for aligned data
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out += headerBytes
        out += data
        return out
    }

    /// Writes the file atomically: a temporary file, fsync, rename.
    public func write(to path: String) throws(FileError) {
        do {
            try writeFileAtomically(serialized(), to: path)
        } catch {
            throw FileError(file: path, error)
        }
    }

    // MARK: reading

    public static func read(contentsOf path: String) throws(FileError) -> SafeTensors {
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch {
            throw FileError(file: path, error)
        }
        return try parse(bytes, name: path)
    }

    public static func parse(_ bytes: [UInt8], name: String = "<memory>") throws(FileError) -> SafeTensors {
        func fail(_ reason: String) -> FileError { FileError(file: name, reason: reason) }
        guard bytes.count >= 8 else {
            throw fail("not a safetensors file: \(bytes.count) bytes, shorter than the 8-byte header length")
        }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        // Every safetensors header is a JSON object: a file whose length does not fit and whose
        // ninth byte is not `{` is some other kind of file, not a damaged model.
        guard headerLength <= UInt64(bytes.count - 8) || (bytes.count > 8 && bytes[8] == UInt8(ascii: "{")) else {
            throw fail("not a safetensors file (no JSON header after the 8-byte header length)")
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) is past the end of the file (\(bytes.count) bytes)")
        }
        guard headerLength <= UInt64(maxHeaderBytes) else {
            throw fail("header length \(headerLength) is over the limit of \(maxHeaderBytes) bytes")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw fail("the header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw fail("the header is not a JSON object") }
        var result = SafeTensors()
        if let meta = header["__metadata__"] {
            guard let meta = meta as? [String: Any] else { throw fail("__metadata__ is not an object") }
            for (key, value) in meta {
                guard let text = value as? String else { throw fail("__metadata__.\(key) is not a string") }
                result.metadata[key] = text
            }
        }
        let dataCount = bytes.count - headerEnd
        if let recorded = result.metadata.removeValue(forKey: checksumKey) {
            let actual = bytes.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[headerEnd...])) }
            guard UInt64(recorded, radix: 16) == actual else {
                throw fail("the tensors do not match their checksum (\(recorded), computed \(String(actual, radix: 16))): "
                           + "the file is damaged")
            }
        }
        var ranges = [(Int, Int, String)]()
        for (key, value) in header where key != "__metadata__" {
            guard let entry = value as? [String: Any] else { throw fail("tensor '\(key)' is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw fail("tensor '\(key)' has no dtype") }
            guard dtype == "F32" else { throw fail("tensor '\(key)' has dtype \(dtype); only F32 is supported") }
            guard let shapeValues = entry["shape"] as? [Any],
                  let shape = shapeValues.map({ ($0 as? NSNumber)?.intValue }) as? [Int],
                  shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(key)' has no valid shape")
            }
            guard let offsetValues = entry["data_offsets"] as? [Any], offsetValues.count == 2,
                  let begin = (offsetValues[0] as? NSNumber)?.intValue, let end = (offsetValues[1] as? NSNumber)?.intValue,
                  begin >= 0, begin <= end, end <= dataCount else {
                throw fail("tensor '\(key)' has data offsets outside the file's \(dataCount) data bytes")
            }
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= dataCount / 4 + 1 else {
                    throw fail("tensor '\(key)' shape \(shape) is larger than the file")
                }
                elements = product
            }
            guard end - begin == elements * 4 else {
                throw fail("tensor '\(key)' shape \(shape) needs \(elements * 4) bytes but its range holds \(end - begin)")
            }
            ranges.append((begin, end, key))
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw fail("tensors '\(a.2)' and '\(b.2)' overlap")
        }
        for (begin, end, key) in ranges {
            let entry = header[key] as! [String: Any]
            let shape = (entry["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
            var data = [Float](repeating: 0, count: (end - begin) / 4)
            data.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(headerEnd + begin)..<(headerEnd + end)]))
                }
            }
            result.add(key, Tensor(shape: shape, data: data))
        }
        return result
    }
}
