/// A Fernet token (github.com/fernet/spec, Spec.md; also OpenStack Keystone's tokens, which are
/// Fernet tokens with the base64 padding stripped), taken apart as far as the format allows
/// without the key: `base64url(0x80 ‖ timestamp ‖ IV ‖ ciphertext ‖ HMAC)`.
///
/// Why: the message is AES-CBC ciphertext, so nothing about its holder's rights can be read; the
/// creation time is in the clear, and the layout (one version byte, a ciphertext of whole AES
/// blocks, a 32-byte HMAC) tells a token from other base64 that happens to start `gAAAAA`.
public struct Fernet: Sendable, Equatable {
    /// Seconds since 1970 when the token was made.
    public let timestamp: UInt64
    /// AES blocks of ciphertext.
    public let blocks: Int

    public enum DecodeError: Error, Sendable, Equatable {
        case badBase64
        /// Not version 0x80, the only one the specification defines.
        case version
        /// Shorter than version, timestamp, IV, one block and the HMAC, or a ciphertext that is not
        /// whole AES blocks: cut short or not Fernet.
        case length(Int)
    }

    /// Version, timestamp, IV and HMAC: the bytes around the ciphertext.
    static let overhead = 1 + 8 + 16 + 32

    public static func decode(_ token: [UInt8]) -> Result<Fernet, DecodeError> {
        guard token.count <= 64 * 1024, let bytes = Base64.decode(token) else { return .failure(.badBase64) }
        guard bytes.first == 0x80 else { return .failure(.version) }
        let ciphertext = bytes.count - overhead
        guard ciphertext >= 16, ciphertext % 16 == 0 else { return .failure(.length(bytes.count)) }
        let timestamp = BigEndian.unsigned(bytes[1..<9])
        return .success(Fernet(timestamp: timestamp, blocks: ciphertext / 16))
    }
}
