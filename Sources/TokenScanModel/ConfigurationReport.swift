/// What shaped a scan's result besides its inputs: the configuration files read, the rules
/// switched off, and the files a range scan's commits change that would have shaped it.
///
/// Why in every report: a pull request that adds `[allowlist] regexes = ["."]` to a
/// `.gitleaks.toml` could switch the gate off with 0 findings and exit 0, and nothing would show
/// it. A reviewer must see what the scan trusted, and what the change tried to alter.
public struct ConfigurationReport: Sendable, Codable, Equatable {
    public var files: [ConfigurationFile] = []
    /// Rule ids not run (the configuration's `disabledRules`), sorted.
    public var disabledRules: [String] = []
    /// Configuration, ignore and rule files the scanned commits change: named, not applied; the
    /// change takes effect once it is merged into the base (design §8). Absent outside range scans.
    public var changedInRange: [ConfigurationChange]?
    /// In-tree configuration was not read (`--no-repo-config`, or `--config` replacing discovery).
    public var repositoryConfigurationIgnored: Bool?
    public init() {}
}

/// A configuration file a run read.
public struct ConfigurationFile: Sendable, Codable, Equatable {
    /// As the user would find it: relative to the repository for files from a revision.
    public var path: String
    /// What it is: `tokenscan`, `gitleaks`, `gitleaksignore`, `rules`.
    public var role: String
    /// Where it was read from: `command line`, `work tree`, or `revision <sha>`.
    public var source: String
    /// SHA-256 of its bytes (hex), so a reviewer can tell which version applied.
    public var sha256: String
    public init(path: String, role: String, source: String, sha256: String) {
        self.path = path
        self.role = role
        self.source = source
        self.sha256 = sha256
    }
}

/// A file that shapes the scan and that the scanned range changes.
public struct ConfigurationChange: Sendable, Codable, Equatable {
    public var path: String
    /// `added`, `modified`, `deleted` or `renamed`.
    public var change: String
    public init(path: String, change: String) {
        self.path = path
        self.change = change
    }
}

/// A finding accepted by something the scanned change itself adds (an inline allow on a line of
/// the range, a fingerprint its commits add to a `.tokenscanignore`). Honoured, so a false
/// positive can be accepted in the same pull request, but never silently: listed for review on
/// stderr and in every report (design §8). Carries no secret.
public struct AcceptedInChange: Sendable, Codable, Equatable {
    public var path: String
    public var line: Int
    /// The finding's region (SARIF keeps it as a result under review).
    public var column: Int?
    public var endLine: Int?
    public var endColumn: Int?
    public var kind: String?
    public var score: Int?
    public var ruleId: String
    public var severity: Severity
    public var fingerprint: String
    /// What accepted it: `inline-allow` or `ignored-fingerprint`.
    public var acceptedBy: String
    public var commit: String?
    public init(path: String, line: Int, ruleId: String, severity: Severity, fingerprint: String, acceptedBy: String, commit: String?) {
        self.path = path
        self.line = line
        self.ruleId = ruleId
        self.severity = severity
        self.fingerprint = fingerprint
        self.acceptedBy = acceptedBy
        self.commit = commit
    }
}
