/// Text from what was scanned (file names, commit authors, claim values, snippets) made safe to
/// print for a person: C0 and C1 controls and bidirectional-formatting characters become visible
/// escapes (`\x1b`, `\r`, `\u{202E}`).
///
/// Why: a scanned tree is written by others. Printed raw, a file name can clear the screen, move
/// the cursor, forge a "0 findings" line, hide text behind an OSC 8 link, or reorder what is shown
/// (Trojan Source, CVE-2021-42574). Every human-readable output (the text report, `decode`, each
/// stderr diagnostic) goes through this one function; JSON, JSON Lines and SARIF escape through
/// their own encoders.
public enum TerminalText {
    /// `text` with every character a terminal would act on written as a visible escape.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                escaped.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x80:
                escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default:
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return escaped
    }

    /// Text of several lines that we composed: each line escaped, the line breaks kept.
    public static func escapeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "\n")
    }

    /// C0 controls, DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC), the bidi embeddings,
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069), the directional marks (U+200E,
    /// U+200F, U+061C) and the line and paragraph separators (U+2028, U+2029).
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
