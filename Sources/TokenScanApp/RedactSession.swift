import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources

#if canImport(Glibc)
import Glibc
#endif

/// What `tokenscan redact` was asked to do.
public struct RedactRequest: Sendable {
    /// Files to read, in order, like `cat`; empty: standard input.
    public var files: [String] = []
    /// Rewrite `files` in place instead of writing to standard output.
    public var inPlace = false
    public var ruleSources: [String] = []
    public var config: String?
    public var fingerprintKey: String
    /// The clock to judge against (`--now`); nil: the current time.
    public var now: Date?
    public init(fingerprintKey: String) { self.fingerprintKey = fingerprintKey }
}

/// Runs `redact`: the configuration a scan here would use, then each input through
/// `StreamRedactor`.
///
/// Why input is sniffed first: redact must never pass a token through unmasked. Compressed input
/// is decompressed (gzip, also concatenated members) and the redacted plain text goes out;
/// input that cannot be read as text (zip, tar, UTF-16, binary) is refused with a message and
/// exit 2, never copied as it is. In place, compressed files are refused (rewriting them as plain
/// text would change what they are).
public enum RedactSession {
    public static func run(_ request: RedactRequest, diagnostics: (String) -> Void) -> ExitStatus {
        // The same configuration a scan here would use: its user rules and disabled rules decide
        // what is a token, so `redact` masks exactly what `scan` reports.
        let settings = AnalysisSettings(now: request.now ?? Date(), fingerprinter: Fingerprinter(key: request.fingerprintKey))
        var scan = ScanRequest(inputs: [], settings: settings)
        scan.ruleSources = request.ruleSources
        let discovery = ConfigurationDiscovery(
            explicitConfig: request.config, discoverNear: request.files.isEmpty ? ["."] : request.files,
            gitleaksEnvironment: ProcessEnvironment.current["GITLEAKS_CONFIG"])
        let redactor: StreamRedactor
        do {
            try discovery.apply(to: &scan, warn: diagnostics)
            let matcher = try Matcher(rules: ScanSession.loadRules(scan.ruleSources, disabled: scan.disabledRules, imported: scan.importedRules))
            redactor = StreamRedactor(matcher: matcher, settings: scan.settings)
        } catch {
            diagnostics("error: \(error)")
            return .error
        }
        if request.inPlace {
            return inPlace(request.files, redactor: redactor, diagnostics: diagnostics)
        }
        let output = ReportOutput()
        var failed = false
        var total = StreamRedactor.Statistics()
        for name in request.files.isEmpty ? ["-"] : request.files {
            do {
                var input = name == "-" ? FileDescriptorSource.standardInput() : try FileDescriptorSource.open(name, displayPath: name, followSymlink: true)
                defer { input.close() }
                let statistics = try redact(&input, name: name, redactor: redactor, allowCompressed: true) {
                    try output.write(bytes: $0)
                } flush: {
                    try output.flush()
                }
                total.bytes += statistics.bytes
                total.redacted += statistics.redacted
            } catch let error as OutputError where error.isBrokenPipe {
                return failed ? .error : .clean
            } catch {
                diagnostics("error: \(error)")
                failed = true
            }
        }
        if isatty(STDERR_FILENO) != 0 { diagnostics("redacted \(total.redacted) tokens in \(total.bytes) bytes") }
        return failed ? .error : .clean
    }

    private static func inPlace(_ files: [String], redactor: StreamRedactor, diagnostics: (String) -> Void) -> ExitStatus {
        guard !files.isEmpty else {
            diagnostics("error: --in-place needs the files to rewrite")
            return .error
        }
        var failed = false
        for path in files {
            do {
                var info = stat()
                guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
                    throw InputError(path: path, reason: "not a regular file")
                }
                var input = try FileDescriptorSource.open(path, displayPath: path, followSymlink: true)
                defer { input.close() }
                let output = try ReportOutput(path: path, mode: info.st_mode & 0o7777)
                do {
                    let statistics = try redact(&input, name: path, redactor: redactor, allowCompressed: false) {
                        try output.write(bytes: $0)
                    } flush: {}
                    try output.commit()
                    diagnostics("\(path): \(statistics.redacted) token\(statistics.redacted == 1 ? "" : "s") redacted")
                } catch {
                    output.abandon()
                    throw error
                }
            } catch {
                diagnostics("error: \(error)")
                failed = true
            }
        }
        return failed ? .error : .clean
    }

    /// Redacts one input after looking at what it is.
    private static func redact(
        _ input: inout FileDescriptorSource, name: String, redactor: StreamRedactor, allowCompressed: Bool,
        write: (UnsafeRawBufferPointer) throws -> Void, flush: () throws -> Void
    ) throws -> StreamRedactor.Statistics {
        // A live pipe may pause after a short first line: 4 bytes tell gzip and zip apart.
        let head = try PrefixedSource<FileDescriptorSource>.sniff(&input, count: 512, idleAfter: 4)
        var source = PrefixedSource(prefix: head, base: input)
        defer { input = source.base }
        guard GzipSource<PrefixedSource<FileDescriptorSource>>.isGzip(head) else {
            try refuseUnreadable(head, name: name, within: nil)
            return try text(&source, name: name, redactor: redactor, write: write, flush: flush)
        }
        guard allowCompressed else {
            throw InputError(path: name, reason: "compressed files are not redacted in place (redact it to a new file: tokenscan redact \(name) > FILE)")
        }
        var gzip = try GzipSource(source, path: name)
        let inner = try PrefixedSource.sniff(&gzip, count: 512, idleAfter: 4, errorsRepeat: true)
        try refuseUnreadable(inner, name: name, within: "gzip")
        var plain = PrefixedSource(prefix: inner, base: gzip)
        return try text(&plain, name: name, redactor: redactor, write: write, flush: flush)
    }

    private static func text(
        _ source: inout some ByteSource, name: String, redactor: StreamRedactor,
        write: (UnsafeRawBufferPointer) throws -> Void, flush: () throws -> Void
    ) throws -> StreamRedactor.Statistics {
        do {
            return try redactor.run(&source, write: write, flush: flush)
        } catch let error as StreamRedactor.NotText {
            throw InputError(path: name, reason: "binary input (NUL byte at offset \(error.offset)): not redacted, nothing of it written")
        }
    }

    /// Refuses content redact cannot read as text, naming what it is.
    private static func refuseUnreadable(_ head: [UInt8], name: String, within: String?) throws(InputError) {
        let inside = within.map { " inside \($0)" } ?? ""
        if ArchiveKind.isZip(head) {
            throw InputError(path: name, reason: "zip archive\(inside): not redacted (redact reads text; extract it first)")
        }
        if ArchiveKind.isTar(head) {
            throw InputError(path: name, reason: "tar archive\(inside): not redacted (redact reads text; extract it first)")
        }
        if UTF16ByteOrder.detect(head) != nil {
            throw InputError(path: name, reason: "UTF-16 text\(inside): not redacted (convert it to UTF-8 first, e.g. with iconv)")
        }
    }
}
