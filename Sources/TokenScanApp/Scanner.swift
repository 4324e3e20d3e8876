import FoundationEssentials
import Glibc
import Synchronization
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

public struct ScanOptions: Sendable {
    public var jobs = ScanOptions.processors
    /// The processors this process may use (its cgroup's CPU quota counted), read once per
    /// process — ahead of need by `Prewarm`: FoundationEssentials reads it from cgroup files on
    /// every call, on the main thread's path to a scan.
    package static let processors = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var walk = WalkOptions()
    public var search = SearchOptions()
    /// Scan files that look binary (a NUL byte near the start) instead of skipping them.
    public var scanBinary = false
    /// Enter tar, tar.gz and zip archives (entries reported as `archive!inner/path`).
    public var archives = true
    /// How deep archives inside archives are entered.
    public var maxArchiveDepth = 3
    /// A zip entry that inflates beyond this many times its compressed size is cut off (zip bombs).
    public var maxExpansionRatio = 1000
    /// Report a secret once per path and line content: a later finding with the same path,
    /// fingerprint and snippet is dropped (counted as dismissed `repeated`). History scans turn it
    /// on, so a line that a revert, cherry-pick or re-merge adds again is not reported twice.
    public var reportRepeatsOnce = false
    /// `--shard K/N` of a tree: only walked files (and skips) whose path is this shard's are
    /// scanned; the walk itself, and so what ignore files leave out, is the same in every shard.
    public var shard: Shard?
    /// Every way of accepting a finding (inline allows, ignore files, baseline, allow rules):
    /// applied after judgement, the same for every command.
    public var suppressions = SuppressionSet()
    /// Test seam: runs around the opening of each walked file, so that a test can remove, grow
    /// or shrink a file between the walk and the read deterministically.
    package var fileHooks: FileHooks?
    /// At most this many findings of one input are kept back because correlation may still
    /// change them (`Scanner.Worker.heldBackLimit`); settable so that a test can reach it.
    package var heldBackLimit = Scanner.Worker.heldBackLimit
    public init() {}
}

/// Called by workers with a walked file's path just before it is opened and just after.
package struct FileHooks: Sendable {
    package var beforeOpen: @Sendable (String) -> Void = { _ in }
    package var afterOpen: @Sendable (String) -> Void = { _ in }
}

/// Receives what a scan produces, in a deterministic order (inputs in walk order), from one thread
/// at a time. Streaming reporters write as findings arrive; others collect.
public protocol ScanObserver: AnyObject {
    /// Findings of an input, possibly in several parts (a live stream's as they are judged).
    func scanned(path: String, findings: [Finding])
    /// An input is done (scanned or skipped), after its last findings.
    func finished(path: String)
    /// An input was skipped or a rule failed on it: a message for stderr.
    func diagnostic(_ message: String)
}

extension ScanObserver {
    public func finished(path: String) {}
}

/// Wires sources, searcher and analyzer, and runs them on worker threads.
///
/// The walker produces work into a bounded queue (so a million files do not become a million
/// queued items), each worker owns a `Searcher` and an `Analyzer`, and a reorder buffer hands
/// results to the observer in walk order, so that output never depends on thread timing.
public final class Scanner: Sendable {
    public let matcher: Matcher
    public let settings: AnalysisSettings
    public let options: ScanOptions

    public init(matcher: Matcher, settings: AnalysisSettings, options: ScanOptions = ScanOptions()) {
        self.matcher = matcher
        self.settings = settings
        self.options = options
    }

    public func scan(_ inputs: [ScanInput], observer: ScanObserver) -> ScanSummary {
        scan(observer: observer) { (sink: InputSink) in
            for input in inputs { sink.add(input) }
        }
    }

    /// Scans what `sources` hand over, in order; the first failure ends the run after what was
    /// handed over before it is reported (see `scan(observer:produce:)`).
    public func scan(_ sources: [any InputSource], observer: ScanObserver) throws -> ScanSummary {
        try scan(observer: observer) { (sink: InputSink) throws in
            for source in sources { try source.produce(into: sink) }
        }
    }

    /// Built-in inputs handed over one at a time (see `scan(observer:produce:)`).
    public func scan<Failure: Error>(
        observer: ScanObserver, producer: (_ emit: (ScanInput) -> Void) throws(Failure) -> Void
    ) throws(Failure) -> ScanSummary {
        try scan(observer: observer) { (sink: InputSink) throws(Failure) in try producer(sink.add) }
    }

