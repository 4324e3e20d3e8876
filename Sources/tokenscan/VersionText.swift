import TokenScanModel
import TokenScanEngine

/// What `tokenscan --version` prints. The first line is the contract scripts read
/// (`tokenscan 0.1.0`, from VERSION); the PCRE2 library and the commit built from follow, for bug
/// reports.
enum VersionText {
    static var text: String {
        "tokenscan \(TokenScanVersion.current)\nPCRE2 \(PCRE2Library.version)\ncommit \(BuildCommit.sha)"
    }
}
