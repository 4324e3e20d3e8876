import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

/// Builds the process-wide built-in data — the rules compiled, their keyword automaton, the scope
/// taxonomy, the identity providers, the weak-secret list — on a background thread while the
/// command line is being parsed.
///
/// Why: a one-file scan, a pre-commit hook's usual case, spends about as long in ArgumentParser's
/// reflection as in parsing the built-in rules, and the two do not depend on each other, so on two
/// cores they overlap. Each value is a Swift `static let`, initialised exactly once under the
/// runtime's lock: a caller that needs one before the thread is done waits for that one value, and
/// when none is needed (`--version`, a usage error) the work is simply abandoned with the process.
/// `scripts/bench`'s start-up line measures what this saves.
public enum Prewarm {
    public static func start() {
        NativeThread.detach {
            _ = CompiledRule.builtin
            _ = Matcher.builtinAutomaton
            _ = ScopeTaxonomy.builtin
            // Every scan's settings hold it (`AnalysisSettings.providers`): on the main thread otherwise.
            _ = ProviderCatalog.builtin
            _ = WeakSecrets.builtin
        }
    }
}