    /// The streaming entry point: `produce` hands inputs over one at a time while the workers
    /// already scan earlier ones, so a source of unknown size (a repository's history) is never
    /// held in memory. The sink blocks while the work queue is full, which throttles the source
    /// to the speed of the scan. Outputs are in the order handed over, whatever the threads do.
    ///
    /// When `produce` throws, the inputs handed over before are still scanned and reported to
    /// the observer, then the error is rethrown (the caller decides that the run failed).
    public func scan<Failure: Error>(
        observer: ScanObserver, produce: (InputSink) throws(Failure) -> Void
    ) throws(Failure) -> ScanSummary {
        let state = ScanState(observer: observer, reportRepeatsOnce: options.reportRepeatsOnce,
                              trackUnusedInlineAllow: !matcher.markers.isEmpty)
        let queue = WorkQueue<(Int, ScanItem)>(capacity: 256, weightLimit: Scanner.queuedBlobBytes)
        // Workers start as inputs arrive, one per input up to `jobs`. Why: each costs a thread, its
        // `Worker` (a searcher, its scratches, an analyzer) and a join, and a one-file scan —
        // a pre-commit hook's usual case — has work for one; started all at once, the idle ones
        // were a tenth of its time.
        let workers = max(1, options.jobs)
        var threads: [NativeThread] = []
        var sequence = 0
        var walker = Walker(options: options.walk)
        let suppressions = options.suppressions
        walker.onIgnoredFingerprints = { suppressions.addIgnoredFingerprints($0.fingerprints, scope: $0.scope) }
        // Only the producing thread walks, so the counts need no lock.
        var excluded: [String: Int] = [:]
        walker.onExcluded = { excluded[$0, default: 0] += 1 }
        walker.onWarning = { state.diagnostic($0) }
        func enqueue(_ item: ScanItem) {
            var weight = 0
            if case .blob(let blob) = item { weight = blob.bytes.count }
            // Before the push, which may wait for room: a worker to take the item is always running.
            if threads.count < workers {
                threads.append(NativeThread(stackSize: 4 << 20) { [self] in
                    let worker = Worker(scanner: self)
                    while let (sequence, item) = queue.pop() {
                        worker.flush = { state.partial(sequence, path: $0, findings: $1) }
                        state.complete(sequence, worker.run(item))
                    }
                })
            }
            queue.push((sequence, item), weight: weight)
            sequence += 1
        }
        let sink = InputSink(emit: enqueue) { root in
            walker.walk(root: root) { [shard = self.options.shard] item in
                switch item {
                case .file(let path, let display, let viaLink):
                    if let shard, !shard.contains(display.bytes) { return }
                    enqueue(.file(path: path, display: display, followLink: viaLink))
                case .skipped(let skipped):
                    if let shard, !shard.contains(skipped.path.utf8) { return }
                    enqueue(.skipped(skipped))
                }
            }
        }
        var failure: Failure?
        do {
            try produce(sink)
        } catch {
            failure = error
        }
        // The walk is complete: the progress line can show how far along the scan is.
        options.search.progress?.total.store(sequence, ordering: .relaxed)
        queue.close()
        for thread in threads { thread.join() }
        if let failure { throw failure }
        var summary = state.finish()
        if !excluded.isEmpty { summary.excludedByIgnoreFiles = excluded }
        return summary
    }

    /// The exact bytes of `path` (a file's display path, or an archive entry below it:
    /// `display!inner`) for a file whose exact name is `file`.
    package static func exactBytes(of path: String, in file: RawPath) -> Data {
        guard path.hasPrefix(file.display) else { return Data(path.utf8) }
        return Data(file.bytes + Array(path.utf8.dropFirst(file.display.utf8.count)))
    }

    /// In-memory blobs waiting for a worker, at most (one larger blob is let through alone).
    package static let queuedBlobBytes = 32 << 20

    /// The result of one input.
    package struct Outcome: Sendable {
        package var path: String
        package var scanned = false
        package var bytes = 0
        package var findings: [Finding] = []
        package var skipped: SkippedInput?
        package var dismissed: [Dismissal: Int] = [:]
        package var ruleErrors: [RuleErrorReport] = []
        package var limits: [LimitReport] = []
        /// A later part of a split blob: not counted again as a file.
        package var continuation = false
        /// Archive entries that were skipped (binary, too deep, corrupt).
        package var innerSkipped: [SkippedInput] = []
        /// Inline allow comments that accepted nothing (only when the matcher has markers).
        package var unusedInlineAllow: [UnusedInlineAllow] = []
        /// Findings accepted by what the change under review adds (range scans).
        package var acceptedInChange: [AcceptedInChange] = []

        /// Adds an archive entry's outcome to its archive's.
        package mutating func merge(_ entry: Outcome) {
            bytes += entry.bytes
            findings += entry.findings
            for (dismissal, count) in entry.dismissed { dismissed[dismissal, default: 0] += count }
            ruleErrors += entry.ruleErrors
            limits += entry.limits
            if let skipped = entry.skipped { innerSkipped.append(skipped) }
            innerSkipped += entry.innerSkipped
            unusedInlineAllow += entry.unusedInlineAllow
            acceptedInChange += entry.acceptedInChange
        }
    }

