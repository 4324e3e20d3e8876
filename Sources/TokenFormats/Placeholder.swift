/// Recognises values that stand in for a token rather than being one: templates (`<token>`,
/// `${TOKEN}`, `{{token}}`, `%TOKEN%`, `$TOKEN`), masks (`xxxx`, `****`, `....`), and prose
/// (`your-token-here`, `INSERT_TOKEN`). Documentation and config templates are full of them, and a
/// scanner that reports them trains its users to ignore it.
public enum Placeholder {
    /// Words that mark a value as an example when they occur inside it. Random tokens of 16+ base62
    /// characters contain any of these with negligible probability.
    package static let markers = [
        "your", "token", "example", "placeholder", "redacted", "insert", "replace", "changeme", "dummy",
        "sample", "secret", "here", "fake", "test_token", "access_token", "bearer", "xxxx", "****", "....",
        "<", ">", "${", "{{", "}}", "%s", "null", "undefined", "none",
        // Keyboard and counting sequences ("1234567890…", "abcdef…").
        "123456", "abcdef", "qwerty",
    ]

    public static func isPlaceholder(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let lower = text.lowercased()
        if lower.isEmpty { return true }
        // Shell and batch variables: $TOKEN, %TOKEN%, $(cmd), @token@
        if let first = bytes.first, first == UInt8(ascii: "$") || first == UInt8(ascii: "%") || first == UInt8(ascii: "@") {
            return true
        }
        if markers.contains(where: { lower.contains($0) }) { return true }
        // Masks and runs: a value that is mostly one character ("aaaaaaaa", "0000…", "-----").
        var counts: [UInt8: Int] = [:]
        for byte in bytes { counts[byte | 0x20, default: 0] += 1 }
        if let most = counts.values.max(), most * 2 >= bytes.count { return true }
        // Too few distinct characters to be random ("abcabcabc", "12341234").
        if bytes.count >= 12 && counts.count <= 4 { return true }
        return false
    }
}

/// Shannon entropy in bits per byte: a cheap signal that a value is random rather than a word.
public enum Entropy {
    public static func bits(_ bytes: some Collection<UInt8>) -> Double {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy
    }
}

import FoundationEssentials
import Glibc
