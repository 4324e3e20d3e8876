import FoundationEssentials
import TokenFormats
import TokenScanModel

/// SAML 2.0 bearer assertions (`SAML`): an HTTP-POST `SAMLResponse`, an RFC 7522 assertion grant's
/// `assertion`, raw `<Assertion>` XML. Design §5: the earliest `NotOnOrAfter` (conditions or the
/// subject confirmation) is the expiry (`exp`), `NotBefore` is `nbf`, `IssueInstant` is `iat`, the
/// issuer `iss`, the `NameID` `sub` (shown as a JWT's `sub` is), the audiences `aud`; the
/// attributes go under `attributes` by name, and `Rules/scopes.toml` names the role and group
/// attributes whose values are the scope (`["attributes", "Role"]` …: rule data, not code). An
/// encrypted assertion's claims cannot be read: medium, as a PASETO `local` token.
struct SAMLDecoder: ClaimsDecoder {
    var validation: String { "saml" }
    var ruleID: String { "saml-response" }

    /// Raw XML that opens a SAML element, or base64 (percent-encoded or not) that begins as the
    /// encoding of `<?xml `, `<saml…:`, `<samlp:`, `<Response` or `<Assertion` does.
    func recognises(_ token: [UInt8]) -> Bool {
        guard token.count >= SAMLDecoder.minimumLength else { return false }
        if token.first == UInt8(ascii: "<") {
            let head = String(decoding: token.prefix(200), as: UTF8.self)
            return head.contains("Assertion") || head.contains("Response")
        }
        return SAMLDecoder.base64Prefixes.contains { token.starts(with: $0.utf8) }
    }

    /// The base64 of how SAML messages and assertions begin (their first six bytes, so that the
    /// alignment of base64's groups of three is the same in every form).
    static let base64Prefixes = ["PD94bWwg", "PHNhbWw", "PFJlc3BvbnNl", "PEFzc2VydGlvbi", "PEVuY3J5cHRlZEFzc2VydGlvbi"]

    /// The shortest encoded assertion worth a look: an issuer, a subject and conditions alone
    /// take some 400 characters.
    static let minimumLength = 200

    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError> {
        switch SAML.decode(token) {
        case .success(let message):
            var header: [String: JSONValue] = [
                "version": "2.0", "message": .string(message.root),
                "encoding": .string(message.encoding.rawValue + (message.percentEncoded ? ", percent-encoded" : "")),
            ]
            header["status"] = message.status.map(JSONValue.string)
            guard let assertion = message.assertion else {
                return .success(DecodedToken(format: "saml", name: "SAML 2.0 encrypted assertion", header: header, claims: [:], encrypted: true))
            }
            header["signed"] = .string(assertion.signed ? "yes" : "no")
            if !assertion.confirmationMethods.isEmpty {
                header["confirmation"] = .string(assertion.confirmationMethods.map { String($0.split(separator: ":").last ?? "") }.joined(separator: " "))
            }
            var claims: [String: JSONValue] = [:]
            claims["iss"] = assertion.issuer.map(JSONValue.string)
            claims["sub"] = assertion.subject.map(JSONValue.string)
            switch assertion.audiences.count {
            case 0: break
            case 1: claims["aud"] = .string(assertion.audiences[0])
            default: claims["aud"] = .array(assertion.audiences.map(JSONValue.string))
            }
            func time(_ seconds: Double?) -> JSONValue? { seconds.map { .string(RelativeTime.iso8601(Date(timeIntervalSince1970: $0))) } }
            claims["iat"] = time(assertion.issueInstant)
            claims["nbf"] = time(assertion.notBefore)
            claims["exp"] = time(assertion.notOnOrAfter)
            var attributes: [String: JSONValue] = [:]
            for attribute in assertion.attributes {
                let values = attribute.values.map(JSONValue.string)
                if case .array(let earlier) = attributes[attribute.name] {
                    attributes[attribute.name] = .array(earlier + values)
                } else {
                    attributes[attribute.name] = .array(values)
                }
            }
            if !attributes.isEmpty { claims["attributes"] = .object(attributes) }
            return .success(DecodedToken(
                format: "saml", name: "SAML 2.0 assertion", header: header, claims: claims, encrypted: false,
                missingExpiry: "no NotOnOrAfter (in its conditions or subject confirmation)"))
        case .failure(let error):
            switch error {
            case .notXML:
                return .failure(ClaimsDecodeError(dismissal: .malformed, message: "it is neither SAML XML nor base64 of it", shapeOnly: true))
            case .notAssertion(let root, let saml):
                guard saml else {
                    return .failure(ClaimsDecodeError(dismissal: .malformed, message: "its XML is a <\(root)>, no SAML 2.0 response or assertion", shapeOnly: true))
                }
                return .failure(ClaimsDecodeError(dismissal: .noAssertion, message: "it is a SAML <\(root)>, which carries no assertion"))
            case .noAssertion(let status):
                return .failure(ClaimsDecodeError(
                    dismissal: .noAssertion, message: "it is a SAML response without an assertion (status \(status ?? "not stated"))"))
            case .xml(let failure):
                switch failure {
                case .truncated:
                    return .failure(ClaimsDecodeError(dismissal: .truncated, message: "its XML ends before its document element does: cut short"))
                case .declaration:
                    return .failure(ClaimsDecodeError(dismissal: .malformed, message: "its XML declares a document type (DTD), which is refused unread (no SAML message has one)"))
                case .entity(let name):
                    return .failure(ClaimsDecodeError(dismissal: .malformed, message: "its XML refers to the entity '\(name)', which only a DTD could declare (refused)"))
                case .malformed(let why):
                    return .failure(ClaimsDecodeError(dismissal: .malformed, message: "its XML is not well-formed: \(why)"))
                case .limit(let why):
                    return .failure(ClaimsDecodeError(dismissal: .malformed, message: "its XML exceeds a bound of the reader: \(why)"))
                }
            }
        }
    }
}
