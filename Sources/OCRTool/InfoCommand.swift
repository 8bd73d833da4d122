import OCR
import OCRTraining

enum InfoCommand: Command {
    static let name = "info"
    static let abstract = "Describe a model file."
    static let options: [Option] = []
    static let help = """
        OVERVIEW: Print a model's architecture, parameter count, charset and training summary,
        and the word list its spelling model is built from. Without MODEL, describes the model
        that 'ocr recognize' uses: the file $OCR_MODEL names, else the shipped model (and says
        where it was found, or where it was looked for).

        USAGE: ocr info [MODEL]

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        guard a.positionals.count <= 1 else { throw UsageError("give one model file") }
        let path = try ModelLocation.model(named: a.positionals.first)
        let model = try OCRModel.load(contentsOf: path)
        print("file          \(path)")
        if let words = ModelLocation.existingWordList(forModel: path) {
            print("word list     \(words)")
        } else {
            print("word list     none (no \(ModelLocation.wordList(forModel: path)); beam search runs without a spelling model)")
        }
        print("architecture  \(model.architecture.name): \(model.architecture.spec)")
        print("parameters    \(model.network.parameterCount)")
        print("input         height \(model.preprocessing.height), gray, ink 1 / paper 0, polarity "
              + (model.preprocessing.normalizesPolarity ? "auto" : "as is"))
        print("charset       \(model.charset.characters.count) characters: \(String(model.charset.characters))")
        for key in model.trainingSummary.keys.sorted() {
            print("training      \(key) = \(model.trainingSummary[key]!)")
        }
        return 0
    }
}
