import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Reads paths as git writes them in diff headers.
///
/// Why: git writes a path as is unless it holds a byte that would make a header ambiguous (a
/// control character, `"`, `\`, and with `core.quotePath=true` — which tokenscan forces — every
/// byte ≥ 0x80); then it writes a C-style quoted string with octal escapes. Decoding that exactly
/// is what makes file names with newlines, tabs, quotes or any Unicode come out right.
package enum GitPathQuoting {
    /// Decodes a C-style quoted string at the start of `text` (which must begin with `"`).
    /// Returns the decoded bytes and the index just after the closing quote, or nil if malformed.
    package static func unquote(_ text: ArraySlice<UInt8>) -> (bytes: [UInt8], end: Int)? {
        guard text.first == UInt8(ascii: "\"") else { return nil }
        var bytes: [UInt8] = []
        var index = text.startIndex + 1
        while index < text.endIndex {
            let byte = text[index]
            switch byte {
            case UInt8(ascii: "\""):
                return (bytes, index + 1)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < text.endIndex else { return nil }
                let escaped = text[index]
                switch escaped {
                case UInt8(ascii: "a"): bytes.append(0x07)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "v"): bytes.append(0x0B)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(escaped)
                case UInt8(ascii: "0")...UInt8(ascii: "3"):
                    guard index + 2 < text.endIndex else { return nil }
                    var value = 0
                    for digit in text[index...(index + 2)] {
                        guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
                        value = value * 8 + Int(digit - UInt8(ascii: "0"))
                    }
                    bytes.append(UInt8(value))
                    index += 2
                default:
                    return nil
                }
                index += 1
            default:
                bytes.append(byte)
                index += 1
            }
        }
        return nil
    }

    /// A whole header field that is one path: quoted (decoded) or not (taken as is). nil if a
    /// quoted field is malformed or has text after its closing quote.
    package static func path(_ field: ArraySlice<UInt8>) -> [UInt8]? {
        guard field.first == UInt8(ascii: "\"") else { return Array(field) }
        guard let (bytes, end) = unquote(field), end == field.endIndex else { return nil }
        return bytes
    }

    /// The new-side path of `diff --git <a> <b>` when it can be known from that line alone: both
    /// names quoted, or both unquoted and equal (git writes the same name twice unless the file was
    /// renamed or copied, and then `rename to` / `copy to` lines follow). `prefix` is stripped from
    /// the result.
    package static func newPathOfGitHeader(_ names: ArraySlice<UInt8>, prefixes: (old: [UInt8], new: [UInt8])) -> [UInt8]? {
        if names.first == UInt8(ascii: "\"") {
            guard let (_, end) = unquote(names), end < names.endIndex, names[end] == UInt8(ascii: " "),
                let new = path(names[(end + 1)...]), new.starts(with: prefixes.new)
            else { return nil }
            return Array(new.dropFirst(prefixes.new.count))
        }
        // "a/P b/P": the two halves around the middle space must be the same path.
        let count = names.count - prefixes.old.count - prefixes.new.count - 1
        guard count > 0, count % 2 == 0 else { return nil }
        let half = count / 2
        let oldStart = names.startIndex + prefixes.old.count
        let separator = oldStart + half
        let newStart = separator + 1 + prefixes.new.count
        guard names.starts(with: prefixes.old), names[separator] == UInt8(ascii: " "),
            names[(separator + 1)..<newStart].elementsEqual(prefixes.new),
            names[oldStart..<separator].elementsEqual(names[newStart...])
        else { return nil }
        return Array(names[newStart...])
    }
}
