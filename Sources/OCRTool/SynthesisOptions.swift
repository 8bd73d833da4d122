import OCRTraining

/// The options that shape synthetic lines, shared by `synth` (as `--binarized`, ...) and `train`
/// (as `--synth-binarized`, ...): the corpus, and the shares of binarized lines, of lines with
/// parts of their neighbours, and of prose forms among the words.
struct SynthesisOptions {
    static func options(prefix: String) -> [Option] {
        [
            Option(prefix + "text", value: "<file>", help: "Corpus whose words the lines use (default: made-up words)."),
            Option(prefix + "binarized", value: "<share>", help: "Share of the lines binarized, 0-1 (default 0.25)."),
            Option(prefix + "neighbors", value: "<share>",
                   help: "Share of the lines that keep cut-off parts of the lines above and\nbelow them, 0-1 (default 0)."),
            Option(prefix + "prose", value: "<share>",
                   help: "Share of the corpus words in forms of running prose, 0-1: hyphenated\ncompounds, contractions and "
                       + "possessives, and/or pairs, words\nbroken at the line end, abbreviations, section numbers, list\n"
                       + "marks, web addresses (default 0)."),
            Option(prefix + "code", value: "<share>",
                   help: "Share of the lines that are code-like, 0-1: identifiers, calls,\nbrackets of every kind, quotes, escapes, "
                       + "operators, markup,\nreferences, random codes, quantities (default 0)."),
            Option(prefix + "rules", value: "<share>",
                   help: "Share of the other lines that hold a run of one mark, 0-1:\nseparators (*****, =====), underlines, "
                       + "leaders\n(Contents ........ 12) (default 0)."),
        ]
    }

    let text: SyntheticText
    let binarizedShare: Float
    let neighborShare: Float

    /// Reads the options named with `prefix`; `maxLength` and `running` shape the corpus's lines.
    init(_ a: Arguments, prefix: String, maxLength: Int = 48, running: Bool = false) throws {
        var text = try a.string(prefix + "text").map { try SyntheticText(corpusFile: $0, maxLength: maxLength, running: running) }
            ?? SyntheticText(words: [], maxLength: maxLength)
        text.proseShare = try a.fraction(prefix + "prose", default: 0)
        text.codeShare = try a.fraction(prefix + "code", default: 0)
        text.ruleShare = try a.fraction(prefix + "rules", default: 0)
        self.text = text
        binarizedShare = try a.fraction(prefix + "binarized", default: 0.25)
        neighborShare = try a.fraction(prefix + "neighbors", default: 0)
    }

    /// A generator of lines in `fonts` shaped by these options.
    func lines(fonts: [String], seed: UInt64) -> SyntheticLines {
        let lines = SyntheticLines(fontPaths: fonts, text: text, seed: seed)
        lines.degradation = ScanDegradation(binarizedShare: binarizedShare)
        lines.neighborShare = neighborShare
        return lines
    }
}
