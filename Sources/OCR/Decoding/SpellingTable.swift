import Foundation

/// A spelling model's probabilities in the layout of its table file (``SpellingModel/write(tableFor:)``),
/// read in place: from a file mapped into memory, so that only the pages a text's contexts touch
/// are ever read, or from memory the learning code filled.
///
/// Layout, little-endian: 16 bytes of magic, then seven UInt64 (the word list's length and
/// FNV-1a fingerprint, and the counts of dense probabilities, context slots, long-context
/// probabilities, unigram probabilities and word hashes), then Float32 [27³ · 27] dense
/// P(symbol | up to three letters), Int32 [slots] context keys (-1: free), Int32 [slots] their
/// rows, Float32 [rows · 27] P(symbol | four letters), Float32 [27] log P(symbol), UInt64 [words]
/// word hashes, sorted.
final class SpellingTable: @unchecked Sendable {
    // @unchecked: the bytes are never written after init.
    static let magic = Array("ocr-spelling-1\n\0".utf8)
    static let headerBytes = magic.count + 7 * 8
    static let symbols = 27
    static let denseCount = symbols * symbols * symbols * symbols

    private let bytes: UnsafeRawBufferPointer
    private let release: (UnsafeRawBufferPointer) -> Void
    let listLength: UInt64, listFingerprint: UInt64
    private let keyCount: Int, rowCount: Int, wordCount: Int
    private let keysAt: Int, rowsAt: Int, longAt: Int, unigramAt: Int, wordsAt: Int

    /// A view of `bytes` (released with `release` when the table goes), or nil when they are not
    /// a whole table: its sizes are checked here, every value where it is read.
    init?(bytes: UnsafeRawBufferPointer, release: @escaping (UnsafeRawBufferPointer) -> Void) {
        let s = Self.symbols
        func word(_ i: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: Self.magic.count + 8 * i, as: UInt64.self)) }
        guard 1.littleEndian == 1, bytes.count >= Self.headerBytes, Array(bytes[0..<Self.magic.count]) == Self.magic,
              word(2) == UInt64(Self.denseCount), word(5) == UInt64(s),
              word(3) >= 2, word(3) <= 1 << 30, word(3) & (word(3) - 1) == 0,
              word(4) % UInt64(s) == 0, word(4) / UInt64(s) <= word(3) / 2, word(6) <= 1 << 32 else {
            release(bytes)
            return nil
        }
        keyCount = Int(word(3))
        rowCount = Int(word(4)) / s
        wordCount = Int(word(6))
        keysAt = Self.headerBytes + 4 * Self.denseCount
        rowsAt = keysAt + 4 * keyCount
        longAt = rowsAt + 4 * keyCount
        unigramAt = longAt + 4 * rowCount * s
        wordsAt = unigramAt + 4 * s
        guard bytes.count == wordsAt + 8 * wordCount else {
            release(bytes)
            return nil
        }
        listLength = word(0)
        listFingerprint = word(1)
        self.bytes = bytes
        self.release = release
        // The unigram is read whole at load; the other values are checked where they are read.
        guard logUnigram.allSatisfy({ $0.isFinite && $0 <= 0 }) else { return nil }
    }

    deinit { release(bytes) }

    /// The table file at `path` mapped into memory, or nil when it is missing, not a regular file
    /// or not a whole table.
    static func mapped(_ path: String) -> SpellingTable? {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size >= headerBytes,
              let base = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        return SpellingTable(bytes: UnsafeRawBufferPointer(start: base, count: Int(info.st_size))) { munmap(UnsafeMutableRawPointer(mutating: $0.baseAddress), $0.count) }
    }

    /// A table in memory holding `file`'s bytes.
    static func inMemory(_ file: [UInt8]) -> SpellingTable? {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(file.count, 1), alignment: 8)
        file.withUnsafeBytes { copy.copyMemory(from: $0) }
        return SpellingTable(bytes: UnsafeRawBufferPointer(rebasing: copy[0..<file.count])) { $0.deallocate() }
    }

    /// The bytes of a table file.
    static func file(listLength: UInt64, listFingerprint: UInt64, dense: [Float], keys: [Int32], rows: [Int32],
                     long: [Float], logUnigram: [Float], words: [UInt64]) -> [UInt8] {
        var out = magic
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        for v in [listLength, listFingerprint, UInt64(dense.count), UInt64(keys.count), UInt64(long.count),
                  UInt64(logUnigram.count), UInt64(words.count)] { put(v) }
        for f in dense { put(f.bitPattern) }
        for k in keys { put(k) }
        for r in rows { put(r) }
        for f in long { put(f.bitPattern) }
        for f in logUnigram { put(f.bitPattern) }
        for w in words.sorted() { put(w) }
        return out
    }

    private func float(at offset: Int) -> Float {
        Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    private func int32(at offset: Int) -> Int32 {
        Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self))
    }

    /// P(symbol | up to three letters) for a context below 27³.
    func dense(_ context: Int, _ symbol: Int) -> Float {
        float(at: Self.headerBytes + 4 * (context * Self.symbols + symbol))
    }

    /// The row of P(symbol | context) for a context the list has, or nil: open addressing with
    /// linear probing, at most one pass over the slots.
    func row(of key: Int32) -> Int? {
        let mask = keyCount - 1
        var i = Int(truncatingIfNeeded: UInt32(bitPattern: key) &* 0x9E37_79B1) & mask
        for _ in 0..<keyCount {
            let k = int32(at: keysAt + 4 * i)
            if k == -1 { return nil }
            if k == key {
                let row = Int(int32(at: rowsAt + 4 * i))
                return row >= 0 && row < rowCount ? row : nil
            }
            i = (i + 1) & mask
        }
        return nil
    }

    func long(_ row: Int, _ symbol: Int) -> Float { float(at: longAt + 4 * (row * Self.symbols + symbol)) }

    var logUnigram: [Float] { (0..<Self.symbols).map { float(at: unigramAt + 4 * $0) } }

    /// Whether `hash` is a word of the list: binary search of the sorted hashes.
    func containsWord(_ hash: UInt64) -> Bool {
        var low = 0, high = wordCount
        while low < high {
            let mid = (low + high) / 2
            let h = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: wordsAt + 8 * mid, as: UInt64.self))
            if h == hash { return true }
            if h < hash { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// The table's bytes, as its file holds them.
    var fileBytes: [UInt8] { Array(bytes) }
}
