import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Branca (`Branca`): like Fernet the payload is encrypted, so all a report can say is when the
/// token was made; design §5 judges it live, medium.
///
/// A Branca token has no prefix: any base62 text long enough might be one. `recognises` therefore
/// admits base62 of a whole token's length, and a value that then does not decode to version 0xBA
/// is `shapeOnly`: after `Bearer ` or under a `token` name it is judged as the opaque value it is,
/// not dismissed as a broken Branca token. Under a name that says Branca (the `branca` rule) the
/// same outcome means it is no Branca token, and it is not reported.
struct BrancaDecoder: ClaimsDecoder {
    var validation: String { "branca" }
    var ruleID: String { "branca" }

    /// Base62 of a whole token's length that is not all hex digits: a token of 61 base62
    /// characters that uses only hex digits has odds of (16/62)^61, while hex keys, digests and
    /// ids under credential names are everywhere and are other rules' to judge.
    func recognises(_ token: [UInt8]) -> Bool {
        token.count >= BrancaDecoder.minimumLength && token.count <= Branca.maximumLength && Base62.isBase62(token)
            && !NamedValueGate.isHex(token)
    }

    /// Characters of the shortest token, an empty payload: base62 of 45 bytes (the
    /// specification's "Empty payload" vector).
    static let minimumLength = 61

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch Branca.decode(token) {
        case .success(let branca):
            if Entropy.bits(token) < ClaimsDecoders.minimumCiphertextEntropy {
                return .failure(ClaimsDecodeError(dismissal: .lowEntropy, message: "it is too regular to hold ciphertext: a placeholder"))
            }
            let created = Date(timeIntervalSince1970: TimeInterval(branca.timestamp))
            return .success(DecodedToken(
                format: "branca", name: "Branca",
                header: [
                    "version": "0xBA", "created": .string(RelativeTime.iso8601(created)),
                    "payloadBytes": .number(Double(branca.ciphertextLength)),
                ],
                claims: [:], encrypted: true, issuedAt: created))
        case .failure(.badBase62):
            return .failure(ClaimsDecodeError(dismissal: .malformed, message: "it is not base62", shapeOnly: true))
        case .failure(.version(let byte)):
            let found = byte.map { "0x" + ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) } ?? "nothing"
            return .failure(ClaimsDecodeError(
                dismissal: .malformed, message: "it decodes to version \(found), not 0xBA, the only Branca version", shapeOnly: true))
        case .failure(.length(let bytes)):
            return .failure(ClaimsDecodeError(
                dismissal: .truncated, message: "its \(bytes) bytes are fewer than a version, timestamp, nonce and tag (\(Branca.overhead)): cut short"))
        }
    }
}
