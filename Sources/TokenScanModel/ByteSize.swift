import TokenFormats

/// Sizes as people type them on a command line: `500K`, `10M`, `1G` (powers of 1024, as `du`
/// and `find -size` count), or a plain number of bytes.
public enum ByteSize {
    /// The number of bytes `text` names; `nil` when it is not a size (or overflows).
    public static func parse(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 10, "M": 20, "G": 30, "T": 40]
        var digits = Substring(text)
        var shift = 0
        if let last = digits.last?.uppercased().first, let bits = units[last] {
            shift = bits
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : bytes
    }
}
