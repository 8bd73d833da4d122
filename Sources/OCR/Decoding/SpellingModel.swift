import Foundation
import Imaging
import Platform

/// How words of a language are spelled, learned from a word list: the probability of each letter
/// (or of the word ending) given up to four letters before it in the same word, a character
/// 5-gram model. Beam search adds its scores to the network's, so that of two readings the
/// network finds about equally likely, the one spelled like the language wins (`of` over `ot`,
/// `this` over `tbis`).
///
/// Letters are folded to lower case; every other character (space, digit, punctuation) ends a
/// word, and the context starts afresh after it. Probabilities are smoothed with interpolated
/// Witten-Bell estimates. A score is log P(symbol | context) − log P(symbol), so it favours
/// neither letters nor word ends as such, and it is 0 for a character that is not a letter
/// after another that is not one either: runs of digits and punctuation are left to the network.
/// A word that ends as one of the list's also gains ``wordBonus`` per letter.
public struct SpellingModel: Sendable {
    /// Symbols: 0 ends a word (any character but an ASCII letter), 1-26 are `a`-`z`.
    static let symbols = 27
    /// Contexts: up to four letters of the current word (a 5-gram model), as base-27 digits
    /// (leading zeros: the start of the word). Contexts of up to three letters are kept in a dense
    /// table, of four only when the list has them.
    static let contexts = symbols * symbols * symbols * symbols
    static let denseContexts = symbols * symbols * symbols
    /// Scores beyond this are cut off: a rare spelling is less likely, not impossible.
    static let limit: Float = 6

    /// The probabilities: [27³ contexts, symbols] P(symbol | up to three letters), the four-letter
    /// contexts the list has with their rows of P(symbol | context), and the hashes of the list's
    /// words (their letters, lower case; a word with other characters is its runs of letters).
    private let table: SpellingTable
    /// [symbols]: log P(symbol), whatever the context.
    let logUnigram: [Float]
    /// Added to the score of a word that ends as a word of the list, per letter (so that
    /// splitting a listed word into two listed words gains nothing by itself).
    public var wordBonus: Float = SpellingModel.defaultWordBonus
    /// Chosen with the spelling weight on the tuning lines (the figures are in HISTORY.md).
    public static let defaultWordBonus: Float = 0.5

    /// A model learned from `words`, most frequent first (a word at rank r counts (r + 1)^-½ times,
    /// scaled so the counts add up to the number of words).
    public init<S: Collection>(words: S) where S.Element: StringProtocol {
        self.init(utf8Words: words.map { Array($0.utf8)[...] })
    }

    /// As ``init(words:)``, from each word's UTF-8 bytes (bytes of non-ASCII characters count as
    /// word ends).
    init(utf8Words words: [ArraySlice<UInt8>]) { self.init(utf8Words: words, list: []) }