    /// Per-thread state: a searcher and an analyzer with their scratch buffers.
    package final class Worker {
        package let scanner: Scanner
        package let searcher: Searcher
        package let analyzer: Analyzer
        /// For streams and blobs, which are scanned whatever their bytes. Made at first use, like
        /// `claimTokens`: a one-file scan (a pre-commit hook's usual case) needs neither, and each
        /// is a searcher with its buffers and scratches to make before the file is read.
        package private(set) lazy var binarySearcher = Searcher(matcher: scanner.matcher, options: everyByte)
        /// Tokens inside a JWT's claims.
        private(set) lazy var claimTokens = ClaimTokens(matcher: scanner.matcher, options: everyByte)
        /// The scan's search options for content scanned whatever its bytes (no binary sniffing).
        private var everyByte: SearchOptions {
            var options = scanner.options.search
            options.skipBinary = false
            return options
        }
        /// For allow rules' patterns in the suppression stage.
        package let scratch = MatchScratch()
        /// Hands over findings of a long input before it ends, so that a multi-gigabyte stream's
        /// findings do not pile up in memory (streaming reporters write them at once).
        package var flush: (String, [Finding]) -> Void = { _, _ in }
        package static let flushThreshold = 256
        /// At most this many findings of one input are kept back from its batches because they may
        /// still change when it ends (`Analyzer.awaitsInputEnd`); past it they go out as judged so
        /// far, and the input's summary names the `held-back-findings` limit (a credential set among
        /// them may then be reported in parts). A live stream correlates and releases what it holds
        /// instead (see `search`). Bounds the memory of an input with thousands of session tokens.
        package static let heldBackLimit = 4096
        /// The name of that limit in reports (`LimitReport.limit`).
        package static let heldBackLimitName = "held-back-findings"
        /// How long a live stream keeps a finding that correlation may change when the stream
        /// never pauses (design §8): a busy log must not withhold a finding for long.
        package static let liveHoldMilliseconds = 1000
        /// The outermost compressed layer of the input being searched (nil outside one): gzip
        /// nested in it is bounded by its compressed size, so that layers cannot multiply.
        private var expansionBudget: ExpansionBudget?
        /// The file being searched, when its name is not valid UTF-8 (see `Finding.pathBytes`).
        private var exactPath: RawPath?
        /// One searcher per thread of the scan for the segments of a large file (`FileSegments`) or
        /// a stream (`StreamSegments`), made on the first one. Binary content is judged before
        /// splitting; progress is counted per segment, not per read (segments re-read their margins).
        private lazy var segmentSearchers: [Searcher] = {
            var options = everyByte
            options.progress = nil
            return (0..<max(1, scanner.options.jobs)).map { _ in Searcher(matcher: scanner.matcher, options: options) }
        }()

        package init(scanner: Scanner) {
            self.scanner = scanner
            var options = scanner.options.search
            options.skipBinary = !scanner.options.scanBinary
            searcher = Searcher(matcher: scanner.matcher, options: options)
            analyzer = Analyzer(settings: scanner.settings, rules: scanner.matcher.rules.map(\.rule))
        }

        package func run(_ item: ScanItem) -> Outcome {
            switch item {
            case .skipped(let skipped):
                var outcome = Outcome(path: skipped.path)
                outcome.skipped = skipped
                return outcome
            case .file(let path, let rawDisplay, let followLink):
                let display = rawDisplay.display
                do {
                    scanner.options.fileHooks?.beforeOpen(path.display)
                    let file = try FileDescriptorSource.open(path, displayPath: display, followSymlink: followLink)
                    defer { file.close() }
                    scanner.options.fileHooks?.afterOpen(path.display)
                    // A name that is not UTF-8: findings carry its exact bytes for lossless reports.
                    exactPath = rawDisplay.isUTF8 ? nil : rawDisplay
                    defer { exactPath = nil }
                    return search(file, display: display, using: searcher)
                } catch {
                    var outcome = Outcome(path: display)
                    // The walk listed it a moment ago: it was removed (or renamed) during the scan.
                    let reason = error.code == ENOENT ? "vanished during the scan (listed, then gone before it was read)" : error.reason
                    outcome.skipped = SkippedInput(path: display, reason: reason)
                    return outcome
                }
            case .stream(let name, let live, let open):
                do {
                    let stream = try open()
                    defer { stream.close() }
                    return search(stream, display: name, using: binarySearcher, live: live)
                } catch {
                    var outcome = Outcome(path: name)
                    outcome.skipped = SkippedInput(path: name, reason: error.reason)
                    return outcome
                }
            case .blob(let blob):
                exactPath = blob.exactName
                defer { exactPath = nil }
                var source = MemorySource(blob.bytes)
                var outcome: Outcome
                if !blob.isContinuation, let (order, hasBOM) = UTF16ByteOrder.detect(Array(blob.bytes.prefix(512))) {
                    var text = UTF16Source(source, order: order, hasBOM: hasBOM)
                    outcome = search(&text, display: blob.name, using: binarySearcher, blob: blob, encodings: [order.rawValue])
                } else {
                    outcome = search(&source, display: blob.name, using: binarySearcher, blob: blob)
                }
                outcome.continuation = blob.isContinuation
                return outcome
            }
        }

        /// Searches a file or stream. Compressed and archived content is recognised by its bytes,
        /// whatever its name: gzip is decompressed on the fly, tar (also inside gzip) and zip
        /// archives are entered, entries named `archive!inner/path`, to `maxArchiveDepth` levels.
        /// `live`: a stream that may stay open (stdin): its findings are handed over as soon as
        /// they are judged, and a pause in it does not hold them back.
        private func search(_ base: FileDescriptorSource, display: String, using searcher: Searcher, live: Bool = false) -> Outcome {
            var base = base
            let head: [UInt8]
            do {
                // A live pipe may pause after a short first line: 4 bytes tell gzip and zip apart.
                head = try PrefixedSource<FileDescriptorSource>.sniff(&base, count: 512, idleAfter: live ? 4 : nil)
            } catch {
                var outcome = Outcome(path: display)
                outcome.skipped = SkippedInput(path: display, reason: error.reason)
                return outcome
            }
            if scanner.options.archives && ArchiveKind.isZip(head) && base.path != "-" {
                return searchZip(base.descriptor, display: display)
            }
            var source = PrefixedSource(prefix: head, base: base)
            if !live, let segments = segments(of: base, head: head, searcher: searcher) {
                return search(&source, display: display, using: searcher, segments: segments)
            }
            return searchAny(&source, head: head, display: display, using: searcher, depth: 0, encodings: [], live: live)
        }

        /// A large file of plain text (not compressed, archived, UTF-16 or binary) is searched in
        /// segments on every thread of the scan.
        private func segments(of file: FileDescriptorSource, head: [UInt8], searcher: Searcher) -> FileSegments? {
            // Size first: most files are small, and the format tests read the head again.
            guard FileSegments.isLarge(file), !GzipSource<PrefixedSource<FileDescriptorSource>>.isGzip(head),
                !(scanner.options.archives && ArchiveKind.isTar(head)), UTF16ByteOrder.detect(head) == nil,
                let segments = FileSegments(file) else { return nil }
            if searcher.options.skipBinary && segments.startsBinary(within: searcher.options.binarySniffLength) { return nil }
            return segments
        }

        /// Gzip, tar or plain content from a stream whose first bytes (`head`) were sniffed.
        private func searchAny(
            _ source: inout some ByteSource, head: [UInt8], display: String, using searcher: Searcher, depth: Int, encodings: [String],
            live: Bool = false
        ) -> Outcome {
            let archives = scanner.options.archives
            if GzipSource<PrefixedSource<FileDescriptorSource>>.isGzip(head) {
                let outer = expansionBudget
                defer { expansionBudget = outer }
                do {
                    var gzip = try GzipSource(source, path: display, maxRatio: scanner.options.maxExpansionRatio, within: outer)
                    expansionBudget = gzip.budget
                    let inner = try PrefixedSource.sniff(&gzip, count: 512, idleAfter: live ? 4 : nil, errorsRepeat: true)
                    var prefixed = PrefixedSource(prefix: inner, base: gzip)
                    // Decompressed content is judged for binary-ness like any file.
                    return searchAny(&prefixed, head: inner, display: display, using: self.searcher, depth: depth, encodings: encodings + ["gzip"],
                                     live: live)
                } catch {
                    var outcome = Outcome(path: display)
                    outcome.skipped = SkippedInput(path: display, reason: error.reason)
                    return outcome
                }
            }
            if archives && ArchiveKind.isTar(head) {
                return searchTar(source, display: display, depth: depth, encodings: encodings)
            }
            if archives && ArchiveKind.isZip(head) && depth > 0 {
                var outcome = Outcome(path: display)
                outcome.skipped = SkippedInput(path: display, reason: "zip archive inside an archive: not entered (zip needs random access)")
                return outcome
            }
            // Stdin and decompressed gzip are read on one thread and searched on all (`StreamSegments`).
            let streamed = depth == 0 && (live || encodings.contains("gzip"))
            if let (order, hasBOM) = UTF16ByteOrder.detect(head) {
                var text = UTF16Source(source, order: order, hasBOM: hasBOM)
                return search(&text, display: display, using: searcher, encodings: encodings + [order.rawValue], live: live, streamed: streamed)
            }
            return search(&source, display: display, using: searcher, encodings: encodings, live: live, streamed: streamed)
        }

        private func searchTar(_ source: some ByteSource, display: String, depth: Int, encodings: [String]) -> Outcome {
            var outcome = Outcome(path: display)
            outcome.scanned = true
            guard depth < scanner.options.maxArchiveDepth else {
                outcome.skipped = SkippedInput(path: display, reason: "archive nested deeper than \(scanner.options.maxArchiveDepth) levels: not entered")
                return outcome
            }
            let reader = TarReader(source, path: display)
            do {
                while let entry = try reader.next() {
                    guard entry.isRegularFile else { continue }
                    let inner = "\(display)!\(entry.path)"
                    var entrySource = reader.entrySource()
                    let head = try PrefixedSource.sniff(&entrySource, count: 512)
                    var prefixed = PrefixedSource(prefix: head, base: entrySource)
                    outcome.merge(searchAny(&prefixed, head: head, display: inner, using: searcher, depth: depth + 1, encodings: encodings + ["tar"]))
                }
            } catch {
                outcome.innerSkipped.append(SkippedInput(path: display, reason: "\(error.reason); entries before it were scanned"))
            }
            return outcome
        }

        private func searchZip(_ descriptor: Int32, display: String) -> Outcome {
            var outcome = Outcome(path: display)
            let zip: ZipReader
            do {
                zip = try ZipReader(descriptor: descriptor, path: display)
            } catch {
                outcome.skipped = SkippedInput(path: display, reason: error.reason)
                return outcome
            }
            outcome.scanned = true
            for entry in zip.entries where !entry.isDirectory {
                let inner = "\(display)!\(entry.path)"
                do {
                    var source = try zip.source(for: entry, maxRatio: scanner.options.maxExpansionRatio)
                    expansionBudget = ExpansionBudget(compressed: entry.compressedSize)
                    defer { expansionBudget = nil }
                    let head = try PrefixedSource.sniff(&source, count: 512)
                    var prefixed = PrefixedSource(prefix: head, base: source)
                    outcome.merge(searchAny(&prefixed, head: head, display: inner, using: searcher, depth: 1, encodings: ["zip"]))
                } catch {
                    outcome.innerSkipped.append(SkippedInput(path: error.path, reason: error.reason))
                }
            }
            return outcome
        }

        private func search(
            _ source: inout some ByteSource, display: String, using searcher: Searcher, blob: Blob? = nil,
            encodings: [String] = [], live: Bool = false, segments: FileSegments? = nil, streamed: Bool = false
        ) -> Outcome {
            var outcome = Outcome(path: display)
            let rules = scanner.matcher.rules
            let commit = blob?.commit?.sha
            analyzer.beginInput()
            // `--report-unused`: where inline allow comments stand, and the lines (as the searcher
            // cut them) where one accepted a secret that would otherwise have been reported.
            let trackMarkers = !scanner.matcher.markers.isEmpty
            var markers: [MarkerHit] = []
            var accepted: [Range<Int>] = []
            var group: [SearchHit] = []
            let suppressions = scanner.options.suppressions
            let now = scanner.settings.now
            // Findings kept back from the batches until the input ends (`heldBackLimit`).
            var heldBack = 0
            let heldBackLimit = scanner.options.heldBackLimit
            // Findings past that bound that went out as judged so far, and where the first did.
            var pastHeldBackLimit = 0
            var heldBackLimitAt = 0
            // A live stream: since when it keeps findings back (monotonic milliseconds).
            var heldSince: Int?
            /// Hands over what correlation cannot change (`Analyzer.awaitsInputEnd`) and keeps the
            /// rest back. A live stream keeps its order: what follows a finding kept back waits
            /// with it. `release` (a live stream that paused, or held them long enough): what is
            /// kept back is correlated with all the stream showed so far and goes out too. Past
            /// `heldBackLimit`, a live stream releases the same way; a file or a stream that ends
            /// lets the excess go as judged so far, counted as a limit. `at`: the byte the scan has
            /// reached, for that limit.
            func handOver(release: Bool, at offset: Int) {
                var held: [Finding] = []
                var ready: [Finding] = []
                if live {
                    let waiting = outcome.findings.firstIndex(where: analyzer.awaitsInputEnd) ?? outcome.findings.endIndex
                    ready = Array(outcome.findings[..<waiting])
                    held = Array(outcome.findings[waiting...])
                    if release || held.count > heldBackLimit {
                        analyzer.correlateSoFar(&held)
                        ready += held
                        held.removeAll()
                    }
                } else {
                    for finding in outcome.findings {
                        if analyzer.awaitsInputEnd(finding) { held.append(finding) } else { ready.append(finding) }
                    }
                }
                if !live && held.count > heldBackLimit {
                    let past = Array(held[heldBackLimit...])
                    held.removeLast(past.count)
                    analyzer.handedOver(past)
                    if pastHeldBackLimit == 0 { heldBackLimitAt = offset }
                    pastHeldBackLimit += past.count
                    ready += past
                }
                if !ready.isEmpty { flush(display, ready) }
                outcome.findings = held
                heldBack = held.count
                if held.isEmpty { heldSince = nil } else if heldSince == nil { heldSince = LiveInput.monotonicMilliseconds() }
            }
            func resolve() {
                let kept = HitGroup.resolve(group, analyzer: analyzer, rules: rules, path: display) { hit, dismissal in
                    outcome.dismissed[suppressions.counted(dismissal, line: hit.context), default: 0] += 1
                }
                group.removeAll(keepingCapacity: true)
                // Each finding, then the tokens its claims carry (judged and accepted the same way).
                var judgedFindings: [(hit: SearchHit, finding: Finding, secret: [UInt8], match: [UInt8])] = []
                for (hit, judged) in kept {
                    judgedFindings.append((hit, judged, hit.secret, hit.match))
                    for nested in claimTokens.tokens(in: judged, analyzer: analyzer, path: display) {
                        judgedFindings.append((hit, nested.finding, nested.secret, nested.match))
                    }
                }
                for (hit, judged, secret, match) in judgedFindings {
                    var finding = judged
                    if !encodings.isEmpty { finding.encodings = encodings + finding.encodings }
                    finding = blob?.place(finding) ?? finding
                    if let exactPath { finding.pathBytes = Scanner.exactBytes(of: finding.path, in: exactPath) }
                    let subject = SuppressionSet.Subject(secret: secret, match: match, line: hit.context, commit: commit)
                    if let (acceptance, inChange) = suppressions.acceptanceDetail(of: finding, subject: subject, now: now, scratch: scratch) {
                        outcome.dismissed[acceptance, default: 0] += 1
                        if inChange {
                            var accepted = AcceptedInChange(
                                path: finding.path, line: finding.line, ruleId: finding.ruleId, severity: finding.severity,
                                fingerprint: finding.fingerprint, acceptedBy: acceptance.rawValue, commit: finding.commit?.sha)
                            accepted.column = finding.column
                            accepted.endLine = finding.endLine
                            accepted.endColumn = finding.endColumn
                            accepted.kind = finding.kind
                            accepted.score = finding.score
                            outcome.acceptedInChange.append(accepted)
                        }
                        if trackMarkers && acceptance == .inlineAllow {
                            let start = hit.byteRange.lowerBound - hit.secretInContext.lowerBound
                            accepted.append(start..<(start + hit.context.count))
                        }
                        continue
                    }
                    outcome.findings.append(finding)
                    if outcome.findings.count >= Worker.flushThreshold + heldBack {
                        // Findings that correlation may still change (a session token whose key
                        // comes later) stay for the input's end; the rest go out now.
                        handOver(release: false, at: hit.byteRange.lowerBound)
                    }
                }
            }
            var groupEnd = 0
            // A live stream's findings go out as soon as their group is complete (no later hit can
            // join it), not when the stream ends, which a pipe that stays open never does. Those
            // correlation may change (a session token whose key may follow) wait for the stream
            // to pause — the ~200 ms of quiet that judges its tail (design §8) — but at most
            // `liveHoldMilliseconds` while it never pauses; then they are correlated with all it
            // showed so far and go out. A partner that comes later is judged knowing them
            // (`Analyzer.correlateSoFar`), and nothing goes out twice.
            let settle: ((Int, Bool) -> Void)? = live ? { settled, quiet in
                if !group.isEmpty && groupEnd <= settled { resolve() }
                let waited = heldSince.map { LiveInput.monotonicMilliseconds() - $0 >= Worker.liveHoldMilliseconds } ?? false
                if !outcome.findings.isEmpty { handOver(release: quiet || waited, at: settled) }
            } : nil
            func take(_ hit: SearchHit) {
                if let first = group.first, first.group != hit.group { resolve() }
                if group.isEmpty { groupEnd = 0 }
                group.append(hit)
                groupEnd = max(groupEnd, hit.byteRange.upperBound)
            }
            let onMarker: ((MarkerHit) -> Void)? = trackMarkers ? { markers.append($0) } : nil
            let progress = scanner.options.search.progress
            let result: SearchOutcome
            if let segments {
                result = segments.search(path: display, searchers: segmentSearchers, progress: progress, onMarker: onMarker, onHit: take)
            } else if streamed {
                let sniff = searcher.options.skipBinary ? searcher.options.binarySniffLength : nil
                result = StreamSegments.search(
                    source, live: live, path: display, searchers: segmentSearchers, binarySniffLength: sniff, progress: progress,
                    onMarker: onMarker, onSettled: settle, onHit: take)
            } else {
                // The searcher tells no pause apart from its reads: each settle releases (nothing
                // is withheld from a pipe that stays silent; a later partner is still judged
                // knowing what went out).
                result = searcher.search(&source, path: display, live: live, onMarker: onMarker,
                                         onSettled: settle.map { settle in { (_: UnsafeRawBufferPointer, settled: Int) in settle(settled, true) } },
                                         onHit: take)
            }
            if !group.isEmpty { resolve() }
            outcome.limits = result.limits.map { LimitReport(path: display, hit: $0) }
            if pastHeldBackLimit > 0 {
                outcome.limits.append(LimitReport(
                    limit: Worker.heldBackLimitName, path: display, offset: heldBackLimitAt,
                    detail: "\(pastHeldBackLimit) findings that correlation could still change (AWS session tokens and secret access keys, HMAC-signed tokens and signing keys, URL signature pairs) were reported as judged so far: more than \(heldBackLimit) waited for the input's end at once; a credential set among them may be reported in parts"))
            }
            // Live streams are correlated as they go (`correlateSoFar`); the bounds any round hit
            // are reported once, here, when the input ends.
            outcome.limits += analyzer.finishInput(&outcome.findings).map { LimitReport(path: display, hit: $0) }
            for marker in markers where !accepted.contains(where: { $0.contains(marker.offset) }) {
                outcome.unusedInlineAllow.append(UnusedInlineAllow(
                    path: display, line: blob?.originalLine(marker.position.line) ?? marker.position.line,
                    column: marker.position.column, marker: String(decoding: scanner.matcher.markers[marker.marker], as: UTF8.self),
                    commit: commit))
            }
            outcome.bytes = result.bytes
            if let offset = result.binaryAt {
                outcome.skipped = SkippedInput(path: display, reason: "binary file (NUL byte at offset \(offset)); --scan-binary to scan it")
                return outcome
            }
            outcome.scanned = true
            if let error = result.readError {
                outcome.skipped = SkippedInput(
                    path: display, reason: "\(error.reason) (after \(result.bytes) bytes; findings before it are reported)")
            }
            outcome.ruleErrors = result.failures.map {
                RuleErrorReport(ruleId: $0.ruleID, path: display, offset: $0.offset, reason: $0.reason)
            }
            return outcome
        }
    }
}

