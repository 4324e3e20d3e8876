/// Percent-encoding (RFC 3986 §2.1), both directions in one place: SARIF reports write a file's
/// path as a URI path (`artifactLocation.uri`) and the readers of old reports (`--baseline`,
/// `tokenscan ignore --from`) undo it; a signed URL's query parameters are read decoded.
public enum PercentEncoding {
    /// Percent-encodes a path's bytes (any bytes: a name need not be UTF-8): unreserved
    /// characters, `/` and `:` stay, every other byte becomes `%XX`.
    public static func encodePath(bytes: some Sequence<UInt8>) -> String {
        var encoded = ""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += "%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    public static func encodePath(_ path: String) -> String {
        encodePath(bytes: path.utf8)
    }

    /// The bytes `text` stands for: every `%XX` decoded, anything else kept as it is (a `%`
    /// without two hex digits after it is literal, as browsers and git treat it).
    public static func decode(_ text: String) -> [UInt8] {
        decode(bytes: Array(text.utf8))
    }

    public static func decode(bytes encoded: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(encoded.count)
        var rest = encoded[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, let high = hexDigit(rest[rest.startIndex]),
               let low = hexDigit(rest[rest.startIndex + 1]) {
                bytes.append(high << 4 | low)
                rest.removeFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// The value of one hexadecimal digit (either case), or nil.
    public static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
