import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// A bearer format other than JWT that states its own claims, decoded into what the risk model
/// reads. One conformance per format; `TokenFacts.from(decoded:…)` turns every format's contents
/// into the same facts a JWT's claims give, so `RiskModel` stays the only risk model.
///
/// JWTs keep their own inspection (`JWTInspection`): besides claims they have signatures to
/// verify, weak HMAC keys, decoding limits and nested tokens, outcomes no other format has.
protocol ClaimsDecoder: Sendable {
    /// The `validate` name in a rule that routes its matches here (`paseto`).
    var validation: String { get }
    /// The built-in rule that finds this format (what `tokenscan decode` reports it as).
    var ruleID: String { get }
    /// Whether a token given to `tokenscan decode` has this format's shape (its prefix): then it
    /// is this format's to accept or refuse.
    func recognises(_ token: [UInt8]) -> Bool
    /// The token's contents, or why the match is not a token of this format.
    func decode(_ token: [UInt8]) -> Result<DecodedToken, ClaimsDecodeError>
}

/// What a `ClaimsDecoder` read out of a token.
struct DecodedToken: Sendable {
    /// The format as reports name it (`paseto`).
    var format: String
    /// The variant, for reasons (`PASETO v4.public`).
    var name: String
    /// What the format states besides claims (version, purpose, footer): shown, never judged.
    var header: [String: JSONValue]
    var claims: [String: JSONValue]
    /// Whether the claims are encrypted (`claims` is then empty): judged live, medium.
    var encrypted: Bool
    /// When the token was made, where the format states it outside its claims (Fernet, Branca).
    var issuedAt: Date? = nil
    /// What a token of this format without an expiry lacks, for the `no-expiry` reason (`a time
    /// caveat`); nil for formats whose expiry is an `exp` claim.
    var missingExpiry: String? = nil
}

/// Why a match with a format's shape is not one of its tokens (for `decode`'s message).
struct ClaimsDecodeError: Error, Sendable {
    var dismissal: Dismissal
    var message: String
    /// The token had only the first bytes of the format's shape, nothing of its structure (a
    /// format without a prefix of its own): after `Bearer ` or under a name it is some other value.
    var shapeOnly = false
}

/// The formats behind `ClaimsDecoder`, looked up by a rule's `validate` names.
enum ClaimsDecoders {
    // Branca last: it has no prefix, so any base62 value of its length is its shape; every
    // format with a prefix (an LND macaroon's hex is base62 too; a Biscuit's protobuf header; a
    // SAML message's XML) is asked first.
    static let all: [any ClaimsDecoder] = [PasetoDecoder(), FernetDecoder(), MacaroonDecoder(), BiscuitDecoder(), SAMLDecoder(), BrancaDecoder()]

    /// Bits per character below which base64 text is no ciphertext: base64 of random bytes holds
    /// about 5 (PASETO's published vectors with an all-zero nonce 4.9), a placeholder run next to none.
    static let minimumCiphertextEntropy = 3.5

    static func decoder(for rule: Rule) -> (any ClaimsDecoder)? {
        all.first { rule.validate.contains($0.validation) }
    }
}
