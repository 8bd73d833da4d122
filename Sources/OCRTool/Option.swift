/// One option of a subcommand, declared once: its names, the placeholder of its value (nil for a
/// switch) and its help. Parsing and the OPTIONS section of the help both come from it, so they
/// cannot drift apart.
struct Option {
    /// `--beam`; several for options documented together (`--m, --n, --k`).
    let names: [String]
    /// `<n>`, shown after the names; nil for a switch.
    let value: String?
    /// The help text; `\n` starts another line in the help column.
    let help: String

    init(_ name: String, value: String? = nil, help: String) {
        self.init([name], value: value, help: help)
    }

    init(_ names: [String], value: String? = nil, help: String) {
        self.names = names
        self.value = value
        self.help = help
    }
}

extension [Option] {
    /// The OPTIONS lines of a help text: names and value in a 24-column field, the help beside
    /// them (below them when they fill the field), `-h, --help` last.
    var helpText: String {
        let column = 24
        var lines = [String]()
        for option in self + [Option(["-h", "--help"], help: "Show this help.")] {
            let left = option.names.joined(separator: ", ") + (option.value.map { " " + $0 } ?? "")
            let below = left.count >= column
            if below { lines.append("  " + left) }
            for (i, text) in option.help.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let field = i == 0 && !below ? left : ""
                lines.append("  " + field + String(repeating: " ", count: Swift.max(1, column - field.count)) + text)
            }
        }
        return lines.joined(separator: "\n")
    }
}
