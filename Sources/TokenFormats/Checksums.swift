import CZlib

/// CRC-32 as zlib computes it (the ISO-HDLC / IEEE 802.3 polynomial, reflected, initial and final
/// XOR 0xFFFFFFFF). It is the variant every provider below uses: GitHub and npm (Go's and Node's
/// `crc32`), GitLab (Ruby's `Zlib.crc32`) and Atlassian, so zlib's implementation is the reference
/// rather than a second copy of the table here.
public enum CRC32 {
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        let contiguous = Array(bytes)
        return contiguous.withUnsafeBufferPointer { buffer in
            // zlib's length parameter is a uInt; tokens are far below 4 GiB.
            UInt32(truncatingIfNeeded: crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }
}

/// Fixed-width positional encodings of 32-bit checksums (base62, base36, hex).
///
/// Providers write a checksum as a number in some alphabet, left-padded with the alphabet's zero
/// to a fixed width (GitHub: six base62 characters, which is exactly enough for 2³²−1 = `4gfFC3`).
/// The comparison in `TokenChecksum` is on the encoded text, so a checksum with the right value but
/// without its padding does not pass: the provider never writes one.
public struct PositionalEncoding: Sendable {
    public let alphabet: [UInt8]

    public init(alphabet: String) {
        self.alphabet = Array(alphabet.utf8)
        precondition(self.alphabet.count >= 2 && Set(self.alphabet).count == self.alphabet.count, "alphabet must have distinct symbols")
    }

    /// GitHub's and npm's alphabet: digits, then upper case, then lower case (the "GMP" order).
    public static let base62 = PositionalEncoding(alphabet: "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    /// Ruby's `Integer#to_s(36)`: digits, then lower case.
    public static let base36 = PositionalEncoding(alphabet: "0123456789abcdefghijklmnopqrstuvwxyz")
    public static let upperHex = PositionalEncoding(alphabet: "0123456789ABCDEF")

    /// `value` in this alphabet, left-padded with the alphabet's zero to at least `width` symbols.
    public func encode(_ value: UInt64, width: Int) -> String {
        let radix = UInt64(alphabet.count)
        var digits: [UInt8] = []
        var rest = value
        repeat {
            digits.append(alphabet[Int(rest % radix)])
            rest /= radix
        } while rest > 0
        while digits.count < width { digits.append(alphabet[0]) }
        return String(decoding: digits.reversed(), as: UTF8.self)
    }

    /// The number `text` spells in this alphabet; `nil` when a symbol is not in it or it overflows.
    public func decode(_ text: some Collection<UInt8>) -> UInt64? {
        let radix = UInt64(alphabet.count)
        var value: UInt64 = 0
        for symbol in text {
            guard let digit = alphabet.firstIndex(of: symbol) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}

/// A provider's checksum over its own tokens, named as rule files name it in `validate`.
///
/// A checksum lets a scanner tell a real token from a typo, a truncated copy or a made-up example
/// without asking the provider, so a token whose checksum is wrong is not reported (design §5).
/// Each scheme states what the CRC covers and how it is written, and where that was verified:
///
/// - `github-crc32`: `prefix_` + 30 random base62 characters + CRC32 of those 30 characters (not of
///   the prefix) in base62, six characters, zero-padded (`ghp_ gho_ ghu_ ghs_ ghr_`).
/// - `npm-crc32`: the same scheme after `npm_` (npm adopted GitHub's format in 2021).
/// - `gitlab-crc32`: GitLab's routable tokens, `prefix` + base64url payload + `.` [+ 2-character
///   version + `.`] + 2-character base36 payload length, then CRC32 of everything before it
///   (prefix included) in base36, seven characters, zero-padded.
/// - `atlassian-crc32`: Atlassian API tokens, `ATATT3…=` then CRC32 of everything before it
///   (prefix and `=` included) as eight upper-case hex digits.
public enum TokenChecksum: String, CaseIterable, Sendable {
    case github = "github-crc32"
    case npm = "npm-crc32"
    case gitlab = "gitlab-crc32"
    case atlassian = "atlassian-crc32"

    /// Whether `token` (the whole secret a rule matched, prefix included) carries a correct checksum.
    public func verify(_ token: some Collection<UInt8>) -> Bool {
        let bytes = Array(token)
        switch self {
        case .github, .npm:
            // The random part and its checksum follow the last underscore.
            guard let underscore = bytes.lastIndex(of: UInt8(ascii: "_")) else { return false }
            let payload = bytes[(underscore + 1)...]
            guard payload.count == 36, payload.allSatisfy(Self.isBase62) else { return false }
            let body = payload.prefix(30)
            return Array(payload.suffix(6)) == Array(Self.base62Checksum(of: body).utf8)
        case .gitlab:
            guard bytes.count > 7, bytes.contains(UInt8(ascii: ".")) else { return false }
            let covered = bytes.dropLast(7)
            return Array(bytes.suffix(7)) == Array(PositionalEncoding.base36.encode(UInt64(CRC32.checksum(covered)), width: 7).utf8)
        case .atlassian:
            guard bytes.count > 8 else { return false }
            let covered = bytes.dropLast(8)
            return Array(bytes.suffix(8)) == Array(PositionalEncoding.upperHex.encode(UInt64(CRC32.checksum(covered)), width: 8).utf8)
        }
    }

    /// Appends the checksum to a token that lacks it, as the provider does when it issues one
    /// (`TokenMinter` uses this; `unsealed` is everything the finished token has before its checksum).
    public func seal(_ unsealed: String) -> String {
        let bytes = Array(unsealed.utf8)
        switch self {
        case .github, .npm:
            let body = bytes.lastIndex(of: UInt8(ascii: "_")).map { bytes[($0 + 1)...] } ?? bytes[...]
            return unsealed + Self.base62Checksum(of: body)
        case .gitlab:
            return unsealed + PositionalEncoding.base36.encode(UInt64(CRC32.checksum(bytes)), width: 7)
        case .atlassian:
            return unsealed + PositionalEncoding.upperHex.encode(UInt64(CRC32.checksum(bytes)), width: 8)
        }
    }

    /// How many trailing characters of a token are its checksum.
    public var checksumLength: Int {
        switch self {
        case .github, .npm: 6
        case .gitlab: 7
        case .atlassian: 8
        }
    }

    /// The six-character base62 CRC32 GitHub and npm append to the 30 random characters.
    public static func base62Checksum(of body: some Collection<UInt8>) -> String {
        PositionalEncoding.base62.encode(UInt64(CRC32.checksum(body)), width: 6)
    }

    package static func isBase62(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
