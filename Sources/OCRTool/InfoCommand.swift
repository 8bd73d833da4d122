import OCR

enum InfoCommand: Command {
    static let name = "info"
    static let abstract = "Describe a model file."
    static let help = """
        OVERVIEW: Print a model's architecture, parameter count, charset and training summary.
        Without MODEL, describes the shipped model and says which file it is.

        USAGE: ocr info [MODEL]

        OPTIONS:
          -h, --help              Show this help.
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, valued: [], switches: [])
        guard a.positionals.count <= 1 else { throw UsageError("give one model file") }
        guard let path = a.positionals.first ?? ModelLocation.shippedModel() else {
            printError("ocr info: no model given and no shipped model found; looked in:\n  "
                       + ModelLocation.candidates().joined(separator: "\n  "))
            return 1
        }
        let model = try OCRModel.load(contentsOf: path)
        print("file          \(path)")
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
