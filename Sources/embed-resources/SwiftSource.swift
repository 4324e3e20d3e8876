/// What the generated tables are written with: Swift literals of exact values, and the check that
/// a table writer knows every stored property of the type it writes.
enum SwiftSource {
    struct UnknownField: Error, CustomStringConvertible {
        var type: String
        var name: String
        var description: String {
            "\(type) has a stored property '\(name)' that Sources/embed-resources does not write; "
                + "add it there, or the built-in tables would silently lose it"
        }
    }

    /// Throws for a stored property of `value` (any instance of its type) not in `written`. Why:
    /// a field added to a type must reach the tables, and the tests that compare the tables with
    /// the parsed files would only notice once a file sets it.
    static func checkFields(of value: Any, written: Set<String>) throws(UnknownField) {
        for case let name? in Mirror(reflecting: value).children.map(\.label) where !written.contains(name) {
            throw UnknownField(type: "\(type(of: value))", name: name)
        }
    }

    /// A Swift string literal of exactly `text`: every scalar outside printable ASCII escaped.
    static func literal(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case " "..."~": out.unicodeScalars.append(scalar)
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out + "\""
    }

    static func optional(_ text: String?) -> String { text.map(literal) ?? "nil" }

    static func array(_ texts: [String]) -> String { "[" + texts.map(literal).joined(separator: ", ") + "]" }

    /// Swift prints the shortest digits that read back as the same `Double`; TOML's `inf` and
    /// `nan` are no Swift literals.
    static func double(_ value: Double) -> String {
        if value.isNaN { return "Double.nan" }
        if value.isInfinite { return value < 0 ? "-Double.infinity" : "Double.infinity" }
        return "\(value)"
    }
}