/// Collects outcomes from workers and releases them to the observer in sequence order.
package final class ScanState: @unchecked Sendable {
    private let lock = Lock()
    private let observer: ScanObserver
    private var pending: [Int: Scanner.Outcome] = [:]
    private var early: [Int: [Finding]] = [:]
    private var next = 0
    private var summary = ScanSummary()
    /// `ScanOptions.reportRepeatsOnce`: what was reported so far. Checked in delivery order, so
    /// the first occurrence (the introducing commit of a history in `--reverse` order) is kept.
    private let reportRepeatsOnce: Bool
    private var reported: Set<RepeatKey> = []

    private struct RepeatKey: Hashable {
        var path: String
        var fingerprint: String
        var snippet: String?
    }

    package init(observer: ScanObserver, reportRepeatsOnce: Bool = false, trackUnusedInlineAllow: Bool = false) {
        self.observer = observer
        self.reportRepeatsOnce = reportRepeatsOnce
        if trackUnusedInlineAllow { summary.unusedInlineAllow = [] }
    }

    /// Findings of an input that is still being searched: delivered now if every earlier input is
    /// done, else kept until it is.
    package func partial(_ sequence: Int, path: String, findings: [Finding]) {
        lock.lock()
        defer { lock.unlock() }
        if sequence == next {
            deliver(path: path, findings: findings)
        } else {
            early[sequence, default: []] += findings
        }
    }

    package func complete(_ sequence: Int, _ outcome: Scanner.Outcome) {
        lock.lock()
        defer { lock.unlock() }
        var outcome = outcome
        if let earlier = early.removeValue(forKey: sequence) { outcome.findings = earlier + outcome.findings }
        pending[sequence] = outcome
        while let ready = pending.removeValue(forKey: next) {
            next += 1
            deliver(ready)
        }
    }

    private func deliver(_ outcome: Scanner.Outcome) {
        if outcome.scanned && !outcome.continuation { summary.files += 1 }
        summary.bytes += outcome.bytes
        for (dismissal, count) in outcome.dismissed {
            summary.dismissed[dismissal.rawValue, default: 0] += count
            if dismissal == .expiredSignedURL { summary.expiredSignedURLs = (summary.expiredSignedURLs ?? 0) + count }
            if dismissal.isAcceptance { summary.accepted = (summary.accepted ?? [:]).merging([dismissal.rawValue: count], uniquingKeysWith: +) }
        }
        for skipped in (outcome.skipped.map { [$0] } ?? []) + outcome.innerSkipped {
            summary.skipped.append(skipped)
            if !skipped.reason.hasPrefix("binary file") {
                observer.diagnostic("skipped \(skipped.path): \(skipped.reason)")
            }
        }
        if !outcome.unusedInlineAllow.isEmpty { summary.unusedInlineAllow?.append(contentsOf: outcome.unusedInlineAllow) }
        for accepted in outcome.acceptedInChange {
            summary.acceptedInChange = summary.acceptedInChange ?? []
            summary.acceptedInChange!.append(accepted)
            observer.diagnostic("accepted in this change, review it: \(accepted.path):\(accepted.line) \(accepted.ruleId) (\(accepted.severity.rawValue)) by \(accepted.acceptedBy == Dismissal.inlineAllow.rawValue ? "an inline allow comment" : "a fingerprint the change adds to .tokenscanignore"), fingerprint \(accepted.fingerprint)")
        }
        for error in outcome.ruleErrors {
            summary.ruleErrors.append(error)
            observer.diagnostic("rule '\(error.ruleId)' stopped on \(error.path) at byte \(error.offset): \(error.reason); its other matches in this input may be missing")
        }
        for limit in outcome.limits {
            summary.limits = summary.limits ?? []
            summary.limits!.append(limit)
            observer.diagnostic("limit \(limit.limit) hit in \(limit.path) at byte \(limit.offset): \(limit.detail)")
        }
        if outcome.scanned || !outcome.findings.isEmpty {
            deliver(path: outcome.path, findings: outcome.findings.sorted(by: Finding.reportOrder))
        }
        if !outcome.continuation { observer.finished(path: outcome.path) }
    }

    private func deliver(path: String, findings: [Finding]) {
        var findings = findings
        if reportRepeatsOnce {
            let kept = findings.filter {
                reported.insert(RepeatKey(path: $0.path, fingerprint: $0.fingerprint, snippet: $0.snippet)).inserted
            }
            if kept.count != findings.count {
                summary.dismissed[Dismissal.repeated.rawValue, default: 0] += findings.count - kept.count
                findings = kept
            }
        }
        summary.add(findings)
        observer.scanned(path: path, findings: findings)
    }

    /// A message for stderr from the producing side (the walker), in turn with the workers'.
    package func diagnostic(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        observer.diagnostic(message)
    }

    package func finish() -> ScanSummary {
        lock.lock()
        defer { lock.unlock() }
        return summary
    }
}

