import FoundationEssentials
import TokenFormats

/// Whether a token claims to be live at `now`. A claim, not proof: only the issuer knows.
public enum ExpiryStatus: String, Sendable, Codable {
    case expired
    case active
    case notYetValid = "not-yet-valid"
    case noExpiry = "no-expiry"
}

/// What a JWS signature check established.
public enum SignatureStatus: String, Sendable, Codable {
    /// `alg: none` or an empty signature: anyone can forge such a token.
    case unsigned
    /// The HMAC key is a known weak or published secret: anyone can forge tokens with it.
    case weakSecret = "weak-secret"
    /// Not checked (no key available).
    case unverified
    /// Verified against a key the user supplied.
    case verified
}

/// What the token is for.
public enum TokenClass: String, Sendable, Codable {
    case access, id, refresh
}

/// The class of a scope value, from most to least dangerous.
public enum ScopeClass: String, Sendable, Codable, CaseIterable {
    /// Admin, owner or wildcard access.
    case broad
    /// Write access. Counts as broad for the risk model (design §5: "any write scope").
    case write
    /// Grants refresh tokens / offline use without being broad itself.
    case offline
    /// Read-only or identity scopes.
    case read
    case other
}
