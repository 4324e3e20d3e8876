/// A Branca token (github.com/tuupola/branca-spec, README), taken apart as far as the format allows
/// without the key: `base62(0xBA ‖ timestamp ‖ nonce ‖ ciphertext ‖ tag)`, the ciphertext and tag
/// IETF XChaCha20-Poly1305 over the header.
///
/// Why: the payload is encrypted, so nothing about its holder's rights can be read; the creation
/// time is in the clear (the header is authenticated, not encrypted). The version byte is the only
/// fixed part, and base62 keeps no prefix (`Base62`), so a token is recognised by decoding it.
/// Fernet's sibling (`Fernet`): the same judgement, a different encoding.
public struct Branca: Sendable, Equatable {
    /// The only version the specification defines (its "magic byte").
    public static let version: UInt8 = 0xBA
    /// Seconds since 1970 when the token was made (unsigned 32-bit: up to the year 2106).
    public let timestamp: UInt32
    /// Bytes of ciphertext (the payload's length; zero for an empty payload, which is valid).
    public let ciphertextLength: Int

    public init(timestamp: UInt32, ciphertextLength: Int) {
        self.timestamp = timestamp
        self.ciphertextLength = ciphertextLength
    }

    public enum DecodeError: Error, Sendable, Equatable {
        /// A character outside the base62 alphabet (the specification's "invalid base62
        /// characters" vector), or longer than any token a scanner decodes.
        case badBase62
        /// Not version 0xBA: the first byte found, nil when the value decodes to nothing.
        case version(UInt8?)
        /// Version 0xBA but shorter than version, timestamp, nonce and tag: cut short.
        case length(Int)
    }

    /// Version, timestamp, nonce and Poly1305 tag: the bytes around the ciphertext.
    public static let overhead = 1 + 4 + 24 + 16

    /// The longest text decoded (base62 of about 6 KiB): a token carries a payload a server chose
    /// to encrypt, not a document, and decoding costs the square of the length.
    public static let maximumLength = 8 * 1024

    public static func decode(_ token: [UInt8]) -> Result<Branca, DecodeError> {
        guard token.count <= maximumLength, let bytes = Base62.decode(token) else { return .failure(.badBase62) }
        guard bytes.first == version else { return .failure(.version(bytes.first)) }
        guard bytes.count >= overhead else { return .failure(.length(bytes.count)) }
        return .success(Branca(timestamp: UInt32(BigEndian.unsigned(bytes[1..<5])), ciphertextLength: bytes.count - overhead))
    }
}
