import FoundationEssentials
import TokenFormats
import TokenScanModel

/// Fernet (`Fernet`), OpenStack Keystone's tokens included: the message is encrypted, so all a
/// report can say is when the token was made; design §5 judges it live, medium.
struct FernetDecoder: ClaimsDecoder {
    var validation: String { "fernet" }
    var ruleID: String { "fernet" }

    /// The prefix, and at least the length of the shortest token (one AES block): a shorter value
    /// that happens to start `gAAAAA` is an opaque token like any other.
    func recognises(_ token: [UInt8]) -> Bool {
        token.count >= FernetDecoder.minimumLength && token.starts(with: Array("gAAAAA".utf8))
    }

    /// Characters of the shortest token, unpadded: base64 of 73 bytes.
    static let minimumLength = 98

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch Fernet.decode(token) {
        case .success(let fernet):
            if Entropy.bits(token) < ClaimsDecoders.minimumCiphertextEntropy {
                return .failure(ClaimsDecodeError(dismissal: .lowEntropy, message: "it is too regular to hold ciphertext: a placeholder"))
            }
            let created = Date(timeIntervalSince1970: TimeInterval(fernet.timestamp))
            return .success(DecodedToken(
                format: "fernet", name: "Fernet", header: ["version": "0x80", "created": .string(RelativeTime.iso8601(created))],
                claims: [:], encrypted: true, issuedAt: created))
        case .failure(let error):
            let message: String
            switch error {
            case .badBase64: message = "it is not base64url"
            case .version: message = "its first byte is not 0x80, the only Fernet version"
            case .length(let bytes): message = "its \(bytes) bytes are not version, timestamp, IV, whole AES blocks and an HMAC"
            }
            return .failure(ClaimsDecodeError(dismissal: error == .badBase64 || error == .version ? .malformed : .truncated, message: message))
        }
    }
}
