import TokenFormats

/// A bearer token of a format other than JWT, decoded, as reported (`Finding.decoded`): the same
/// expiry and scopes a JWT's report carries, under the format's own name.
///
/// Why not `jwt`: tools that read reports take `jwt` to mean a JOSE token (its `header.alg`,
/// its `signature` status); a PASETO token has neither, and saying it has would mislead them.
public struct DecodedTokenReport: Sendable, Codable, Equatable {
    /// The format (`paseto`).
    public var format: String
    /// What the format states outside its claims: a PASETO token's `version`, `purpose` and `footer`.
    public var header: [String: JSONValue]
    /// Readable claims; empty when they are encrypted (`encrypted`).
    public var claims: [String: JSONValue]
    public var encrypted: Bool
    public var expiry: ExpiryReport
    public var scopes: [ScopeReport]
    public var tokenClass: TokenClass?

    package init(
        format: String, header: [String: JSONValue], claims: [String: JSONValue], encrypted: Bool, expiry: ExpiryReport,
        scopes: [ScopeReport], tokenClass: TokenClass?
    ) {
        self.format = format
        self.header = header
        self.claims = claims
        self.encrypted = encrypted
        self.expiry = expiry
        self.scopes = scopes
        self.tokenClass = tokenClass
    }
}
