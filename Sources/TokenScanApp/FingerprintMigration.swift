import FoundationEssentials

/// What a run says when a baseline or an ignore file still lists v1 fingerprints. They match for
/// one release (design §8), so that upgrading tokenscan does not fail every pipeline at once; the
/// warning names the command that rewrites them, because the next release will not read them.
/// (Terminal escaping is the diagnostics printer's job.)
enum FingerprintMigration {
    static func baselineWarning(count: Int, path: String?) -> String {
        let file = path ?? "FILE"
        return "warning: \(path ?? "the baseline") lists \(count) fingerprint\(count == 1 ? "" : "s") of the v1 derivation (without \"v2:\"): "
            + "they still match in this release, not in the next; rewrite it with --baseline \(file) --write-baseline \(file)"
    }

    static func ignoreFileWarning(scope: String) -> String {
        let file = scope.isEmpty ? ".tokenscanignore" : "\(scope)/.tokenscanignore"
        return "warning: \(file) lists fingerprints of the v1 derivation (without \"v2:\"): they still match in this release, "
            + "not in the next; replace them with the v2 fingerprints the report shows, or accept the findings in a baseline (--write-baseline FILE)"
    }
}
