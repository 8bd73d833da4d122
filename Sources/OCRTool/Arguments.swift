/// A command-line mistake: printed with the command's usage, exit status 64.
struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Parsed arguments of one subcommand: `--name value`, `--name=value`, `--flag`, positionals.
struct Arguments {
    private var values: [String: [String]] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Parses `args` by `options`: those with a value take one, the others are switches.
    init(_ args: [String], options: [Option]) throws(UsageError) {
        let valued = Set(options.filter { $0.value != nil }.flatMap(\.names))
        let switches = Set(options.filter { $0.value == nil }.flatMap(\.names))
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            if switches.contains(name) {
                if inline != nil { throw UsageError("\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if let inline {
                    values[name, default: []].append(inline)
                } else {
                    guard i < args.count else { throw UsageError("\(name) needs a value") }
                    values[name, default: []].append(args[i])
                    i += 1
                }
            } else {
                throw UsageError("unknown option \(name)")
            }
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// The last value given for an option.
    func string(_ name: String) -> String? { values[name]?.last }

    /// Every value given for a repeatable option.
    func strings(_ name: String) -> [String] { values[name] ?? [] }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = 1...Int.max) throws(UsageError) -> Int {
        guard let text = string(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            let allowed = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "in \(range.lowerBound)...\(range.upperBound)"
            throw UsageError("\(name) must be an integer \(allowed), got '\(text)'")
        }
        return value
    }

    /// A share: a number in 0...1.
    func fraction(_ name: String, default fallback: Float) throws(UsageError) -> Float {
        guard let text = string(name) else { return fallback }
        guard let value = Float(text), value >= 0, value <= 1 else {
            throw UsageError("\(name) must be a number in 0...1, got '\(text)'")
        }
        return value
    }
}

/// One `ocr` subcommand.
protocol Command {
    static var name: String { get }
    static var abstract: String { get }
    /// The full help text: OVERVIEW, USAGE, ARGUMENTS, OPTIONS.
    static var help: String { get }
    /// Runs with the arguments after the subcommand name; returns the exit status.
    static func run(_ args: [String]) throws -> Int32
}