    /// As ``init(utf8Words:)``, with the bytes of the list file they come from, whose length and
    /// fingerprint the table records.
    init(utf8Words words: [ArraySlice<UInt8>], list: [UInt8]) {
        let s = Self.symbols
        let powers = [1, s, s * s, s * s * s, s * s * s * s]
        var scale: Float = 0
        for rank in 0..<words.count { scale += 1 / Float(rank + 1).squareRoot() }
        scale = Float(words.count) / max(scale, .leastNonzeroMagnitude)
        // Counts of (the last k letters, symbol): for k = 0...3 one dense table per order, order
        // k's [s^k contexts, s symbols] from offsets[k] in one buffer; for k = 4, rows made as the
        // contexts turn up.
        let offsets = [0, 1, 1 + s, 1 + s + s * s]
        var counts = [Float](repeating: 0, count: (offsets[3] + powers[3]) * s)
        var rows = ContextTable(), longCounts = [Float]()
        var lexicon = Set<UInt64>(minimumCapacity: words.count)
        for (rank, word) in words.enumerated() {
            let weight = scale / Float(rank + 1).squareRoot()
            var context = 0, hash = State.emptyWord
            for position in word.startIndex...word.endIndex {
                let symbol = position < word.endIndex ? Self.symbol(word[position]) : 0
                if symbol == 0 && context == 0 { continue }  // not a word end: no word has begun
                if symbol == 0 { lexicon.insert(hash); hash = State.emptyWord } else { hash = Self.hash(hash, symbol) }
                for k in 0...3 { counts[(offsets[k] + context % powers[k]) * s + symbol] += weight }
                let row = rows.row(of: Int32(context), making: longCounts.count / s)
                if row * s == longCounts.count { longCounts += repeatElement(0, count: s) }
                longCounts[row * s + symbol] += weight
                context = Self.advance(context, by: symbol)
            }
        }
        // Witten-Bell: P_k(x | h) = (C(h, x) + T(h) · P_{k-1}(x | h')) / (C(h) + T(h)), with T(h)
        // the number of different symbols seen after h and h' the shorter context; a context
        // never seen has the shorter one's distribution.
        func interpolate(_ c: UnsafePointer<Float>, _ lower: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
            var seen: Float = 0, sum: Float = 0
            for x in 0..<s where c[x] > 0 {
                seen += 1
                sum += c[x]
            }
            for x in 0..<s { out[x] = sum > 0 ? (c[x] + seen * lower[x]) / (sum + seen) : lower[x] }
        }
        let total = counts[0..<s].reduce(0, +)
        let unigram = counts[0..<s].map { ($0 + 1) / (total + Float(s)) }  // order 0, add-one
        var lower = unigram
        for k in 1...3 {
            var probabilities = [Float](repeating: 0, count: powers[k] * s)
            counts.withUnsafeBufferPointer { c in
                lower.withUnsafeBufferPointer { l in
                    probabilities.withUnsafeMutableBufferPointer { p in
                        for h in 0..<powers[k] {
                            interpolate(c.baseAddress! + (offsets[k] + h) * s, l.baseAddress! + (h % powers[k - 1]) * s,
                                        into: p.baseAddress! + h * s)
                        }
                    }
                }
            }
            lower = probabilities
        }
        var long = [Float](repeating: 0, count: longCounts.count)
        longCounts.withUnsafeBufferPointer { c in
            lower.withUnsafeBufferPointer { l in
                long.withUnsafeMutableBufferPointer { p in
                    rows.forEach { key, row in
                        interpolate(c.baseAddress! + row * s, l.baseAddress! + (Int(key) % powers[3]) * s,
                                    into: p.baseAddress! + row * s)
                    }
                }
            }
        }
        let (keys, slots) = rows.storage
        let file = SpellingTable.file(listLength: UInt64(list.count), listFingerprint: Self.fingerprint(list), dense: lower,
                                      keys: keys, rows: slots, long: long, logUnigram: unigram.map { log($0) },
                                      words: Array(lexicon))
        self.init(table: SpellingTable.inMemory(file)!)
    }

    private init(table: SpellingTable) {
        self.table = table
        logUnigram = table.logUnigram
    }

    /// log P(symbol | context), from the longest context the list has. A value that is no
    /// probability (only a damaged table file holds one) counts as no information.
    func logProbability(_ symbol: Int, after context: Int) -> Float {
        let p: Float
        if let row = table.row(of: Int32(context)) {
            p = table.long(row, symbol)
        } else {
            p = table.dense(context % Self.denseContexts, symbol)
        }
        return p > 0 && p <= 1 ? log(p) : logUnigram[symbol]
    }

    /// A model learned from a word list file: UTF-8, one word per line, most frequent first;
    /// blank lines and lines starting with `#` are skipped. When the table ``write(tableFor:)``
    /// made of this very list lies beside it (``tablePath(forWordList:)``), the model is read from
    /// it (a few milliseconds) instead of being learned again (tens of milliseconds).
    public init(contentsOf path: String) throws(SpellingModelError) {
        let bytes = try Self.wordListBytes(path)
        if let table = SpellingTable.mapped(Self.tablePath(forWordList: path)), Self.belongs(table, to: bytes) {
            self.init(table: table)
            return
        }
        try self.init(learning: bytes, path: path)
    }

