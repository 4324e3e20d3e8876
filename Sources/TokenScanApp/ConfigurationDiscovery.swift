import Foundation
import TokenScanModel
import TokenScanSuppression

/// Finds and applies the configuration a run uses: `--config` or a `.tokenscan.toml` found near
/// the inputs, a gitleaks configuration (`--gitleaks-config`, the config's `gitleaks` key,
/// `GITLEAKS_CONFIG`, or a `.gitleaks.toml` found the same way) and a `.gitleaksignore`.
///
/// Why it lives here and not in the command line: every command (`scan`, `git`, `demo`,
/// `redact`) must see the same rules, disabled rules and acceptances; when each command
/// assembled them itself, `redact` ran without the configuration at all.
public struct ConfigurationDiscovery {
    /// `--config`: replaces discovery of `.tokenscan.toml`.
    public var explicitConfig: String?
    /// `--gitleaks-config`.
    public var explicitGitleaksConfig: String?
    /// Where to look for in-tree files (the inputs' roots, or the repository); nil: no discovery.
    public var discoverNear: [String]?
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

    /// Applies everything found to `request`; `warn` hears what a gitleaks configuration drops.
    public func apply(to request: inout ScanRequest, warn: (String) -> Void) throws(Failure) {
        var configuration: Configuration?
        if let path = explicitConfig ?? discoverNear.flatMap({ Configuration.discover(near: $0) }) {
            do {
                configuration = try Configuration.load(path: path)
                request.apply(configuration!, failOnFromCommandLine: failOnFromCommandLine)
            } catch {
                throw Failure(description: "invalid configuration: \(error)")
            }
        }
        if let (path, explicit) = GitleaksConfig.locate(
            commandLine: explicitGitleaksConfig, configuration: configuration, environment: gitleaksEnvironment,
            discoverNear: discoverNear) {
            do {
                let imported = try GitleaksConfig.load(path: path, required: explicit)
                for warning in imported.warnings { warn("warning: \(warning)") }
                request.apply(imported)
            } catch {
                throw Failure(description: "invalid gitleaks configuration: \(error)")
            }
        }
        if let near = discoverNear, configuration?.gitleaks != .disabled,
           let path = Configuration.discover(near: near, fileName: ".gitleaksignore") {
            do {
                request.options.suppressions.gitleaksIgnore = try GitleaksIgnore.load(path: path)
            } catch {
                throw Failure(description: "\(error)")
            }
        }
    }
}
