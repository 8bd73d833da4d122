import OCR
import OCRTraining

/// The `--words` and `--spelling-weight` options of `recognize` and `eval`: the word list whose
/// spelling model beam search adds to the network's scores, and how much it counts.
struct SpellingOptions {
    static let options: [Option] = [
        Option("--words", value: "<file>", help: "Word list of the spelling model beam search uses: one word per\nline, most frequent first (default: MODEL.words.txt beside the\nmodel when it exists; the shipped model has one)."),
        Option("--spelling-weight", value: "<w>", help: "How much spelling counts against the network's scores (default\n\(Recognizer.defaultSpellingWeight); 0 turns it off; greedy decoding never uses it)."),
    ]

    /// The word list named by --words; nil: the one beside the model, if any.
    let wordsPath: String?
    let modelPath: String
    let weight: Float

    init(_ a: Arguments, modelPath: String) throws(UsageError) {
        if let text = a.string("--spelling-weight") {
            guard let value = Float(text), value >= 0, value <= 100 else {
                throw UsageError("--spelling-weight must be a number in 0...100, got '\(text)'")
            }
            weight = value
        } else {
            weight = Recognizer.defaultSpellingWeight
        }
        wordsPath = a.string("--words")
        self.modelPath = modelPath
    }

    /// The spelling model and its weight, or nil when there is no word list, the weight is 0 or
    /// decoding is greedy (`beamWidth` 1, which never uses it).
    func load(beamWidth: Int) throws(SpellingModelError) -> WeightedSpelling? {
        try WeightedSpelling.load(wordList: wordsPath, forModel: modelPath, weight: weight, beamWidth: beamWidth)
    }
}
