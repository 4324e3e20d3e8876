import TOMLKit
import TokenFormats
import TokenScanModel

/// Parses TOML for rule files, vocabularies and configuration with errors that carry a line.
///
/// Before handing text to toml++, it rejects a non-ASCII byte outside strings and comments:
/// such a document is invalid TOML anyway, and toml++ asserts (aborts the process) on some of
/// them instead of reporting an error — a malformed file must never crash a scan.
package enum TOMLDocument {
    package struct ParseError: Error {
        package var line: Int?
        package var message: String
    }

    /// Parses a rule-like file, reporting errors as `RuleError`s naming `origin`.
    package static func parse(_ text: String, origin: String) throws(RuleError) -> TOMLTable {
        do {
            return try parse(text)
        } catch {
            throw RuleError(file: origin, line: error.line, message: error.message)
        }
    }

    package static func parse(_ text: String) throws(ParseError) -> TOMLTable {
        try precheck(text)
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ParseError(line: error.source.begin.line, message: "invalid TOML: \(error.description)")
        } catch {
            throw ParseError(line: nil, message: "invalid TOML: \(error)")
        }
    }

    /// Walks strings (basic, literal, multi-line) and comments; outside them everything must be
    /// ASCII, a table header's `[` or `[[` must be followed by a key, and a value's `]` or `}`
    /// must close the bracket opened last (toml++ asserts on `s=[}` instead of reporting it).
    package static func precheck(_ text: String) throws(ParseError) {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var atLineStart = true
        var open: [UInt8] = [] // the [ and { of values (arrays, inline tables) not yet closed
        func starts(_ delimiter: [UInt8], at position: Int) -> Bool {
            position + delimiter.count <= bytes.count && bytes[position..<(position + delimiter.count)].elementsEqual(delimiter)
        }
        func isKeyStart(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == 0x5F || byte == 0x2D
                || byte == 0x22 || byte == 0x27 || byte == 0x5D
        }
        let delimiters = ["\"\"\"", "\'\'\'", "\"", "\'"].map { Array($0.utf8) }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                index += 1
                atLineStart = true
                continue
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D {
                index += 1
                continue
            }
            defer { atLineStart = false }
            if byte == UInt8(ascii: "#") {
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            } else if let delimiter = delimiters.first(where: { starts($0, at: index) }) {
                // Skip the string; its content may be any UTF-8.
                let escapes = delimiter[0] == UInt8(ascii: "\"")
                index += delimiter.count
                while index < bytes.count && !starts(delimiter, at: index) {
                    if bytes[index] == 0x0A { line += 1 }
                    index += escapes && bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                index += delimiter.count
            } else if byte == UInt8(ascii: "[") && atLineStart && open.isEmpty {
                // A table header: [key] or [[key]].
                index += 1
                if index < bytes.count && bytes[index] == UInt8(ascii: "[") { index += 1 }
                while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
                guard index < bytes.count, isKeyStart(bytes[index]) else {
                    throw ParseError(line: line, message: "invalid TOML: a table header without a key")
                }
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                open.append(byte)
                index += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                // A closer with nothing open (a header's `]`, or a stray one) is toml++'s to report.
                if let last = open.popLast(), last != (byte == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")) {
                    throw ParseError(line: line, message: "invalid TOML: '\(Character(Unicode.Scalar(byte)))' closes a '\(Character(Unicode.Scalar(last)))'")
                }
                index += 1
            } else if byte >= 0x80 {
                throw ParseError(line: line, message: "invalid TOML: a non-ASCII character outside a string or comment")
            } else {
                index += 1
            }
        }
    }
}
