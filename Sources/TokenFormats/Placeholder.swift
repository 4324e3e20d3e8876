/// Recognises values that stand in for a token rather than being one: templates (`<token>`,
/// `${TOKEN}`, `{{token}}`, `%TOKEN%`, `$TOKEN`), masks (`xxxx`, `****`, `....`), and prose
/// (`your-token-here`, `INSERT_TOKEN`). Documentation and config templates are full of them, and a
/// scanner that reports them trains its users to ignore it.
public enum Placeholder {
    /// Marker words of six letters or more, and templates and masks, found anywhere in a value.
    /// Random text never spells them: a given six-letter word turns up in a 1.4 kB base62 token
    /// with a probability of about 2·10⁻⁶ (case folded), so these cost no real token.
    package static let markers = [
        "example", "placeholder", "redacted", "insert", "replace", "changeme", "sample", "secret",
        "test_token", "access_token", "bearer", "undefined",
        // Templates: tags, `${x}`, `{{x}}`, printf, Swift's `\(x)`; masks.
        "<", ">", "${", "{{", "}}", "%s", "\\(", "****", "....",
        // Keyboard and counting sequences ("1234567890…", "abcdef…").
        "123456", "abcdef", "qwerty",
    ]

    /// Short marker words count only as whole words (`your-token-here`, `YOUR_TOKEN`, `FakeKey`):
    /// random text spells four letters all the time (`nNOnE` inside an Azure refresh token; about
    /// 0.9 % of random 1.4 kB tokens contain one of these somewhere).
    package static let wordMarkers: Set<String> = ["your", "token", "here", "fake", "dummy", "null", "none", "nil", "todo"]

    /// A delimited segment this long and this random is a real token's random part, whatever a
    /// marker word beside it says (OpenAI's `sk-None-…` keys carry the project name `None`).
    package static let randomSegmentLength = 20
    package static let randomSegmentEntropy = 3.5

    public static func isPlaceholder(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let lower = text.lowercased()
        if lower.isEmpty { return true }
        // Shell and batch variables: $TOKEN, %TOKEN%, $(cmd), @token@
        if let first = bytes.first, first == UInt8(ascii: "$") || first == UInt8(ascii: "%") || first == UInt8(ascii: "@") {
            return true
        }
        if markers.contains(where: { lower.contains($0) }) { return true }
        // A mask: a run of x (`ghp_xxxx…`, `sk-xxxxxxxx…T3BlbkFJ…`); six in a row, not four, as random text holds four.
        if lower.contains("xxxxxx") { return true }
        if words(bytes).contains(where: { wordMarkers.contains($0) }) && !hasRandomSegment(bytes) { return true }
        // Masks and runs: a value that is mostly one character ("aaaaaaaa", "0000…", "-----").
        var counts: [UInt8: Int] = [:]
        for byte in bytes { counts[byte | 0x20, default: 0] += 1 }
        if let most = counts.values.max(), most * 2 >= bytes.count { return true }
        // Too few distinct characters to be random ("abcabcabc", "12341234").
        if bytes.count >= 12 && counts.count <= 4 { return true }
        return false
    }

    /// The value's words, lower-cased: runs of letters, split where a lower-case letter is followed
    /// by an upper-case one (`YourTokenHere` → your, token, here; `nNOnE` → n, non, e).
    package static func words(_ bytes: [UInt8]) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self).lowercased()) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            let isUpper = byte >= 0x41 && byte <= 0x5A
            let isLower = byte >= 0x61 && byte <= 0x7A
            guard isUpper || isLower else {
                flush()
                continue
            }
            if isUpper, let last = current.last, last >= 0x61 && last <= 0x7A { flush() }
            current.append(byte)
        }
        flush()
        return words
    }

    /// Whether a run of letters and digits between delimiters is long and random enough to be a
    /// token's secret part: random-looking, and long even without the marker words in it (a word
    /// spelled by chance inside a long random run does not make it a placeholder, but
    /// `YourVaultTokenHere000000` is words and padding).
    package static func hasRandomSegment(_ bytes: [UInt8]) -> Bool {
        bytes.split(whereSeparator: { !(($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) && !($0 >= 0x30 && $0 <= 0x39) })
            .contains { segment in
                guard segment.count >= randomSegmentLength, Entropy.bits(segment) >= randomSegmentEntropy else { return false }
                let markerLetters = words(Array(segment)).filter { wordMarkers.contains($0) }.reduce(0) { $0 + $1.count }
                return segment.count - markerLetters >= randomSegmentLength
            }
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
