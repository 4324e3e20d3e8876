import Foundation

/// What to scan.
public enum ScanInput: Sendable, Equatable {
    /// A file or directory as the user named it.
    case path(String)
    /// Standard input, streamed.
    case standardInput
    /// In-memory content (the demo set, tests), reported under `name`.
    case memory(name: String, bytes: [UInt8])
    /// Content assembled from somewhere else (a git diff's added lines): findings are moved to the
    /// original line numbers and carry the commit.
    case blob(Blob)
}

/// Text that is not a file as it stands: e.g. the lines a commit adds to a file, concatenated.
public struct Blob: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    /// `lineMap[i]` is the original line number of line `i + 1` of `bytes`; `nil`: unchanged.
    public var lineMap: [Int]?
    public var commit: CommitInfo?

    public init(name: String, bytes: [UInt8], lineMap: [Int]? = nil, commit: CommitInfo? = nil) {
        self.name = name
        self.bytes = bytes
        self.lineMap = lineMap
        self.commit = commit
    }

    /// Moves a finding from `bytes`' line numbers to the original ones and attaches the commit.
    func place(_ finding: Finding) -> Finding {
        var finding = finding
        if let lineMap {
            if finding.line - 1 < lineMap.count { finding.line = lineMap[finding.line - 1] }
            if finding.endLine - 1 < lineMap.count { finding.endLine = lineMap[finding.endLine - 1] }
        }
        finding.commit = commit
        return finding
    }
}

public struct ScanOptions: Sendable {
    public var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var walk = WalkOptions()
    public var search = SearchOptions()
    /// Scan files that look binary (a NUL byte near the start) instead of skipping them.
    public var scanBinary = false
    public init() {}
}

/// A rule that failed on one input.
public struct RuleErrorReport: Sendable, Codable, Equatable {
    public var ruleId: String
    public var path: String
    public var offset: Int
    public var reason: String
}

/// Totals of a scan (design §4's `summary`).
public struct ScanSummary: Sendable, Codable, Equatable {
    public var files = 0
    public var bytes = 0
    public var findings = 0
    public var bySeverity: [String: Int] = [:]
    public var skipped: [SkippedInput] = []
    /// Matches that were not findings, by reason (placeholders, look-alikes, inline allows).
    public var dismissed: [String: Int] = [:]
    public var ruleErrors: [RuleErrorReport] = []
    public init() {}

    mutating func add(_ findings: [Finding]) {
        self.findings += findings.count
        for finding in findings { bySeverity[finding.severity.rawValue, default: 0] += 1 }
    }
}

