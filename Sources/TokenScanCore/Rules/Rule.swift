/// A detector, as data: what to look for, which part of a match is the secret, and the examples
/// that prove the rule does what its description says.
///
/// Rules are data rather than code so that users extend tokenscan without recompiling it and so
/// that every rule carries its own test cases (the SwiftLint idea: a rule is its examples).
public struct Rule: Sendable, Equatable {
    public var id: String
    public var description: String
    /// What the secret is (`jwt`, `jwe`, `bearer`, `github` …). Analysis and risk scoring key on it.
    public var kind: String
    /// A PCRE2 pattern. The secret is the named group `secret`, else group 1, else the whole match.
    public var regex: String
    /// Literals (ASCII, matched case-insensitively) of which at least one occurs in every match.
    /// The prefilter only runs the regex near them; a rule without keywords runs everywhere.
    public var keywords: [String]
    /// Upper bound on a match's length in bytes. Also the overlap the searcher keeps between chunks.
    public var maxLength: Int
    /// Minimum Shannon entropy (bits per byte) of the secret; `nil` for no check.
    public var minEntropy: Double?
    /// Named validations the analyzer runs on the secret (`jwt`, `not-placeholder` …).
    public var validate: [String]
    public var tags: [String]
    /// Severity for tokens whose risk cannot be judged from their content (opaque tokens).
    public var baseSeverity: Severity
    /// When two rules report the same span, the higher priority wins (a JWT rule beats a generic
    /// bearer rule).
    public var priority: Int
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
        examples: [RuleExample] = [], counterexamples: [String] = [], origin: String = "inline"
    ) {
        self.id = id
        self.description = description
        self.kind = kind
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
    }
}

/// A text the rule must find, with the exact secret it must report.
public struct RuleExample: Sendable, Equatable {
    public var text: String
    /// The exact secret (the reported span). `nil`: only that the rule reports something.
    public var secret: String?
    public init(text: String, secret: String? = nil) {
        self.text = text
        self.secret = secret
    }
}
