import OCR
import OCRTraining

enum AverageCommand: Command {
    static let name = "average"
    static let abstract = "Average the weights of several models or checkpoints."
    static let options: [Option] = [
        Option("--out", value: "<file>", help: "The averaged model (safetensors), written atomically."),
        Option("--weights", value: "<w>,<w>...", help: "One positive weight per model, in order: a weighted mean\n(default: all alike). `--weights 1,1` of a model and its\nfine-tuned descendant interpolates between them."),
    ]
    static let help = """
        OVERVIEW: Write the mean of several models' weights and BatchNorm statistics (checkpoint
        averaging): the last checkpoints of one training run, averaged, often read better than
        any one of them. The models must share architecture, charset and preprocessing;
        checkpoints (MODEL.ckpt) load as the models they hold.

        USAGE: ocr average --out OUT [--weights W,W...] MODEL MODEL...

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        guard let out = a.string("--out") else { throw UsageError("--out is required") }
        guard a.positionals.count >= 2 else { throw UsageError("give at least two models to average") }
        var weights: [Float]?
        if let text = a.string("--weights") {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            let values = parts.compactMap { Float($0) }
            guard values.count == parts.count, values.count == a.positionals.count,
                  values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw UsageError("--weights must be \(a.positionals.count) positive numbers, one per model, got '\(text)'")
            }
            weights = values
        }
        var models = [(name: String, model: OCRModel)]()
        for path in a.positionals { models.append((path, try OCRModel.load(contentsOf: path))) }
        try OCRModel.average(models, weights: weights).save(to: out)
        print("wrote \(out): the \(weights == nil ? "" : "weighted ")mean of \(models.count) models")
        return 0
    }
}
