import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// `tokenscan redact`: copies a stream with every detected token replaced by a stable mask
/// (`[REDACTED:jwt:3f9a1c2e]`, the kind and the start of the keyed fingerprint, so the same token
/// gets the same mask in every line and every run).
///
/// It is the scan's pipeline with a masking sink: the same `Searcher` chunk loop (in its live
/// mode, so each complete line is written as soon as it has arrived), the same hit grouping and
/// the same `Analyzer`. What a scan reports, redact masks; only a verdict that a match is not a
/// credential (a placeholder, a bad checksum, a documentation sample) leaves it as it is, whatever
/// accepted it (design §8). A credential past its expiry is masked too (an expired signed URL,
/// which a scan only counts), so that what is masked never depends on the clock. Memory is bounded by one chunk plus the longest token.
public final class StreamRedactor {
    public struct Statistics: Sendable, Equatable {
        public var bytes = 0
        public var redacted = 0
    }

    package let matcher: Matcher
    package let analyzer: Analyzer
    private let searcher: Searcher

    /// `decode`: tokens hidden by an encoding (a `Basic` header, a `%2E`-escaped JWT) are masked
    /// too; the whole encoded span is replaced.
    public init(matcher: Matcher, settings: AnalysisSettings, chunkSize: Int = 1 << 20, decode: DecodeOptions = DecodeOptions()) {
        self.matcher = matcher
        var settings = settings
        settings.showSecrets = false
        analyzer = Analyzer(settings: settings, rules: matcher.rules.map(\.rule))
        var options = SearchOptions()
        options.chunkSize = chunkSize
        // Binary input is refused, not copied (its tokens could not be masked reliably).
        options.skipBinary = true
        options.live = true
        options.decode = decode
        searcher = Searcher(matcher: matcher, options: options)
    }

    /// The input is not text (a NUL byte near its start): nothing of it was written.
    public struct NotText: Error, Equatable {
        public var offset: Int
    }

    /// The mask for a finding: kind and fingerprint prefix, never any part of the secret.
    public static func mask(for finding: Finding) -> String { mask(kind: finding.kind, fingerprint: finding.fingerprint) }

    static func mask(kind: String, fingerprint: String) -> String {
        "[REDACTED:\(kind):\(Fingerprinter.digits(of: fingerprint).prefix(8))]"
    }

    /// Copies `input` to `write` with tokens masked. `write` receives each batch of complete
    /// lines, `flush` is called after each batch. A read error ends the copy after everything
    /// before it was written, and is thrown; binary input throws `NotText` before anything is written.
    public func run(
        _ input: inout some ByteSource, write: (UnsafeRawBufferPointer) throws -> Void, flush: () throws -> Void = {}
    ) throws -> Statistics {
        // The searcher's `onSettled` is stored while the search runs; the closures do not outlive it.
        try withoutActuallyEscaping(write) { write in
            try withoutActuallyEscaping(flush) { flush in try copy(&input, write: write, flush: flush) }
        }
    }

    private func copy(
        _ input: inout some ByteSource, write: @escaping (UnsafeRawBufferPointer) throws -> Void, flush: @escaping () throws -> Void
    ) throws -> Statistics {
        var sink = MaskingSink()
        var failure: Error?
        func emit(_ bytes: [UInt8]) {
            guard failure == nil, !bytes.isEmpty else { return }
            do { try bytes.withUnsafeBytes { try write($0) } } catch { failure = error }
        }
        let stop = StopFlag()
        var stoppable = StoppableSource(base: input, stop: stop)
        let rules = matcher.rules
        var group: [SearchHit] = []
        var groupEnd = 0
        analyzer.beginInput()

        /// Judges a complete group of overlapping hits into masks, as a scan would.
        func decide() {
            var cut: SearchHit?
            var expired: [SearchHit] = []
            let kept = HitGroup.resolve(group, analyzer: analyzer, rules: rules, path: "-") { hit, dismissal in
                // Not a usable credential, but most of one: a log must not keep it either (its
                // rest may be on the next line).
                if dismissal == .truncated, cut == nil { cut = hit }
                // A signed URL past its expiry is no finding for `scan` (the provider refuses it),
                // but a redacted log must not depend on the clock: masked as a valid one is, with
                // the same mask (its fingerprint is its signature's, whenever it is judged).
                if dismissal == .expiredSignedURL { expired.append(hit) }
            }
            for hit in expired {
                let mask = StreamRedactor.mask(
                    kind: rules[hit.ruleIndex].rule.kind, fingerprint: analyzer.settings.fingerprinter.fingerprint(hit.secret))
                sink.add(Mask(span: hit.byteRange, text: Array(mask.utf8)))
            }
            if kept.isEmpty, let cut {
                sink.add(Mask(span: cut.byteRange, text: Array("[REDACTED:jwt:truncated]".utf8)))
            }
            for (hit, finding) in kept {
                // An overlong token is masked whole: up to where its run of token bytes ends,
                // not only the part its rule saw.
                let rest = hit.truncated ? hit.secret.withUnsafeBytes { TokenRun($0) } : nil
                sink.add(Mask(span: hit.byteRange, text: Array(StreamRedactor.mask(for: finding).utf8), rest: rest))
            }
            group.removeAll(keepingCapacity: true)
        }

        let outcome = searcher.search(&stoppable, path: "-", onSettled: { committed, settled in
            sink.append(committed)
            if !group.isEmpty && groupEnd <= settled { decide() }
            emit(sink.drain(to: group.first.map { min(settled, $0.byteRange.lowerBound) } ?? settled))
            if failure == nil {
                do { try flush() } catch { failure = error }
            }
            stop.stopped = failure != nil
        }) { hit in
            if let first = group.first, first.group != hit.group { decide() }
            if group.isEmpty { groupEnd = 0 }
            group.append(hit)
            groupEnd = max(groupEnd, hit.byteRange.upperBound)
        }
        if let offset = outcome.binaryAt {
            input = stoppable.base
            throw NotText(offset: offset)
        }
        if !group.isEmpty { decide() }
        emit(sink.drain(to: Int.max))
        input = stoppable.base
        if let failure { throw failure }
        try flush()
        if let error = outcome.readError { throw error }
        return Statistics(bytes: outcome.bytes, redacted: sink.masksWritten)
    }
}

