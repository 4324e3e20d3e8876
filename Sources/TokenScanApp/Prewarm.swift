import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// Builds the process-wide built-in data — the environment, the name vocabulary, the scope
/// taxonomy, the identity providers, the weak-secret list (its text: it is parsed at the first
/// HMAC-signed token), the processor count, the rules compiled, their keyword layout and automaton
/// — on a background thread while the command line is being parsed.
///
/// Why: a one-file scan, a pre-commit hook's usual case, spends about as long in ArgumentParser's
/// reflection as in parsing the built-in rules, and the two do not depend on each other, so on two
/// cores they overlap. Each value is a Swift `static let`, initialised exactly once under the
/// runtime's lock: a caller that needs one before the thread is done waits for that one value, and
/// when none is needed (`--version`, a usage error) the work is simply abandoned with the process.
/// `scripts/bench`'s start-up line measures what this saves.
public enum Prewarm {
    public static func start() {
        // In the order the main thread needs them: a scan's settings (`AnalysisSettings`) hold the
        // vocabularies as soon as the command line is parsed, the rules only when the scan starts.
        // The vocabularies are built from tables generated at build time (`EmbeddedVocabularies`):
        // what is left of them here is building the values and compiling the scope and provider
        // patterns.
        NativeThread.detach {
            _ = ProcessEnvironment.current
            _ = NameVocabulary.builtin
            _ = ScopeTaxonomy.builtin
            _ = ProviderCatalog.builtin
            _ = WeakSecrets.builtin
            _ = ScanOptions.processors
            _ = CompiledRule.builtin
            _ = Matcher.builtinAutomaton
        }
    }
}
