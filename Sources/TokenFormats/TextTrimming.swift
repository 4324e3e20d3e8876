/// Trimming by the character classes Foundation's `CharacterSet` names, without `CharacterSet`
/// (it is not in FoundationEssentials, and the binary links no more of Foundation than that).
public enum TrimmedCharacters: Sendable {
    /// `CharacterSet.whitespaces`: Unicode general category Zs, and tab.
    case whitespaces
    /// `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029.
    case newlines
    /// `CharacterSet.whitespacesAndNewlines`.
    case whitespacesAndNewlines

    public func contains(_ scalar: Unicode.Scalar) -> Bool {
        let newline = (0x0A...0x0D).contains(scalar.value) || scalar.value == 0x85 || scalar.value == 0x2028 || scalar.value == 0x2029
        let whitespace = scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
        switch self {
        case .whitespaces: return whitespace
        case .newlines: return newline
        case .whitespacesAndNewlines: return whitespace || newline
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set` (Foundation's
    /// `trimmingCharacters(in:)`, by Unicode scalar as it works).
    public func trimming(_ set: TrimmedCharacters) -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.contains($0) }),
              let last = scalars.lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
