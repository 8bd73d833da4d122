import CZlib

/// `bytes` compressed as a zlib stream (what PDF's FlateDecode and PNG's IDAT hold), at zlib's
/// best compression.
public func deflated(_ bytes: [UInt8]) -> [UInt8] {
    var size = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(size))
    let status = out.withUnsafeMutableBufferPointer { out in
        bytes.withUnsafeBufferPointer { input in
            compress2(out.baseAddress, &size, input.baseAddress, uLong(input.count), Z_BEST_COMPRESSION)
        }
    }
    // compressBound is enough by zlib's contract; only running out of memory fails.
    precondition(status == Z_OK, "zlib compress2 failed: \(status)")
    return Array(out.prefix(Int(size)))
}

/// The bytes of a zlib stream, or nil when it is not one (or holds more than `limit` bytes).
public func inflated(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
    var stream = z_stream()
    guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var out = [UInt8](), chunk = [UInt8](repeating: 0, count: 1 << 16)
    var input = bytes
    return input.withUnsafeMutableBufferPointer { input -> [UInt8]? in
        stream.next_in = input.baseAddress
        stream.avail_in = uInt(input.count)
        while true {
            let status = chunk.withUnsafeMutableBufferPointer { chunk -> Int32 in
                stream.next_out = chunk.baseAddress
                stream.avail_out = uInt(chunk.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            out += chunk.prefix(chunk.count - Int(stream.avail_out))
            if out.count > limit { return nil }
            if status == Z_STREAM_END { return out }
            guard status == Z_OK else { return nil }
        }
    }
}