    /// The bytes of a word list file, which must be UTF-8.
    static func wordListBytes(_ path: String) throws(SpellingModelError) -> [UInt8] {
        guard let bytes = try? readTextFileBytes(path), String(validating: bytes, as: UTF8.self) != nil else {
            throw .unreadable(path)
        }
        return bytes
    }

    /// A model learned from the bytes of the word list at `path`.
    init(learning bytes: [UInt8], path: String) throws(SpellingModelError) {
        let words = bytes.split(whereSeparator: { $0 == 10 || $0 == 13 }).filter { $0.first != UInt8(ascii: "#") }
        guard !words.isEmpty else { throw .empty(path) }
        self.init(utf8Words: words, list: bytes)
    }

    /// The symbol of a character: 1-26 for ASCII letters of either case, else 0.
    static func symbol(_ scalar: Unicode.Scalar) -> Int {
        scalar.isASCII ? symbol(UInt8(scalar.value)) : 0
    }

    /// The symbol of a UTF-8 byte: 1-26 for ASCII letters of either case, else 0.
    static func symbol(_ byte: UInt8) -> Int {
        switch byte {
        case 0x41...0x5A: Int(byte) - 0x41 + 1
        case 0x61...0x7A: Int(byte) - 0x61 + 1
        default: 0
        }
    }

    /// The symbol of each class of `charset` (the blank's is 0 and never used).
    static func symbols(of charset: Charset) -> [Int] {
        (0..<charset.classCount).map { c in
            guard let ch = charset.character(c), ch.unicodeScalars.count == 1 else { return 0 }
            return symbol(ch.unicodeScalars.first!)
        }
    }

    /// The score of `symbol` after `context`; 0 for a word end where no word has begun.
    func score(_ symbol: Int, after context: Int) -> Float {
        if symbol == 0 && context == 0 { return 0 }
        let score = logProbability(symbol, after: context) - logUnigram[symbol]
        return min(max(score, -Self.limit), Self.limit)
    }

    /// The context after `symbol` follows `context`.
    static func advance(_ context: Int, by symbol: Int) -> Int {
        symbol == 0 ? 0 : (context * symbols + symbol) % contexts
    }

    /// Where a text stands: the n-gram context and the current word's letters so far.
    struct State: Equatable {
        var context: Int32 = 0
        /// FNV-1a hash of the current word's symbols, and how many there are.
        var word: UInt64 = State.emptyWord
        var letters: Int32 = 0
        static let emptyWord: UInt64 = 0xCBF2_9CE4_8422_2325
    }

    /// The state after `symbol`, and the symbol's score: its n-gram score, plus `wordBonus` per
    /// letter when it ends a word of the list.
    func advance(_ state: State, by symbol: Int) -> (state: State, score: Float) {
        var next = State()
        var score = score(symbol, after: Int(state.context))
        if symbol == 0 {
            if state.letters > 0 && table.containsWord(state.word) { score += wordBonus * Float(state.letters) }
        } else {
            next.context = Int32(Self.advance(Int(state.context), by: symbol))
            next.word = Self.hash(state.word, symbol)
            next.letters = state.letters + 1
        }
        return (next, score)
    }

    static func hash(_ word: UInt64, _ symbol: Int) -> UInt64 { (word ^ UInt64(symbol)) &* 0x100_0000_01B3 }

    /// The total score of a text, ended as a line ends (its last word counts as ended).
    public func score(_ text: String) -> Float {
        var state = State(), sum: Float = 0
        for scalar in text.unicodeScalars {
            let step = advance(state, by: Self.symbol(scalar))
            sum += step.score
            state = step.state
        }
        return sum + advance(state, by: 0).score
    }
}

// MARK: the table file

extension SpellingModel {
    /// The table file of a word list: `X.words.table` beside `X.words.txt` (`X.table` beside `X`).
    public static func tablePath(forWordList path: String) -> String {
        (path.hasSuffix(".txt") ? String(path.dropLast(4)) : path) + ".table"
    }

    /// 64-bit FNV-1a of the word list's bytes: a table is used only for the list it was made from.
    static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// Whether `table` was made from the word list whose bytes are `list`.
    static func belongs(_ table: SpellingTable, to list: [UInt8]) -> Bool {
        table.listLength == UInt64(list.count) && table.listFingerprint == fingerprint(list)
    }