/// Receives what a scan produces, in a deterministic order (inputs in walk order), from one thread
/// at a time. Streaming reporters write as findings arrive; others collect.
public protocol ScanObserver: AnyObject {
    func scanned(path: String, findings: [Finding])
    /// An input was skipped or a rule failed on it: a message for stderr.
    func diagnostic(_ message: String)
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
        let state = ScanState(observer: observer)
        let queue = WorkQueue<(Int, Work)>(capacity: 256)
        let workers = max(1, options.jobs)
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                let worker = Worker(scanner: self)
                while let (sequence, work) = queue.pop() {
                    worker.flush = { state.partial(sequence, path: $0, findings: $1) }
                    state.complete(sequence, worker.run(work))
                }
                group.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        var sequence = 0
        var walker = Walker(options: options.walk)
        walker.onIgnoredFingerprints = { state.ignore(fingerprints: $0) }
        for input in inputs {
            switch input {
            case .path(let root):
                walker.walk(root: root) { item in
                    switch item {
                    case .file(let path, let display, let viaLink):
                        queue.push((sequence, .file(path: path, display: display, followLink: viaLink)))
                    case .skipped(let skipped): queue.push((sequence, .skip(skipped)))
                    }
                    sequence += 1
                }
            case .standardInput:
                queue.push((sequence, .stdin))
                sequence += 1
            case .memory(let name, let bytes):
                queue.push((sequence, .blob(Blob(name: name, bytes: bytes))))
                sequence += 1
            case .blob(let blob):
                queue.push((sequence, .blob(blob)))
                sequence += 1
            }
        }
        queue.close()
        group.wait()
        return state.finish()
    }

    enum Work: Sendable {
        case file(path: String, display: String, followLink: Bool)
        case stdin
        case blob(Blob)
        case skip(SkippedInput)
    }

    /// The result of one input.
    struct Outcome: Sendable {
        var path: String
        var scanned = false
        var bytes = 0
        var findings: [Finding] = []
        var skipped: SkippedInput?
        var dismissed: [Dismissal: Int] = [:]
        var ruleErrors: [RuleErrorReport] = []
    }

    /// Per-thread state: a searcher and an analyzer with their scratch buffers.
    final class Worker {
        let scanner: Scanner
        let searcher: Searcher
        let analyzer: Analyzer
        let binarySearcher: Searcher
        /// Hands over findings of a long input before it ends, so that a multi-gigabyte stream's
        /// findings do not pile up in memory (streaming reporters write them at once).
        var flush: (String, [Finding]) -> Void = { _, _ in }
        static let flushThreshold = 256

        init(scanner: Scanner) {
            self.scanner = scanner
            var options = scanner.options.search
            options.skipBinary = !scanner.options.scanBinary
            searcher = Searcher(matcher: scanner.matcher, options: options)
            options.skipBinary = false
            binarySearcher = Searcher(matcher: scanner.matcher, options: options)
            analyzer = Analyzer(settings: scanner.settings, rules: scanner.matcher.rules.map(\.rule))
        }

        func run(_ work: Work) -> Outcome {
            switch work {
            case .skip(let skipped):
                var outcome = Outcome(path: skipped.path)
                outcome.skipped = skipped
                return outcome
            case .file(let path, let display, let followLink):
                do {
                    let file = try FileDescriptorSource.open(path, displayPath: display, followSymlink: followLink)
                    defer { file.close() }
                    return search(file, display: display, using: searcher)
                } catch {
                    var outcome = Outcome(path: display)
                    outcome.skipped = SkippedInput(path: display, reason: error.reason)
                    return outcome
                }
            case .stdin:
                return search(FileDescriptorSource.standardInput(), display: "-", using: binarySearcher)
            case .blob(let blob):
                var source = MemorySource(blob.bytes)
                return search(&source, display: blob.name, using: binarySearcher, blob: blob)
            }
        }

        /// Searches a file or stream, decompressing it first when it is gzip (sniffed, whatever
        /// its name).
        private func search(_ base: FileDescriptorSource, display: String, using searcher: Searcher) -> Outcome {
            var base = base
            let magic: [UInt8]
            do {
                magic = try PrefixedSource<FileDescriptorSource>.sniff(&base, count: 2)
            } catch {
                var outcome = Outcome(path: display)
                outcome.skipped = SkippedInput(path: display, reason: error.reason)
                return outcome
            }
            var prefixed = PrefixedSource(prefix: magic, base: base)
            guard GzipSource<PrefixedSource<FileDescriptorSource>>.isGzip(magic) else {
                return search(&prefixed, display: display, using: searcher)
            }
            do {
                var gzip = try GzipSource(prefixed, path: display)
                // Decompressed content is judged for binary-ness like any file.
                return search(&gzip, display: display, using: self.searcher, encodings: ["gzip"])
            } catch {
                var outcome = Outcome(path: display)
                outcome.skipped = SkippedInput(path: display, reason: error.reason)
                return outcome
            }
        }

        private func search(
            _ source: inout some ByteSource, display: String, using searcher: Searcher, blob: Blob? = nil,
            encodings: [String] = []
        ) -> Outcome {
            var outcome = Outcome(path: display)
            let rules = scanner.matcher.rules
            analyzer.beginInput()
            let result = searcher.search(&source) { hit in
                switch analyzer.analyze(hit, rule: rules[hit.ruleIndex].rule, path: display) {
                case .success(var finding):
                    if !encodings.isEmpty { finding.encodings = encodings + finding.encodings }
                    outcome.findings.append(blob?.place(finding) ?? finding)
                    if outcome.findings.count >= Worker.flushThreshold {
                        flush(display, outcome.findings)
                        outcome.findings.removeAll(keepingCapacity: true)
                    }
                case .failure(let dismissal): outcome.dismissed[dismissal, default: 0] += 1
                }
            }
            analyzer.finishInput(&outcome.findings)
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
final class ScanState: @unchecked Sendable {
    private let lock = NSLock()
    private let observer: ScanObserver
    private var pending: [Int: Scanner.Outcome] = [:]
    private var early: [Int: [Finding]] = [:]
    private var next = 0
    private var summary = ScanSummary()
    /// From `.tokenscanignore` files. The walker adds them before it emits any file they cover,
    /// and outcomes are delivered in walk order, so every delivery sees the ones that apply.
    private var ignoredFingerprints: Set<String> = []

    init(observer: ScanObserver) { self.observer = observer }

    func ignore(fingerprints: [String]) {
        lock.lock()
        defer { lock.unlock() }
        ignoredFingerprints.formUnion(fingerprints.map { $0.lowercased() })
    }

    /// Findings of an input that is still being searched: delivered now if every earlier input is
    /// done, else kept until it is.
    func partial(_ sequence: Int, path: String, findings: [Finding]) {
        lock.lock()
        defer { lock.unlock() }
        if sequence == next {
            deliver(path: path, findings: findings)
        } else {
            early[sequence, default: []] += findings
        }
    }

    func complete(_ sequence: Int, _ outcome: Scanner.Outcome) {
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
        if outcome.scanned { summary.files += 1 }
        summary.bytes += outcome.bytes
        for (dismissal, count) in outcome.dismissed { summary.dismissed[dismissal.rawValue, default: 0] += count }
        if let skipped = outcome.skipped {
            summary.skipped.append(skipped)
            if !skipped.reason.hasPrefix("binary file") {
                observer.diagnostic("skipped \(skipped.path): \(skipped.reason)")
            }
        }
        for error in outcome.ruleErrors {
            summary.ruleErrors.append(error)
            observer.diagnostic("rule '\(error.ruleId)' stopped on \(error.path) at byte \(error.offset): \(error.reason); its other matches in this input may be missing")
        }
        if outcome.scanned || !outcome.findings.isEmpty {
            deliver(path: outcome.path, findings: outcome.findings.sorted(by: Finding.reportOrder))
        }
    }

    private func deliver(path: String, findings: [Finding]) {
        var findings = findings
        if !ignoredFingerprints.isEmpty {
            let kept = findings.filter { !ignoredFingerprints.contains($0.fingerprint) }
            if kept.count != findings.count {
                summary.dismissed[Dismissal.ignoredFingerprint.rawValue, default: 0] += findings.count - kept.count
                findings = kept
            }
        }
        summary.add(findings)
        observer.scanned(path: path, findings: findings)
    }

    func finish() -> ScanSummary {
        lock.lock()
        defer { lock.unlock() }
        return summary
    }
}

/// A bounded multi-consumer queue; `pop` returns nil once closed and drained.
final class WorkQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var head = 0
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func push(_ element: Element) {
        condition.lock()
        while items.count - head >= capacity { condition.wait() }
        items.append(element)
        condition.broadcast()
        condition.unlock()
    }

    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == items.count && !closed { condition.wait() }
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return element
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