/// A bounded multi-consumer queue; `pop` returns nil once closed and drained.
///
/// Bounded twice: by the number of waiting elements and by their total weight (the bytes of
/// in-memory blobs), so that a producer of large blobs (git history) cannot queue hundreds of
/// megabytes ahead of the workers. An element heavier than the limit is still accepted when the
/// queue is empty. Popped elements are released at once.
///
/// Why a producer that found the queue full waits until it is half empty, and why a waiter is
/// woken only when there is one and its wait may be over: a walker is faster than the workers
/// on a tree of small files, so the queue stays full; woken by every pop, the walker and the
/// worker switched threads once per file (two futex calls and two context switches each), and
/// the scheduler's share of a source tree's scan was 17 % of its samples (`perf record`).
package final class WorkQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = Condition()
    private var items: [(element: Element, weight: Int)?] = []
    private var head = 0
    private var closed = false
    private let capacity: Int
    private let weightLimit: Int
    private var weight = 0
    /// Threads waiting in `push` (for room) and in `pop` (for an element).
    private var waitingPushers = 0
    private var waitingPoppers = 0

    package init(capacity: Int, weightLimit: Int = .max) {
        self.capacity = capacity
        self.weightLimit = weightLimit
    }

    /// Threads waiting now in `push` and in `pop` (for tests that must know a thread is waiting).
    package var waiting: (producers: Int, consumers: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (waitingPushers, waitingPoppers)
    }

    /// How many elements a waiting producer lets the queue drain to before it goes on.
    private var refillMark: Int { capacity / 2 }

    package func push(_ element: Element, weight: Int = 0) {
        condition.lock()
        if isFull(adding: weight, below: capacity) {
            waitingPushers += 1
            while isFull(adding: weight, below: refillMark + 1) { condition.wait() }
            waitingPushers -= 1
        }
        items.append((element, weight))
        self.weight += weight
        if waitingPoppers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Whether an element of `weight` must wait: `limit` or more elements are queued, or it would
    /// take the queue's weight past the limit (unless the queue holds no weight).
    private func isFull(adding weight: Int, below limit: Int) -> Bool {
        items.count - head >= limit || (self.weight > 0 && self.weight + weight > weightLimit)
    }

    package func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        if head == items.count && !closed {
            waitingPoppers += 1
            while head == items.count && !closed { condition.wait() }
            waitingPoppers -= 1
        }
        guard head < items.count, let item = items[head] else { return nil }
        items[head] = nil
        head += 1
        weight -= item.weight
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        // A waiting producer goes on once the queue is down to the refill mark, or when weight
        // left (it may be waiting for weight, not for room).
        if waitingPushers > 0 && (items.count - head <= refillMark || item.weight > 0) { condition.broadcast() }
        return item.element
    }

    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
