import TokenScanEngine
import TokenScanRules

extension NameVocabulary {
    /// The vocabulary built into the binary: `Rules/named-values.toml`'s `[[nameClasses]]` and
    /// `[[names]]`, parsed when tokenscan was built (`EmbeddedVocabularies`). Why not parsed here:
    /// it was, at every start-up, on the prewarm thread a one-file scan then waits for (0.66 ms).
    /// `NamedValueGateTests` hold it equal to the file's parse.
    public static let builtin: NameVocabulary = EmbeddedVocabularies.names()
}
