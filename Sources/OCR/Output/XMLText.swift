/// Text made safe for XML (and XHTML) content and attribute values: `&`, `<`, `>`, `"` and `'`
/// as entities, and the characters XML 1.0 does not allow (control characters other than tab,
/// line feed and carriage return; U+FFFE, U+FFFF) as U+FFFD, so that a file name or a character
/// read from a page never makes the document ill-formed.
public func xmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
            out.unicodeScalars.append("\u{FFFD}")
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
