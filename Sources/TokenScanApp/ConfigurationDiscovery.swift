import FoundationEssentials
import TokenFormats
import TokenScanModel
import TokenScanSuppression

/// Finds and applies the configuration a run uses: `--config` or a `.tokenscan.toml` found near
/// the inputs, a gitleaks configuration (`--gitleaks-config`, the config's `gitleaks` key,
/// `GITLEAKS_CONFIG`, or a `.gitleaks.toml` found the same way) and a `.gitleaksignore`; and
/// says what it read (`ConfigurationReport`).
///
/// Why it lives here and not in the command line: every command (`scan`, `git`, `demo`,
/// `redact`) must see the same rules, disabled rules and acceptances; when each command
/// assembled them itself, `redact` ran without the configuration at all.
///
/// What is trusted (design §8): files named on the command line always; in-tree files only when
/// discovery is on. `--config FILE` replaces discovery of in-tree configuration (`.tokenscan.toml`
/// and `.gitleaks.toml`), so a tree cannot add an allowlist to an explicit configuration; `--no-repo-config` turns discovery off (`discoverNear` nil). A
/// range scan discovers in its base revision's files (`confinedTo`), never in the commits it scans.
public struct ConfigurationDiscovery {
    /// `--config`: replaces discovery of in-tree configuration.
    public var explicitConfig: String?
    /// `--gitleaks-config`.
    public var explicitGitleaksConfig: String?
    /// Where to look for in-tree files (the inputs' roots, or the repository); nil: no discovery.
    public var discoverNear: [String]?
    /// Look only in this directory, not upwards (a base revision's files, exported).
    public var confinedTo: String?
    /// How discovered files are described in the report (`work tree`, `revision 1a2b3c4d`).
    public var discoveredSource = "work tree"
    /// `GITLEAKS_CONFIG`.
    public var gitleaksEnvironment: String?
    /// The command line set `--fail-on`, which wins over the file's `failOn`.
    public var failOnFromCommandLine = false

    public init(explicitConfig: String? = nil, explicitGitleaksConfig: String? = nil, discoverNear: [String]? = nil,
                gitleaksEnvironment: String? = nil, failOnFromCommandLine: Bool = false) {
        self.explicitConfig = explicitConfig
        self.explicitGitleaksConfig = explicitGitleaksConfig
        self.discoverNear = discoverNear
        self.gitleaksEnvironment = gitleaksEnvironment
        self.failOnFromCommandLine = failOnFromCommandLine
    }

    /// A file that could not be used: the run stops with exit 2 and this message.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// In-tree discovery, unless an explicit configuration replaces it.
    private var treeDiscovery: [String]? { explicitConfig == nil ? discoverNear : nil }

    /// Applies everything found to `request` and records it in `request.configuration`; `warn`
    /// hears what a gitleaks configuration drops.
    public func apply(to request: inout ScanRequest, warn: (String) -> Void) throws(Failure) {
        var report = request.configuration
        report.repositoryConfigurationIgnored = treeDiscovery == nil && discoverNear != nil ? true : report.repositoryConfigurationIgnored
        func record(_ path: String, role: String, explicit: Bool) {
            guard let bytes = FileManager.default.contents(atPath: path) else { return }
            let shown = confinedTo.flatMap { root in path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : nil } ?? path
            report.files.append(ConfigurationFile(
                path: shown, role: role, source: explicit ? "command line" : discoveredSource, sha256: Digest.sha256Hex(bytes)))
        }
        var configuration: Configuration?
        if let (path, explicit) = explicitConfig.map({ ($0, true) })
            ?? treeDiscovery.flatMap({ Configuration.discover(near: $0, confinedTo: confinedTo) }).map({ ($0, false) }) {
            do {
                configuration = try Configuration.load(path: path)
                request.apply(configuration!, failOnFromCommandLine: failOnFromCommandLine)
            } catch {
                throw Failure(description: "invalid configuration: \(error)")
            }
            record(path, role: "tokenscan", explicit: explicit)
            for source in configuration!.ruleSources { record(source, role: "rules", explicit: explicit) }
        }
        if let (path, explicit) = GitleaksConfig.locate(
            commandLine: explicitGitleaksConfig, configuration: configuration, environment: gitleaksEnvironment,
            discoverNear: treeDiscovery, confinedTo: confinedTo) {
            do {
                let imported = try GitleaksConfig.load(path: path, required: explicit)
                for warning in imported.warnings { warn("warning: \(warning)") }
                request.apply(imported)
            } catch {
                throw Failure(description: "invalid gitleaks configuration: \(error)")
            }
            record(path, role: "gitleaks", explicit: explicit && explicitGitleaksConfig != nil)
        }
        // An ignore file, not configuration: `--config` leaves it in place (design §8).
        if let near = discoverNear, configuration?.gitleaks != .disabled,
           let path = Configuration.discover(near: near, fileName: ".gitleaksignore", confinedTo: confinedTo) {
            do {
                request.options.suppressions.gitleaksIgnore = try GitleaksIgnore.load(path: path)
            } catch {
                throw Failure(description: "\(error)")
            }
            record(path, role: "gitleaksignore", explicit: false)
        }
        report.disabledRules = Array(Set(request.disabledRules)).sorted()
        request.configuration = report
    }
}
