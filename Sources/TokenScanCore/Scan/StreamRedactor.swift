import Foundation

/// `tokenscan redact`: copies a stream with every detected token replaced by a stable mask
/// (`[REDACTED:jwt:3f9a1c2e]`, the kind and the start of the keyed fingerprint, so the same token
/// gets the same mask in every line and every run).
///
/// Built for log pipelines: each complete line is written as soon as it has arrived (a read
/// returns what the pipe holds, and everything up to the last newline is redacted and flushed),
/// memory is bounded by one chunk plus the longest token, and a line longer than the chunk is
/// handled with the same overlap as the searcher, so no token is cut in two.
public final class StreamRedactor {
    public struct Statistics: Sendable, Equatable {
        public var bytes = 0
        public var redacted = 0
    }

    let matcher: Matcher
    let analyzer: Analyzer
    let scratch: MatcherScratch
    let chunkSize: Int
    let leftContext = 256

    public init(matcher: Matcher, settings: AnalysisSettings, chunkSize: Int = 1 << 20) {
        self.matcher = matcher
        var settings = settings
        settings.showSecrets = false
        analyzer = Analyzer(settings: settings, rules: matcher.rules.map(\.rule))
        scratch = matcher.makeScratch()
        self.chunkSize = chunkSize
    }

    /// The mask for a finding: kind and fingerprint prefix, never any part of the secret.
    public static func mask(for finding: Finding) -> String {
        "[REDACTED:\(finding.kind):\(finding.fingerprint.prefix(8))]"
    }

    /// Copies `input` to `write` with tokens masked. `write` receives each batch of complete lines.
    public func run(
        _ input: inout some ByteSource, write: (UnsafeRawBufferPointer) throws -> Void, flush: () throws -> Void = {}
    ) throws -> Statistics {
        let overlap = matcher.maxMatchLength + 1
        let capacity = chunkSize + overlap + leftContext
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        var statistics = Statistics()
        var resume = Array(repeating: 0, count: matcher.rules.count)
        var filled = 0
        var acceptStart = 0
        var emitted = 0
        var dropping: Int?
        var atEnd = false
        scratch.beginInput()
        analyzer.beginInput()
        let rules = matcher.rules

        while !atEnd {
            let count = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { atEnd = true }
            filled += count
            statistics.bytes += count
            let view = UnsafeRawBufferPointer(buffer)
            let commit: Int
            if atEnd {
                commit = filled
            } else if let newline = UnsafeRawBufferPointer(rebasing: view[acceptStart..<filled]).lastIndex(of: 0x0A) {
                commit = acceptStart + newline + 1
            } else if filled == capacity {
                commit = filled - overlap
            } else {
                continue // no complete line yet
            }
            guard commit > acceptStart || atEnd else { continue }

            var matches: [RuleMatch] = []
            let subject = UnsafeRawBufferPointer(rebasing: view[0..<filled])
            _ = matcher.scan(subject, accept: acceptStart..<commit, resume: &resume, scratch: scratch) { matches.append($0) }
            if let rule = dropping {
                // The rest of a masked token longer than its rule's window: dropped as it arrives.
                emitted = max(emitted, min(resume[rule], filled))
                if !scratch.isContinuing(rule) { dropping = nil }
            }
            matches.sort {
                $0.secret.lowerBound != $1.secret.lowerBound ? $0.secret.lowerBound < $1.secret.lowerBound
                    : rules[$0.ruleIndex].rule.priority > rules[$1.ruleIndex].rule.priority
            }
            // As in a scan, a span is judged by its highest-priority rule only: when that rule
            // dismisses it (a provider token with a wrong checksum), a generic rule matching the
            // same span (Authorization: Bearer …) must not mask it after all.
            var judged: Set<Range<Int>> = []
            for match in matches where match.secret.lowerBound >= emitted && judged.insert(match.secret).inserted {
                let lineStart = (UnsafeRawBufferPointer(rebasing: view[max(0, match.secret.lowerBound - 512)..<match.secret.lowerBound])
                    .lastIndex(of: 0x0A).map { max(0, match.secret.lowerBound - 512) + $0 + 1 }) ?? max(0, match.secret.lowerBound - 512)
                let lineEnd = UnsafeRawBufferPointer(rebasing: view[match.secret.upperBound..<min(filled, match.secret.upperBound + 512)])
                    .firstIndex(of: 0x0A).map { match.secret.upperBound + $0 } ?? min(filled, match.secret.upperBound + 512)
                let hit = SearchHit(
                    ruleIndex: match.ruleIndex, secret: Array(view[match.secret]), byteRange: match.secret,
                    start: TextPosition(line: 1, column: 1), end: TextPosition(line: 1, column: 1),
                    context: Array(view[lineStart..<lineEnd]),
                    secretInContext: (match.secret.lowerBound - lineStart)..<(match.secret.upperBound - lineStart),
                    truncated: match.truncated)
                guard case .success(let finding) = analyzer.analyze(hit, rule: rules[match.ruleIndex].rule, path: "-", honorInlineAllow: false)
                else { continue }
                try write(UnsafeRawBufferPointer(rebasing: view[emitted..<match.secret.lowerBound]))
                let mask = Array(StreamRedactor.mask(for: finding).utf8)
                try mask.withUnsafeBytes { try write($0) }
                // A truncated match masks the whole token, up to where its run ends (or beyond
                // this buffer: `dropping`), not only the part its rule saw.
                emitted = match.truncated ? match.runEnd : match.secret.upperBound
                if match.runContinues { dropping = match.ruleIndex }
                statistics.redacted += 1
            }
            if emitted < commit {
                try write(UnsafeRawBufferPointer(rebasing: view[emitted..<commit]))
                emitted = commit
            }
            try flush()
            guard !atEnd else { break }
            // Keep the uncommitted rest plus left context for lookbehind; move it to the front.
            let keepFrom = max(0, commit - leftContext)
            let kept = filled - keepFrom
            if keepFrom > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + keepFrom, byteCount: kept) }
            for index in resume.indices { resume[index] -= keepFrom }
            filled = kept
            acceptStart = commit - keepFrom
            emitted -= keepFrom
        }
        return statistics
    }
}
