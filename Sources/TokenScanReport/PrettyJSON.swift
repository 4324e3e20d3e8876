import FoundationEssentials

/// Pieces of a pretty-printed, sorted-keys JSON document, byte for byte as `JSONEncoder` writes
/// the whole (two spaces per level, `"key" : value`, an empty array as `[`, a blank line, `]`).
///
/// Why: a JSON or SARIF report of a long stream must not hold every finding until the end. With
/// these, a reporter writes each array element as it comes, encoded on its own and indented to
/// its depth, and the document is the same as one encoded at once (the golden files hold it so).
package enum PrettyJSON {
    /// `value` encoded pretty, every line after the first indented by `depth` levels: a member's
    /// value at that depth. Blank lines (inside empty arrays) stay blank, as the encoder has them.
    package static func value(_ value: some Encodable, depth: Int) -> String {
        indent(Reporters.encode(value, pretty: true), depth: depth, first: false)
    }

    /// `value` encoded pretty as an element of an array at depth `depth - 1`: every line indented.
    package static func element(_ value: some Encodable, depth: Int) -> String {
        indent(Reporters.encode(value, pretty: true), depth: depth, first: true)
    }

    /// `"key" : ` at `depth`.
    package static func key(_ key: String, depth: Int) -> String {
        String(repeating: "  ", count: depth) + Reporters.encode(key, pretty: false) + " : "
    }

    /// Writes an array's elements one by one: `open()` before the first, `close()` after the last.
    package struct ArrayWriter {
        let depth: Int
        private(set) var count = 0

        package init(depth: Int) { self.depth = depth }

        /// What goes before the next element.
        package mutating func separator() -> String {
            count += 1
            return count == 1 ? "[\n" : ",\n"
        }

        /// What ends the array (an empty one as the encoder writes it).
        package func close() -> String {
            let indent = String(repeating: "  ", count: depth - 1)
            return count == 0 ? "[\n\n\(indent)]" : "\n\(indent)]"
        }
    }

    private static func indent(_ text: String, depth: Int, first: Bool) -> String {
        let prefix = String(repeating: "  ", count: depth)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for index in lines.indices where !lines[index].isEmpty && (first || index > lines.startIndex) {
            lines[index] = Substring(prefix + lines[index])
        }
        return lines.joined(separator: "\n")
    }
}
