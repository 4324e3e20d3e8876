import TokenFormats
import TokenScanModel

/// Translates Go (RE2) regular expressions, as gitleaks configurations hold them, to PCRE2.
///
/// The two syntaxes agree on almost everything gitleaks rules use (`(?i)`, `(?P<name>…)`, `\z`,
/// POSIX classes, `\Q…\E`, `\pL`); RE2 has no backreferences or lookaround, so nothing needs
/// removing. What differs is rewritten here:
/// - `\v` is the vertical tab in Go but any vertical whitespace (newlines included) in PCRE2;
/// - `\1`…`\7` followed by octal digits, and `\0…`, are octal character codes in Go but
///   backreferences in PCRE2 — written as `\o{…}`;
/// - Go matches UTF-8 text: a pattern with non-ASCII characters, `\p`/`\P` classes or code points
///   above `\x{FF}` needs PCRE2's UTF mode (`needsUTF`).
/// Anything else PCRE2 rejects surfaces when the result is compiled.
public enum GoRegex {
    public struct Translation: Sendable, Equatable {
        public var pattern: String
        public var needsUTF: Bool
    }

    public static func translate(_ source: String) -> Translation {
        let scalars = Array(source.unicodeScalars)
        var output = String.UnicodeScalarView()
        var needsUTF = false
        var index = 0
        func append(_ text: String) { output.append(contentsOf: text.unicodeScalars) }
        func isOctal(_ i: Int) -> Bool { i < scalars.count && ("0"..."7").contains(scalars[i]) }
        while index < scalars.count {
            let scalar = scalars[index]
            if !scalar.isASCII { needsUTF = true }
            guard scalar == "\\", index + 1 < scalars.count else {
                output.append(scalar)
                index += 1
                continue
            }
            let next = scalars[index + 1]
            switch next {
            case "v":
                append("\\x0B")
                index += 2
            case "Q":
                // Literal text up to \E (or the end), copied as it stands.
                var end = index + 2
                while end < scalars.count && !(scalars[end] == "\\" && end + 1 < scalars.count && scalars[end + 1] == "E") {
                    if !scalars[end].isASCII { needsUTF = true }
                    end += 1
                }
                let stop = min(scalars.count, end + 2)
                output.append(contentsOf: scalars[index..<stop])
                index = stop
            case "p", "P":
                needsUTF = true
                append("\\\(next)")
                index += 2
            case "x":
                var end = index + 2
                if end < scalars.count && scalars[end] == "{" {
                    while end < scalars.count && scalars[end] != "}" { end += 1 }
                    let hex = String(String.UnicodeScalarView(scalars[(index + 3)..<min(end, scalars.count)]))
                    if let value = UInt32(hex, radix: 16), value > 0xFF { needsUTF = true }
                    end = min(scalars.count, end + 1)
                } else {
                    end = min(scalars.count, end + 2)
                }
                output.append(contentsOf: scalars[index..<end])
                index = end
            case "0"..."7" where next == "0" || isOctal(index + 2):
                // Go: up to three octal digits.
                var end = index + 1
                while end < scalars.count && end < index + 4 && isOctal(end) { end += 1 }
                append("\\o{\(String(String.UnicodeScalarView(scalars[(index + 1)..<end])))}")
                index = end
            default:
                if !next.isASCII { needsUTF = true }
                output.append(scalar)
                output.append(next)
                index += 2
            }
        }
        return Translation(pattern: String(output), needsUTF: needsUTF)
    }
}
