/// A PASETO token (Platform-Agnostic Security Tokens, v1–v4), taken apart as far as its own
/// format allows without a key: `version.purpose.payload[.footer]`.
///
/// Why so little: a `public` token's payload is its JSON claims followed by a signature, readable
/// by anyone (that is what makes the token judgeable); a `local` token's payload is encrypted, so
/// only its version, purpose and footer can be shown. The lengths checked are the ones each
/// version's primitives produce (github.com/paseto-standard/paseto-spec, docs/01-Protocol-Versions):
/// a payload shorter than its nonce and tag, or its signature, is a look-alike or a token cut short.
public struct Paseto: Sendable, Equatable {
    public enum Purpose: String, Sendable { case local, `public` }

    public let version: Int
    public let purpose: Purpose
    /// A `public` token's claims (the message before the signature); empty for `local`.
    public let claims: [String: JSONValue]
    /// The footer as written after the payload, decoded: a JSON object (`{"kid":…}`) or text.
    public let footer: JSONValue?

    public enum DecodeError: Error, Sendable, Equatable {
        /// Not `v1`…`v4` followed by `local` or `public` and a payload.
        case notPASETO
        case badBase64
        /// The payload is shorter than the version's nonce and tag (local) or signature (public).
        case tooShort(bytes: Int, minimum: Int)
        /// A `public` token's message is not a JSON object of claims.
        case claimsNotJSON
    }

    /// Bytes of a `public` token's signature: RSA-2048 PSS (v1), Ed25519 (v2, v4), ECDSA P-384 (v3).
    package static func signatureLength(version: Int) -> Int {
        switch version {
        case 1: 256
        case 3: 96
        default: 64
        }
    }

    /// Bytes of a `local` token's nonce and authentication tag around its ciphertext.
    package static func sealLength(version: Int) -> Int {
        switch version {
        case 1, 3: 32 + 48 // 32-byte nonce, HMAC-SHA384 tag
        case 2: 24 + 16 // XChaCha20-Poly1305
        default: 32 + 32 // 32-byte nonce, BLAKE2b-256 tag
        }
    }

    /// The largest claims set decoded (a token is a request header, not a document).
    public static let maxClaimsBytes = 64 * 1024

    public static func decode(_ token: [UInt8]) -> Result<Paseto, DecodeError> {
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4, parts[0].count == 2, parts[0].first == UInt8(ascii: "v"),
            let digit = parts[0].last, (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(digit),
            let purpose = Purpose(rawValue: String(decoding: parts[1], as: UTF8.self)), !parts[2].isEmpty
        else { return .failure(.notPASETO) }
        let version = Int(digit - UInt8(ascii: "0"))
        guard parts[2].count <= maxClaimsBytes * 2, let payload = Base64.decode(parts[2]) else { return .failure(.badBase64) }
        var footer: JSONValue?
        if parts.count == 4 {
            guard !parts[3].isEmpty, let bytes = Base64.decode(parts[3]) else { return .failure(.badBase64) }
            if let object = JSONValue.parse(bytes), object.object != nil {
                footer = object
            } else {
                footer = .string(String(decoding: bytes, as: UTF8.self))
            }
        }
        switch purpose {
        case .local:
            let minimum = sealLength(version: version) + 1
            guard payload.count >= minimum else { return .failure(.tooShort(bytes: payload.count, minimum: minimum)) }
            return .success(Paseto(version: version, purpose: .local, claims: [:], footer: footer))
        case .public:
            let signature = signatureLength(version: version)
            guard payload.count >= signature + 2 else { return .failure(.tooShort(bytes: payload.count, minimum: signature + 2)) }
            let message = payload.dropLast(signature)
            guard !JSONValue.exceedsDepth(message, 32), let claims = JSONValue.parse(Array(message))?.object else {
                return .failure(.claimsNotJSON)
            }
            return .success(Paseto(version: version, purpose: .public, claims: claims, footer: footer))
        }
    }

    /// Whether `token` is a PASERK public key or key id (github.com/paseto-standard/paserk:
    /// `k<version>.public.`, `.pid.`, `.lid.`, `.sid.`): public by design, never a credential. The
    /// other PASERK types (`local`, `secret`, their wrapped and sealed forms) are secret keys.
    public static func isPublicPASERK(_ token: [UInt8]) -> Bool {
        guard token.count > 4, token[0] == UInt8(ascii: "k"), (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(token[1]),
            token[2] == UInt8(ascii: ".")
        else { return false }
        let rest = token.dropFirst(3)
        return ["public.", "pid.", "lid.", "sid."].contains { rest.starts(with: $0.utf8) }
    }
}
