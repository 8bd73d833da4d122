/// Text from outside (a file name, a label, an error naming a file) with its control characters
/// escaped, so that it stays on one line of the terminal or of a TSV row and cannot send the
/// terminal escape sequences: tab, line feed and carriage return as `\t`, `\n`, `\r`, any other
/// control character as `\xHH`. `backslash` also doubles the backslash (TSV does, so that a
/// reader can undo the escapes).
public func escapingControls(_ text: String, backslash: Bool = false) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\\" where backslash: out += "\\\\"
        case _ where scalar.properties.generalCategory == .control:
            out += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// The TSV form of a field: ``escapingControls(_:backslash:)`` with backslashes doubled.
public func escapingTSV(_ text: String) -> String { escapingControls(text, backslash: true) }

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
