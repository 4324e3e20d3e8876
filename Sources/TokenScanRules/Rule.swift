import TokenFormats
import TokenScanModel

/// A detector, as data: what to look for, which part of a match is the secret, and the examples
/// that prove the rule does what its description says.
///
/// Rules are data rather than code so that users extend tokenscan without recompiling it and so
/// that every rule carries its own test cases (the SwiftLint idea: a rule is its examples).
public struct Rule: Sendable, Equatable {
    public var id: String
    public var description: String
    /// What the secret is (`jwt`, `jwe`, `bearer`, `github` …), in reports and reasons. Behaviour
    /// never keys on this string: it keys on `role`.
    public var kind: String
    /// How the judge treats what the rule finds (rule data `role`; see `SecretRole`).
    public var role: SecretRole
    /// A PCRE2 pattern. The secret is the named group `secret`, else group 1, else the whole match
    /// (unless `secretGroup` says otherwise).
    public var regex: String
    /// Which capture group is the secret, when the default above does not fit: rules imported from
    /// gitleaks name a group by number, or take the first group that matched something.
    public var secretGroup: SecretGroup?
    /// A PCRE2 pattern on the input's path (as reported: relative to the scan root, `archive!entry`
    /// inside archives, `-` for stdin); the rule runs only on inputs whose path matches. `nil`:
    /// everywhere. Why: some secrets only mean something in one kind of file (gitleaks' `path`).
    public var path: String?
    /// Literals (ASCII, matched case-insensitively) of which at least one occurs in every match.
    /// The prefilter only runs the regex near them; a rule without keywords runs everywhere.
    public var keywords: [String]
    /// Where every match of the rule starts, when the rule data says (`start`): the matcher then
    /// tries the regex only at those positions, anchored, instead of searching each region that
    /// holds a keyword. `nil`: a match may start anywhere.
    public var start: MatchStart?
    /// Upper bound on a match's length in bytes. Also the overlap the searcher keeps between chunks.
    public var maxLength: Int
    /// Minimum Shannon entropy (bits per byte) of the secret; `nil` for no check.
    public var minEntropy: Double?
    /// Named validations the analyzer runs on the secret: `jwt` (decode it), `embedded-jwt` (a
    /// provider token whose body after the last `_` is a JWT that must decode; its `exp` is read),
    /// `allow-placeholders` (skip the placeholder filter), `pypi-macaroon` (the token must hold a
    /// whole macaroon, so a cut one is not reported), `paseto` (decode it as PASETO; its claims are
    /// judged like a JWT's), `fernet` (it must have a Fernet token's layout), `branca` (it must
    /// decode from base62 to a Branca token's version and layout), `macaroon` (decode it as a macaroon;
    /// its caveats and an LND identifier's permissions are its claims), `biscuit` (decode it as a
    /// Biscuit token; its blocks' time checks and rights facts are its claims), and the provider checksums of
    /// `TokenChecksum` (`github-crc32` …), which make a token with a wrong checksum a dismissal
    /// instead of a finding; and the signed-URL formats of `SignedURLFormat` (`azure-sas` …), whose
    /// query parameters are read from the whole match as the URL's expiry and permissions.
    public var validate: [String]
    public var tags: [String]
    /// What the token is for, in words (`personal access token`, `OAuth access token`, `refresh
    /// token` …). Reasons and findings say it, because "a GitHub refresh token" tells the reader
    /// what to revoke where "a github token" does not. A class that names a refresh token also
    /// adds the `refresh-token` reason.
    public var tokenClass: String?
    /// Who issues the token, as people write it (`GitHub`, `npm`), for reasons.
    public var provider: String?
    /// Where its owner revokes or rotates such a token (a URL). The text report's closing advice
    /// names it, because "rotate it" helps little without saying where.
    public var rotate: String?
    /// Severity for tokens whose risk cannot be judged from their content (opaque tokens).
    public var baseSeverity: Severity
    /// When two rules report the same span, the higher priority wins (a JWT rule beats a generic
    /// bearer rule).
    public var priority: Int
    /// The priority that decides between rules on the same span: a named value yields to every
    /// rule that is not one, whatever their numbers (its name only says what an otherwise unknown
    /// value is; a rule that knows the value's format knows more); among named-value rules, and
    /// among the others, `priority` decides.
    public var spanPriority: Int { role == .namedValue ? priority - 1_000_000 : priority }
    /// Compile in PCRE2 UTF mode (only needed for patterns that reason about non-ASCII text).
    public var utf: Bool
    public var examples: [RuleExample]
    public var counterexamples: [String]
    /// Where the rule was defined, for messages (`Rules/jwt.toml`, `builtin:jwt.toml`).
    public var origin: String

    public init(
        id: String, description: String = "", kind: String, regex: String, keywords: [String] = [],
        maxLength: Int = 4096, minEntropy: Double? = nil, validate: [String] = [], tags: [String] = [],
        baseSeverity: Severity = .medium, priority: Int = 50, utf: Bool = false,
        examples: [RuleExample] = [], counterexamples: [String] = [], origin: String = "inline",
        tokenClass: String? = nil, provider: String? = nil
    ) {
        self.id = id
        self.description = description
        self.kind = kind
        role = SecretRole(defaultFor: kind)
        self.regex = regex
        self.keywords = keywords
        self.maxLength = maxLength
        self.minEntropy = minEntropy
        self.validate = validate
        self.tags = tags
        self.baseSeverity = baseSeverity
        self.priority = priority
        self.utf = utf
        self.examples = examples
        self.counterexamples = counterexamples
        self.origin = origin
        self.tokenClass = tokenClass
        self.provider = provider
    }

