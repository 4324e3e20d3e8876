import TokenFormats
import TokenScanModel

/// Which JWT header and claim values a report shows.
///
/// Why: claims are whatever the token's issuer put there, and issuers put secrets there: a
/// `password`, a `client_secret`, a key inside an embedded `jwk`, another token. A report is copied
/// into CI logs, tickets and chat, so by default it shows only what the risk model reads: the
/// registered claims, the claims that say what kind of token it is, and the scope and admin claims
/// of the scope taxonomy (`Rules/scopes.toml`, extended by the configuration); in the header `alg`,
/// `typ`, `kid`, `cty` and `enc`. Every other value is masked, its key kept, so a reader still
/// sees that a claim is there and how big it is (design §4). `--show-secrets` shows everything.
///
/// Applied where findings leave the process (the reporters, `decode`), not in the Judge: allow
/// rules match claims after judgement and must see them whole.
public struct ClaimDisclosure: Sendable {
    public var showSecrets: Bool
    /// Paths of object keys to the claims shown; `*` matches any key.
    package let claimPaths: [[String]]

    /// RFC 7519 §4.1's registered claims, and the claims the risk model reads to tell what a token is
    /// (refresh or ID token, which client it was issued to).
    public static let plainClaims = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "client_id", "typ", "token_use", "token_type"]
    /// Header fields shown: the algorithm, type, key id and content type (nested JWTs), and a JWE's
    /// content encryption.
    public static let headerFields: Set<String> = ["alg", "typ", "kid", "cty", "enc"]

    public init(taxonomy: ScopeTaxonomy = .builtin, showSecrets: Bool) {
        self.showSecrets = showSecrets
        claimPaths = (ClaimDisclosure.plainClaims + taxonomy.adminClaims).map { [$0] } + taxonomy.claimPaths
    }

    /// `finding` as a report shows it.
    /// What another format states outside its claims that a report shows: its version, a PASETO
    /// token's purpose and its footer's key id, when a Fernet or Branca token was made and how many
    /// bytes a Branca token's encrypted payload holds (a size, not its contents), a macaroon's
    /// serialisation and location (where it is used; its caveats are claims, masked), a Biscuit's
    /// block count, whether it is sealed, its root key id, its third-party blocks' public keys
    /// (published on purpose) and which blocks did not read (its
    /// Datalog is its claims, masked but for the expiry and rights the risk model reads), and which
    /// SAML message held the assertion, its status, whether it is signed and how its subject is confirmed.
    public static let decodedHeaderPaths: [[String]] = [
        ["version"], ["purpose"], ["footer", "kid"], ["created"], ["payloadBytes"], ["encoding"], ["location"], ["blocks"], ["sealed"],
        ["rootKeyId"], ["thirdParty"], ["unreadable"], ["message"], ["status"], ["signed"], ["confirmation"],
    ]

    public func apply(_ finding: Finding) -> Finding {
        guard !showSecrets, finding.jwt != nil || finding.decoded != nil else { return finding }
        var shown = finding
        shown.jwt = finding.jwt.map(apply)
        if var decoded = finding.decoded {
            decoded.header = ClaimDisclosure.filter(decoded.header, paths: ClaimDisclosure.decodedHeaderPaths)
            decoded.claims = ClaimDisclosure.filter(decoded.claims, paths: claimPaths)
            shown.decoded = decoded
        }
        return shown
    }

    public func apply(_ jwt: JWTReport) -> JWTReport {
        guard !showSecrets else { return jwt }
        var shown = jwt
        shown.header = ClaimDisclosure.filter(jwt.header, paths: ClaimDisclosure.headerFields.map { [$0] })
        shown.nestedHeader = jwt.nestedHeader.map { ClaimDisclosure.filter($0, paths: ClaimDisclosure.headerFields.map { [$0] }) }
        shown.claims = ClaimDisclosure.filter(jwt.claims, paths: claimPaths)
        return shown
    }

    /// `object` with the values at `paths` kept and every other value masked; an object on the way
    /// to a kept path is filtered in turn (`realm_access.roles` shown, `realm_access.other` masked).
    package static func filter(_ object: [String: JSONValue], paths: [[String]]) -> [String: JSONValue] {
        var shown: [String: JSONValue] = [:]
        for (key, value) in object {
            let matching = paths.filter { $0.first == key || $0.first == "*" }
            if matching.contains(where: { $0.count == 1 }) {
                shown[key] = value
            } else if !matching.isEmpty, case .object(let inner) = value {
                shown[key] = .object(filter(inner, paths: matching.map { Array($0.dropFirst()) }))
            } else {
                shown[key] = mask(value)
            }
        }
        return shown
    }

    /// A value replaced by what it is, never what it says: `"*** (string, 12 characters)"`.
    public static func mask(_ value: JSONValue) -> JSONValue {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        switch value {
        case .null: return .null
        case .bool: return .string("*** (boolean)")
        case .number: return .string("*** (number)")
        case .string(let string): return .string("*** (string, \(count(string.count, "character")))")
        case .array(let array): return .string("*** (array, \(count(array.count, "item")))")
        case .object(let object): return .string("*** (object, \(count(object.count, "key")))")
        }
    }
}
