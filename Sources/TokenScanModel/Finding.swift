import FoundationEssentials
import TokenFormats

/// One detected secret at one place: the unit every reporter writes (design §4's contract).
///
/// `secret` is already redacted unless the user asked for secrets; nothing downstream of the
/// analyzer ever sees the raw value otherwise, so no reporter can leak it by mistake.
public struct Finding: Sendable, Codable, Equatable {
    public var ruleId: String
    public var kind: String
    public var severity: Severity
    public var score: Int
    /// Relative to the scan root, "/"-separated; "-" for stdin. A name that is not valid UTF-8
    /// shows each byte of an invalid sequence as `\xNN` (`RawPath.display`); `pathBytes` has it exactly.
    public var path: String
    /// The path's exact bytes, only when they are not valid UTF-8 (JSON: base64). Reports and
    /// tools that open the file use these; `path` is for people.
    public var pathBytes: Data?
    public var line: Int
    public var column: Int
    public var endLine: Int
    /// Exclusive: the column just after the secret.
    public var endColumn: Int
    public var commit: CommitInfo?
    public var secret: String
    /// Keyed hash of the secret's content (not its position): survives edits and moves.
    public var fingerprint: String
    public var encodings: [String]
    public var jwt: JWTReport?
    /// Another bearer format's decoded contents (PASETO …), judged like a JWT's claims.
    public var decoded: DecodedTokenReport?
    public var reasons: [Reason]
    /// The secret's line with the secret replaced by its redaction (or kept, with --show-secrets).
    public var snippet: String?
    /// The request the token travelled in, when its line shows one (method, path, header).
    public var request: RequestContext?
    /// For a token without claims: what its rule says it is (`personal access token` …). JWTs
    /// carry their class, read from the claims, in `jwt.tokenClass`.
    public var tokenClass: String?
    /// The provider checksum the token passed (`github-crc32` …), when its format has one: the
    /// token is one the provider issued, not a typo or a made-up example.
    public var checksum: String?

    public init(
        ruleId: String, kind: String, severity: Severity, score: Int, path: String, line: Int, column: Int,
        endLine: Int, endColumn: Int, commit: CommitInfo? = nil, secret: String, fingerprint: String,
        encodings: [String] = [], jwt: JWTReport? = nil, decoded: DecodedTokenReport? = nil, reasons: [Reason], snippet: String? = nil,
        tokenClass: String? = nil, checksum: String? = nil
    ) {
        self.ruleId = ruleId
        self.kind = kind
        self.severity = severity
        self.score = score
        self.path = path
        self.line = line
        self.column = column
        self.endLine = endLine
        self.endColumn = endColumn
        self.commit = commit
        self.secret = secret
        self.fingerprint = fingerprint
        self.encodings = encodings
        self.jwt = jwt
        self.decoded = decoded
        self.reasons = reasons
        self.snippet = snippet
        self.tokenClass = tokenClass
        self.checksum = checksum
    }

    /// Report order: by path, then position, then rule.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if lhs.path != rhs.path { return lhs.path < rhs.path }
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        if lhs.column != rhs.column { return lhs.column < rhs.column }
        return lhs.ruleId < rhs.ruleId
    }
}

public struct CommitInfo: Sendable, Codable, Equatable {
    public var sha: String
    public var author: String
    public var date: String
    public init(sha: String, author: String, date: String) {
        self.sha = sha
        self.author = author
        self.date = date
    }
}

/// The decoded JWT as reported.
public struct JWTReport: Sendable, Codable, Equatable {
    public var form: JWT.Form
    public var header: [String: JSONValue]
    public var claims: [String: JSONValue]
    public var expiry: ExpiryReport
    public var scopes: [ScopeReport]
    public var signature: SignatureStatus?
    public var tokenClass: TokenClass?
    /// The recognised issuer (`Rules/providers.toml`), e.g. "Kubernetes service account".
    public var provider: String?
    /// The inner header of a nested JWT (`cty: JWT`).
    public var nestedHeader: [String: JSONValue]?

    package init(form: JWT.Form, header: [String: JSONValue], claims: [String: JSONValue], expiry: ExpiryReport, scopes: [ScopeReport], signature: SignatureStatus? = nil, tokenClass: TokenClass? = nil, provider: String? = nil, nestedHeader: [String: JSONValue]? = nil) {
        self.form = form
        self.header = header
        self.claims = claims
        self.expiry = expiry
        self.scopes = scopes
        self.signature = signature
        self.tokenClass = tokenClass
        self.provider = provider
        self.nestedHeader = nestedHeader
    }
}

public struct ExpiryReport: Sendable, Codable, Equatable {
    public var status: ExpiryStatus
    public var expiresAt: String?
    public var secondsLeft: Int?

    package init(status: ExpiryStatus, expiresAt: String? = nil, secondsLeft: Int? = nil) {
        self.status = status
        self.expiresAt = expiresAt
        self.secondsLeft = secondsLeft
    }
}

public struct ScopeReport: Sendable, Codable, Equatable {
    public var value: String
    public var `class`: ScopeClass

    package init(value: String, class: ScopeClass) {
        self.value = value
        self.class = `class`
    }
}
