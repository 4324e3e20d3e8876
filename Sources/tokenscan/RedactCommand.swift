import ArgumentParser
import FoundationEssentials
import TokenScanApp
import TokenScanJudge
import TokenScanModel

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Copy files or stdin to stdout with every detected token masked (line by line, for log pipelines).",
        discussion: """
            Masks look like [REDACTED:jwt:3f9a1c2e]: the kind and the start of the token's fingerprint, the same for \
            the same token everywhere. Files are read in order, like cat; gzip input (also concatenated members) is \
            decompressed and comes out as redacted text. Input redact cannot read as text (zip, tar, UTF-16, binary) \
            is refused, never copied unmasked. With --in-place the files are rewritten (atomic replace, mode kept); \
            compressed files are refused there.

            Examples:
              kubectl logs -f deploy/api | tokenscan redact
              tokenscan redact app.log app.log.1.gz > clean.log
              tokenscan redact --in-place app.log

            Every credential redact recognises is masked, whether or not it is still valid: an expired \
            signed URL's signature (which scan does not report) is masked as a valid one's is, so the \
            output does not depend on the clock.

            Exit status:
              0    all input redacted
              2    usage or fatal error: an input was refused or unreadable
                   (the others are still redacted)
            """)

    @Argument(help: "Files to read in order (default: standard input).")
    var files: [String] = []

    /// A flag over the positional files; `--in-place FILE…`, its older form, reads the same.
    @Flag(name: .customLong("in-place"), help: "Rewrite the files instead of writing to stdout (atomic replace, mode kept).")
    var inPlace = false

    @Option(name: .customLong("rules"), help: "Add rules from a TOML file or a directory of them (repeatable).")
    var ruleSources: [String] = []

    @Option(help: "Read this configuration file instead of a .tokenscan.toml found from the current directory (or the files) upwards.")
    var config: String?

    @Option(name: .customLong("fingerprint-key"), help: "Key for fingerprints (default: tokenscan's; or TOKENSCAN_FINGERPRINT_KEY).")
    var fingerprintKey: String?

    /// As `scan`'s: the clock tokens are judged against. What is masked does not depend on it
    /// (an expired signed URL's signature is masked too), so a redacted log is the same whenever
    /// it is redacted; it makes the judgement reproducible.
    @Option(help: "The time to judge expiry against (ISO 8601 or Unix seconds). Default: the current time. Masks do not depend on it: expired credentials are masked too.")
    var now: String?

    func validate() throws {
        if let now, Clock.parse(now) == nil {
            throw ValidationError("--now must be ISO 8601 (2026-11-24T10:00:00Z) or Unix seconds, not '\(now)'")
        }
    }

    func run() throws {
        var request = RedactRequest(
            fingerprintKey: fingerprintKey ?? ProcessEnvironment.current["TOKENSCAN_FINGERPRINT_KEY"] ?? Fingerprinter.defaultKey)
        request.now = now.flatMap(Clock.parse)
        request.files = files
        request.inPlace = inPlace
        request.ruleSources = ruleSources
        request.config = config
        try finish(RedactSession.run(request) { printError($0) })
    }
}