    /// The provider checksums among `validate`, in the order the rule names them.
    public var checksums: [TokenChecksum] { validate.compactMap(TokenChecksum.init(rawValue:)) }

    /// Every name `validate` accepts. The loader rejects others: a misspelt checksum would
    /// otherwise switch the check off without a word, and typos would be reported as tokens.
    public static let validations: [String] = ["jwt", "embedded-jwt", "allow-placeholders", "pypi-macaroon", "paseto", "fernet", "branca", "macaroon", "biscuit", "saml"]
        + TokenChecksum.allCases.map(\.rawValue) + SignedURLFormat.allCases.map(\.rawValue)
}

/// How the judge treats a rule's matches. Rule data names it (`role = "signing-key"`), so that
/// behaviour follows from a typed value, not from kind strings compared in code.
public enum SecretRole: String, Sendable, Equatable, CaseIterable {
    /// A credential of the rule's own kind (a provider token, an opaque token, a JWT rule's JWT).
    case credential
    /// A generic carrier (an `Authorization: Bearer` value, an `access_token=` parameter): what
    /// it holds is reported as what it turns out to be (`jwt`, `jwe`, or the rule's kind when
    /// opaque), and a value that starts with a provider's prefix is left to that provider's rule.
    case carrier
    /// A key that signs tokens (`JWT_SECRET=…`): a token in the same input that it verifies is
    /// forgeable, and is judged so.
    case signingKey = "signing-key"
    /// A value assigned to a name (`API_TOKEN=…`, `"apiKey": "…"`): the name, read from the start
    /// of the match, decides through the name vocabulary (`Rules/named-values.toml`) whether the
    /// value is a credential, of which class, and which look-alike gate it must pass. Otherwise
    /// like a carrier: a value with a provider's prefix is left to that provider's rule.
    case namedValue = "named-value"

    /// The role of a rule that does not name one: rule files written before `role` existed say
    /// `kind = "bearer"` for carriers and `kind = "hmac-secret"` for signing keys. This table is the
    /// one place those strings mean anything.
    public init(defaultFor kind: String) {
        switch kind {
        case "bearer": self = .carrier
        case "hmac-secret": self = .signingKey
        default: self = .credential
        }
    }
}

/// Where a rule's matches start, relative to its keywords (rule data `start`).
///
/// Why: the keyword prefilter decides only *which regions* a rule's regex runs on. A rule whose
/// keywords are common words (a named value's `key`, `token`, `auth`) then has its regex tried at
/// every byte of most regions, and a pattern that begins with a character class (a name) has no
/// literal for PCRE2 to skip ahead to: named values made tree scans 3–4× slower that way. A rule
/// that knows where its matches begin says so, and is tried once per keyword occurrence.
public enum MatchStart: String, Sendable, Equatable, CaseIterable {
    /// A match starts where one of the rule's keywords starts.
    case keyword
    /// A match starts where the word that holds one of the rule's keywords starts; a word is a
    /// run of ASCII letters, digits, `_`, `.` and `-` (a name such as `PAYMENTS_API_KEY`,
    /// `.AspNetCore.Session` or `spring.datasource.password`).
    case keywordWord = "keyword-word"
    /// As `keywordWord`, for a quoted word only (a `"` right before it and right after it): a JSON
    /// key or string (the `named-pair` rule's `"name": "…"` pairs), so that the same names
    /// elsewhere on a line are not tried at all.
    case quotedKeywordWord = "quoted-keyword-word"
    /// As `keywordWord`, for a word a value is assigned to only (the `named-value` rule's
    /// `NAME = value`): after the word at most a `\\`, a quote and a `]`, then blanks, then one of
    /// the rule's separators — `=`, `=>`, `:=`, `:` (also after a type: `: String =`, Go's
    /// ` string =`), `,` when the word is a call's first argument (after `("` or `('`), a line
    /// break when the word follows `name: `, blanks when the word is a `--option` — and, except
    /// after a line break, a value: after blanks and an optional opening quote (`"`, `\\"`, `@"`,
    /// `r'` …), at least 12 bytes of `A-Za-z0-9+/_.~|!:-`, what the rule's secret group wants.
    /// Most words that hold `token`, `session` or `auth` in code and logs are calls, types and
    /// prose, and most assignments to them hold `null`, a number, a short word, a variable or an
    /// object: they are passed over without a PCRE2 call. A copy of the rule with a shorter or
    /// wider value needs another start (its examples fail otherwise: `tokenscan rules check`).
    case assignedKeywordWord = "assigned-keyword-word"
}

/// Which capture group of a rule's regex holds the secret.
public enum SecretGroup: Sendable, Equatable {
    /// This group (0: the whole match).
    case number(Int)
    /// The first group that matched a non-empty text, else the whole match (gitleaks' rule when
    /// `secretGroup` is not set).
    case firstNonEmpty
}

/// A text the rule must find, with the exact secret it must report.
public struct RuleExample: Sendable, Equatable {
    /// The marker a minted token replaces in `text`.
    public static let tokenMarker = "{{token}}"

    public var text: String
    /// The exact secret (the reported span). `nil`: only that the rule reports something, or,
    /// with `mint`, the minted token.
    public var secret: String?
    /// Mint a token of this format when the example is checked and put it at `{{token}}` in
    /// `text`; the example must then report exactly that token.
    ///
    /// Why: a provider token with a valid checksum is indistinguishable from a live one, so none
    /// may be committed (push protection blocks it, and every fork would inherit the alert). Rule
    /// files therefore hold the text around a token and let the checker make the token.
    public var mint: ProviderTokenFormat?

    public init(text: String, secret: String? = nil, mint: ProviderTokenFormat? = nil) {
        self.text = text
        self.secret = secret
        self.mint = mint
    }
}