/// A span to replace by `text`; `rest`: the token goes on past the span (an overlong token) and
/// the bytes that continue it are dropped too.
private struct Mask {
    var span: Range<Int>
    var text: [UInt8]
    var rest: TokenRun? = nil
}

/// The bytes the searcher has committed but that are not written yet, and the masks decided for
/// them; hands out everything before a limit, masked.
private struct MaskingSink {
    private var pending: [UInt8] = []
    /// Absolute offset of `pending[0]`.
    private var pendingStart = 0
    /// Decided masks not yet written, in order of their start.
    private var masks: [Mask] = []
    /// The rest of an overlong token, dropped as it arrives.
    private var dropping: TokenRun?
    var masksWritten = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        pending.append(contentsOf: bytes)
    }

    mutating func add(_ mask: Mask) {
        let index = masks.firstIndex { $0.span.lowerBound > mask.span.lowerBound } ?? masks.endIndex
        masks.insert(mask, at: index)
    }

    /// The pending bytes before absolute offset `limit`, masked; they are no longer pending.
    mutating func drain(to limit: Int) -> [UInt8] {
        var cursor = 0 // index into `pending` of the first byte not yet written or dropped
        var output: [UInt8] = []
        let end = min(limit, pendingStart + pending.count)
        while pendingStart + cursor < end {
            if let run = dropping {
                let stop = pending.withUnsafeBytes { run.end(of: UnsafeRawBufferPointer(rebasing: $0[..<(end - pendingStart)]), from: cursor) }
                cursor = stop
                if stop < end - pendingStart { dropping = nil }
                continue
            }
            // Masks that start in what is already written (an overlapping span) only extend it.
            while let first = masks.first, first.span.lowerBound < pendingStart + cursor {
                cursor = max(cursor, min(first.span.upperBound - pendingStart, pending.count))
                if first.rest != nil { dropping = first.rest }
                masks.removeFirst()
            }
            if dropping != nil { continue }
            guard let mask = masks.first, mask.span.lowerBound < end else {
                output += pending[cursor..<(end - pendingStart)]
                cursor = end - pendingStart
                break
            }
            output += pending[cursor..<(mask.span.lowerBound - pendingStart)]
            output += mask.text
            masksWritten += 1
            cursor = min(mask.span.upperBound - pendingStart, pending.count)
            dropping = mask.rest
            masks.removeFirst()
        }
        pending.removeFirst(cursor)
        pendingStart += cursor
        return output
    }
}

/// Ends the input early (reads return 0) once the output failed: a closed pipe stops the copy.
private struct StoppableSource<Base: ByteSource>: ByteSource {
    var base: Base
    /// Set from the searcher's callbacks while the source is being read: a reference, not state
    /// of the source itself (which the search holds `inout`).
    let stop: StopFlag

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        stop.stopped ? 0 : try base.read(into: buffer)
    }

    mutating func waitForInput(milliseconds: Int) -> Bool {
        stop.stopped || base.waitForInput(milliseconds: milliseconds)
    }
}

private final class StopFlag {
    var stopped = false
}
