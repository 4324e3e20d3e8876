import TokenFormats
import TokenScanModel

/// PASETO v1–v4 (`Paseto`): a `public` token's claims are JSON and judged like a JWT's; a
/// `local` token's are encrypted.
struct PasetoDecoder: ClaimsDecoder {
    var validation: String { "paseto" }
    var ruleID: String { "paseto" }

    /// `v1.`…`v4.` and a purpose: a version-like value (`v1.2.3`, `v2.abc…`) stays an opaque token.
    func recognises(_ token: [UInt8]) -> Bool {
        token.count > 10 && token[0] == UInt8(ascii: "v") && (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(token[1])
            && token[2] == UInt8(ascii: ".") && (token[3...].starts(with: "local.".utf8) || token[3...].starts(with: "public.".utf8))
    }

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch Paseto.decode(token) {
        case .success(let paseto):
            // Ciphertext has no structure to check, but it is random: base64 of random bytes
            // holds about 5 bits per character, a placeholder (`v4.local.xxxx…`) next to none.
            let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            if paseto.purpose == .local, Entropy.bits(parts[2]) < ClaimsDecoders.minimumCiphertextEntropy {
                return .failure(ClaimsDecodeError(dismissal: .lowEntropy, message: "its payload is too regular to be ciphertext: a placeholder"))
            }
            let name = "v\(paseto.version).\(paseto.purpose.rawValue)"
            var header: [String: JSONValue] = ["version": .string("v\(paseto.version)"), "purpose": .string(paseto.purpose.rawValue)]
            header["footer"] = paseto.footer
            return .success(DecodedToken(
                format: "paseto", name: "PASETO \(name)", header: header, claims: paseto.claims, encrypted: paseto.purpose == .local))
        case .failure(let error):
            let message: String
            switch error {
            case .notPASETO: message = "a PASETO token is v1–v4, local or public, and a payload: version.purpose.payload[.footer]"
            case .badBase64: message = "its payload or footer is not base64url"
            case .tooShort(let bytes, let minimum): message = "its payload is \(bytes) bytes, shorter than the \(minimum) its version's nonce, tag or signature take"
            case .claimsNotJSON: message = "a public token's message is not a JSON object of claims"
            }
            let dismissal: Dismissal = if case .tooShort = error { .truncated } else { .malformed }
            return .failure(ClaimsDecodeError(dismissal: dismissal, message: message))
        }
    }
}
