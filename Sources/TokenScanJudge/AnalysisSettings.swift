import FoundationEssentials
import TokenFormats
import TokenScanModel
import TokenScanRules

/// Settings every analysis shares: the clock, what to reveal, and the vocabularies.
public struct AnalysisSettings: Sendable {
    /// The injected clock: expiry is judged against this, never against the system time.
    public var now: Date
    public var showSecrets: Bool
    public var fingerprinter: Fingerprinter
    public var taxonomy: ScopeTaxonomy
    public var weakSecrets: WeakSecrets
    public var riskModel: RiskModel
    /// Keys to verify signatures with (`--jwks`); empty: signatures stay unverified.
    public var keys = KeySet()
    /// Issuers recognised by their claims (`Rules/providers.toml` and the config's additions).
    public var providers = ProviderCatalog.builtin
    /// Names of named values and their classes (`Rules/named-values.toml` and the config's additions).
    public var names = NameVocabulary.builtin
    /// How much each correlation across one input's findings keeps (tests make them small).
    public var correlationBounds = CorrelationBounds()

    public init(
        now: Date, showSecrets: Bool = false, fingerprinter: Fingerprinter = Fingerprinter(),
        taxonomy: ScopeTaxonomy = .builtin, weakSecrets: WeakSecrets = .builtin, riskModel: RiskModel = RiskModel()
    ) {
        self.now = now
        self.showSecrets = showSecrets
        self.fingerprinter = fingerprinter
        self.taxonomy = taxonomy
        self.weakSecrets = weakSecrets
        self.riskModel = riskModel
    }
}
