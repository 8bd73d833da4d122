import OCR
import OCRTraining

enum AverageCommand: Command {
    static let name = "average"
    static let abstract = "Average the weights of several models or checkpoints."
    static let options: [Option] = [
        Option("--out", value: "<file>", help: "The averaged model (safetensors), written atomically."),
    ]
    static let help = """
        OVERVIEW: Write the mean of several models' weights and BatchNorm statistics (checkpoint
        averaging): the last checkpoints of one training run, averaged, often read better than
        any one of them. The models must share architecture, charset and preprocessing;
        checkpoints (MODEL.ckpt) load as the models they hold.

        USAGE: ocr average --out OUT MODEL MODEL...

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        guard let out = a.string("--out") else { throw UsageError("--out is required") }
        guard a.positionals.count >= 2 else { throw UsageError("give at least two models to average") }
        var models = [(name: String, model: OCRModel)]()
        for path in a.positionals { models.append((path, try OCRModel.load(contentsOf: path))) }
        try OCRModel.average(models).save(to: out)
        print("wrote \(out): the mean of \(models.count) models")
        return 0
    }
}
