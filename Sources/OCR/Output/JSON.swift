import Foundation

/// A minimal JSON value with stable key order (sorted), for machine-readable output.
public indirect enum JSONValue {
    case string(String), number(Double), array([JSONValue]), object([String: JSONValue])

    /// The value as JSON text, object keys in sorted order.
    public var serialized: String {
        switch self {
        case .string(let s): return jsonString(s)
        case .number(let n):
            return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(format: "%.4f", n)
        case .array(let items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { jsonString($0) + ":" + fields[$0]!.serialized }
                .joined(separator: ",") + "}"
        }
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
