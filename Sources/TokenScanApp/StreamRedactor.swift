import Foundation
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanReport
import TokenScanSearch
import TokenScanSources
import TokenScanSuppression

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

    package let matcher: Matcher
    package let analyzer: Analyzer
    package let scratch: MatcherScratch
    package let chunkSize: Int
    package let leftContext = 256
    /// Tokens hidden by an encoding (a `Basic` header, a `%2E`-escaped JWT) are masked too: the
    /// whole encoded span is replaced.
    package let decoder: LayeredDecoder

    public init(matcher: Matcher, settings: AnalysisSettings, chunkSize: Int = 1 << 20, decode: DecodeOptions = DecodeOptions()) {
        self.matcher = matcher
        var settings = settings
        settings.showSecrets = false
        analyzer = Analyzer(settings: settings, rules: matcher.rules.map(\.rule))
        scratch = matcher.makeScratch()
        self.chunkSize = chunkSize
        decoder = LayeredDecoder(
            // Its own scratch: decoded text must not disturb the state the searcher keeps between
            // chunks (rules stopped, an overlong token still running on).
            matcher: matcher, scratch: matcher.makeScratch(), options: decode)
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
        decoder.beginInput()
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

            var matches: [(ruleIndex: Int, span: Range<Int>, secret: [UInt8]?, truncated: Bool, runEnd: Int, runContinues: Bool)] = []
            let subject = UnsafeRawBufferPointer(rebasing: view[0..<filled])
            _ = matcher.scan(subject, accept: acceptStart..<commit, resume: &resume, scratch: scratch) {
                matches.append(($0.ruleIndex, $0.secret, nil, $0.truncated, $0.runEnd, $0.runContinues))
            }
            if let rule = dropping {
                // The rest of a masked token longer than its rule's window: dropped as it arrives.
                emitted = max(emitted, min(resume[rule], filled))
                if !scratch.isContinuing(rule) { dropping = nil }
            }
            // Encoded tokens: only those whose encoded span starts in this batch of lines (the
            // lines before it are already written).
            let keywords = scratch.keywordPositions.filter { $0 < commit }
            let raw = matches.map(\.span)
            // Tokens as written win: a decoded span that overlaps one (or the rest of an overlong
            // one) is already covered by its mask.
            let covered = matches.map { $0.span.lowerBound..<max($0.span.upperBound, $0.runEnd) }
            decoder.expand(subject, accept: acceptStart..<commit, raw: raw, keywords: keywords, baseOffset: 0) { match in
                if match.span.lowerBound >= acceptStart && match.span.upperBound <= commit
                    && !covered.contains(where: { $0.overlaps(match.span) }) && !(dropping.map { _ in true } ?? false) {
                    matches.append((match.ruleIndex, match.span, match.secret, false, match.span.upperBound, false))
                }
            }
            _ = decoder.takeFailures()
            matches.sort {
                $0.span.lowerBound != $1.span.lowerBound ? $0.span.lowerBound < $1.span.lowerBound
                    : $0.span.upperBound != $1.span.upperBound ? $0.span.upperBound > $1.span.upperBound
                    : rules[$0.ruleIndex].rule.priority > rules[$1.ruleIndex].rule.priority
            }
            // As in a scan, a span is judged by its highest-priority rule only: when that rule
            // dismisses it (a provider token with a wrong checksum), a generic rule matching the
            // same span (Authorization: Bearer …) must not mask it after all.
            var judged: Set<Range<Int>> = []
            for match in matches where match.span.lowerBound >= emitted && judged.insert(match.span).inserted {
                let span = match.span
                let lineStart = (UnsafeRawBufferPointer(rebasing: view[max(0, span.lowerBound - 512)..<span.lowerBound])
                    .lastIndex(of: 0x0A).map { max(0, span.lowerBound - 512) + $0 + 1 }) ?? max(0, span.lowerBound - 512)
                let lineEnd = UnsafeRawBufferPointer(rebasing: view[span.upperBound..<min(filled, span.upperBound + 512)])
                    .firstIndex(of: 0x0A).map { span.upperBound + $0 } ?? min(filled, span.upperBound + 512)
                let hit = SearchHit(
                    ruleIndex: match.ruleIndex, secret: match.secret ?? Array(view[span]), byteRange: span,
                    start: TextPosition(line: 1, column: 1), end: TextPosition(line: 1, column: 1),
                    context: Array(view[lineStart..<lineEnd]),
                    secretInContext: (span.lowerBound - lineStart)..<(span.upperBound - lineStart),
                    truncated: match.truncated)
                let mask: [UInt8]
                switch analyzer.analyze(hit, rule: rules[match.ruleIndex].rule, path: "-") {
                case .success(let finding): mask = Array(StreamRedactor.mask(for: finding).utf8)
                // Not a usable credential, but most of one: a log must not keep it either (its
                // rest may be on the next line).
                case .failure(.truncated): mask = Array("[REDACTED:jwt:truncated]".utf8)
                case .failure: continue
                }
                try write(UnsafeRawBufferPointer(rebasing: view[emitted..<span.lowerBound]))
                try mask.withUnsafeBytes { try write($0) }
                // A truncated match masks the whole token, up to where its run ends (or beyond
                // this buffer: `dropping`), not only the part its rule saw.
                emitted = match.truncated ? match.runEnd : span.upperBound
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
