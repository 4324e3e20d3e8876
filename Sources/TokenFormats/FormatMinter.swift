extension TokenMinter {
    /// A PASETO token laid out as its version makes it (`Paseto`), the same for the same seed:
    /// a `public` token is its claims as JSON followed by signature-length deterministic bytes (a
    /// scanner cannot verify the signature without the issuer's public key anyway); a `local`
    /// token is a nonce, ciphertext of the claims' length and a tag, all deterministic bytes.
    /// Time claims are RFC 3339 text, as PASETO's registered claims are written.
    public static func paseto(
        version: Int, purpose: Paseto.Purpose, claims: [String: JSONValue], footer: String? = nil, seed: String
    ) -> String {
        let message = Array(canonicalJSON(.object(claims)).utf8)
        let payload: [UInt8]
        switch purpose {
        case .public:
            payload = message + bytes(count: Paseto.signatureLength(version: version), seed: "paseto/\(seed)/signature")
        case .local:
            payload = bytes(count: Paseto.sealLength(version: version) + message.count, seed: "paseto/\(seed)/sealed")
        }
        var token = "v\(version).\(purpose.rawValue).\(Base64.urlEncode(payload))"
        if let footer { token += "." + Base64.urlEncode(Array(footer.utf8)) }
        return token
    }
}

extension TokenMinter {
    /// A Fernet token made at `timestamp` (Unix seconds) as the specification lays it out
    /// (`Fernet`), the same for the same seed: IV, `blocks` AES blocks of ciphertext and the HMAC
    /// are deterministic bytes. `padded: false` strips the `=` as OpenStack Keystone does.
    public static func fernet(timestamp: UInt64, blocks: Int = 4, padded: Bool = true, seed: String) -> String {
        let time = (0..<8).reversed().map { UInt8(truncatingIfNeeded: timestamp >> (8 * UInt64($0))) }
        let body = bytes(count: 16 + 16 * blocks + 32, seed: "fernet/\(seed)")
        let token = Base64.urlEncode([0x80] + time + body)
        guard padded else { return token }
        return token + String(repeating: "=", count: (4 - token.utf8.count % 4) % 4)
    }
}
