import OCR
import OCRTraining

enum SpellingCommand: Command {
    static let name = "spelling"
    static let abstract = "Build a word list's spelling table, so that it loads in milliseconds."
    static let options: [Option] = []
    static let help = """
        OVERVIEW: Learn the spelling model of each word list and write it beside the list as
        X.words.table (for X.words.txt). 'ocr recognize' and 'ocr eval' read the table instead of
        learning the list again at every start (a few milliseconds instead of tens); a table is
        used only with the very list it was made from, so an edited list is learned afresh until
        its table is built again. The shipped model's table is in pretrained/.

        USAGE: ocr spelling WORDLIST...

        OPTIONS:
        \(options.helpText)
        """

    static func run(_ args: [String]) throws -> Int32 {
        let a = try Arguments(args, options: options)
        guard !a.positionals.isEmpty else { throw UsageError("give at least one word list") }
        for path in a.positionals {
            try SpellingModel.write(tableFor: path)
            print("wrote \(SpellingModel.tablePath(forWordList: path))")
        }
        return 0
    }
}