    /// The model learned from the word list at `path`, written to ``tablePath(forWordList:)``
    /// (atomically), so later loads read it instead of learning it again.
    public static func write(tableFor path: String) throws(SpellingModelError) {
        let model = try SpellingModel(learning: try wordListBytes(path), path: path)
        do {
            try writeFileAtomically(model.table.fileBytes, to: tablePath(forWordList: path))
        } catch {
            throw .unwritable(tablePath(forWordList: path), error.message)
        }
    }

    /// The model a table file's bytes hold, or nil when they are not a whole table of the word
    /// list whose bytes are `wordList` (another list's, an older format's, truncated).
    init?(table bytes: [UInt8], wordList: [UInt8]) {
        guard let table = SpellingTable.inMemory(bytes), Self.belongs(table, to: wordList) else { return nil }
        self.init(table: table)
    }
}

/// A spelling model with the weight its scores get against the network's in beam search.
public struct WeightedSpelling: Sendable {
    public var model: SpellingModel
    public var weight: Float

    public init(model: SpellingModel, weight: Float) {
        self.model = model
        self.weight = weight
    }

    /// The spelling model of `wordList` (by default the list beside the model at `modelPath`,
    /// when there is one) with `weight`; nil when there is no list, the weight is 0, or decoding
    /// is greedy (`beamWidth` 1 never uses it, so it is not built).
    public static func load(wordList: String? = nil, forModel modelPath: String, weight: Float,
                            beamWidth: Int) throws(SpellingModelError) -> WeightedSpelling? {
        guard beamWidth > 1, weight > 0,
              let list = wordList ?? ModelLocation.existingWordList(forModel: modelPath) else { return nil }
        return WeightedSpelling(model: try SpellingModel(contentsOf: list), weight: weight)
    }
}

/// Why a word list could not be read.
public enum SpellingModelError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case empty(String)
    /// The table could not be written: the file and why.
    case unwritable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let path): "\(path): cannot read the word list (missing, unreadable or not UTF-8)"
        case .empty(let path): "\(path): the word list has no words"
        case let .unwritable(path, reason): "\(path): cannot write the spelling table: \(reason)"
        }
    }
}

/// Context codes (non-negative) to row numbers: open addressing with linear probing, kept at most
/// half full. Faster than a Dictionary for the model's millions of lookups.
struct ContextTable: Sendable {
    private var keys = [Int32](repeating: -1, count: 1 << 12)
    private var rows = [Int32](repeating: 0, count: 1 << 12)
    private(set) var count = 0

    /// The slots as they are: keys (-1 for free) and their rows.
    var storage: (keys: [Int32], rows: [Int32]) { (keys, rows) }

    private func slot(_ key: Int32) -> Int {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: UInt32(bitPattern: key) &* 0x9E37_79B1) & mask
        while keys[i] != -1 && keys[i] != key { i = (i + 1) & mask }
        return i
    }

    /// The row of `key`, or nil.
    func row(of key: Int32) -> Int? {
        let i = slot(key)
        return keys[i] == key ? Int(rows[i]) : nil
    }

    /// The row of `key`, given row `new` if it has none yet.
    mutating func row(of key: Int32, making new: Int) -> Int {
        let i = slot(key)
        if keys[i] == key { return Int(rows[i]) }
        if 2 * (count + 1) > keys.count {
            grow()
            return row(of: key, making: new)
        }
        keys[i] = key
        rows[i] = Int32(new)
        count += 1
        return new
    }

    private mutating func grow() {
        let old = zip(keys, rows).filter { $0.0 != -1 }
        keys = [Int32](repeating: -1, count: keys.count * 2)
        rows = [Int32](repeating: 0, count: keys.count)
        for (key, row) in old {
            let i = slot(key)
            keys[i] = key
            rows[i] = row
        }
    }

    /// Calls `body(key, row)` for every entry.
    func forEach(_ body: (Int32, Int) -> Void) {
        for (key, row) in zip(keys, rows) where key != -1 { body(key, Int(row)) }
    }
}
