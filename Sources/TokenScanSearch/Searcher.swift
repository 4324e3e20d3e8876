import Synchronization
import TokenFormats
import TokenScanEngine
import TokenScanModel

#if canImport(Glibc)
import Glibc
#endif

/// A match located in its input: absolute byte offsets, lines and columns, and the text of its line.
public struct SearchHit: Sendable {
    public var ruleIndex: Int
    public var secret: [UInt8]
    /// Absolute byte offsets of the secret in the input.
    public var byteRange: Range<Int>
    public var start: TextPosition
    /// Exclusive end (the position just after the last character), as SARIF counts it.
    public var end: TextPosition
    /// The line(s) around the secret, cut to at most `SearchOptions.contextLimit` bytes each side.
    public var context: [UInt8]
    /// Where the secret sits inside `context`.
    public var secretInContext: Range<Int>
    /// Every matched span inside `context` (this secret's included), so that a snippet can redact
    /// the other secrets on the same line too.
    public var matchesInContext: [Range<Int>] = []
    /// The layers undone to find the secret, outermost first (`["base64"]`, `["percent", "percent"]`,
    /// `["string-concatenation"]`); empty when it stands in the input as written. `byteRange`,
    /// `start` and `end` are those of the encoded text.
    public var encodings: [String] = []
    /// Hits whose spans overlap (a token found raw and decoded, or a cut-short and a joined form)
    /// share a group and arrive one after another; a consumer keeps the best-judged of a group.
    public var group = 0
    /// The rule's whole match (the secret may be a part of it), for allow rules that test it; in
    /// decoded text, the decoded match.
    public var match: [UInt8] = []
    /// The match was longer than its rule's `maxLength`: `secret` is only its first bytes.
    public var truncated = false
    /// For a value inside a JSON `"value": "…"` pair only (`RecordLookaround`): the text before
    /// `context` (up to `RecordLookaround.before` bytes) and after it (to the object's `}`), where
    /// a pretty-printed HAR keeps the pair's name, the entry's time and a cookie's `expires`.
    /// Empty otherwise: most hits need only their line.
    public var before: [UInt8] = []
    public var after: [UInt8] = []

    package init(ruleIndex: Int, secret: [UInt8], byteRange: Range<Int>, start: TextPosition, end: TextPosition, context: [UInt8], secretInContext: Range<Int>, matchesInContext: [Range<Int>] = [], encodings: [String] = [], group: Int = 0, match: [UInt8] = [], truncated: Bool = false) {
        self.ruleIndex = ruleIndex
        self.secret = secret
        self.byteRange = byteRange
        self.start = start
        self.end = end
        self.context = context
        self.secretInContext = secretInContext
        self.matchesInContext = matchesInContext
        self.encodings = encodings
        self.group = group
        self.match = match
        self.truncated = truncated
    }
}

/// An occurrence of one of the matcher's markers (`Matcher.markers`): where it starts.
public struct MarkerHit: Sendable, Equatable {
    /// Which marker (index in `Matcher.markers`).
    public var marker: Int
    /// Absolute byte offset in the input.
    public var offset: Int
    public var position: TextPosition
}

/// A rule that stopped early on one input, with the absolute offset where it stopped.
public struct RuleFailureReport: Sendable, Equatable {
    public var ruleID: String
    public var offset: Int
    public var reason: String
}

public struct SearchOptions: Sendable {
    /// Bytes read per chunk. Memory per search is about `chunkSize + overlap`.
    public var chunkSize = 1 << 20
    /// Stop at a NUL byte in the first `binarySniffLength` bytes (binary files).
    public var skipBinary = true
    public var binarySniffLength = 8 * 1024
    /// Bytes kept before each chunk for lookbehind assertions.
    public var leftContext = 256
    /// Bytes of line context kept each side of a secret.
    public var contextLimit = 512
    /// Counts bytes as they are read, for the progress line.
    public var progress: ProgressCounter?
    /// Decoding layers (`--max-decode-depth`).
    public var decode = DecodeOptions()
    /// The input is a live stream (stdin, `redact`): each read's complete lines are searched at
    /// once instead of waiting for a full chunk, and after `LiveInput.idleMilliseconds` without
    /// input the rest is searched too, so that a pipe that stays open has what it sent judged.
    public var live = false
    public init() {}
}

/// What a search saw.
public struct SearchOutcome: Sendable, Equatable {
    public var bytes: Int = 0
    /// Set when the input was recognised as binary and not searched (offset of the NUL byte).
    public var binaryAt: Int?
    public var failures: [RuleFailureReport] = []
    /// The input stopped with an error (a read error, corrupt compressed data) after `bytes`
    /// bytes; everything before it was searched and its hits reported.
    public var readError: InputError?
    /// Decoding limits hit on this input (the first of each kind).
    public var limits: [LimitHit] = []
    package init() {}
}

/// Streams a `ByteSource` through a `Matcher` in fixed-size chunks with an overlap window.
///
/// Each chunk is searched for matches that *start* before its commit line (chunk end minus the
/// longest possible match); the overlap and the matcher's per-rule resume offsets make a token that
/// straddles a chunk boundary appear exactly once. One `Searcher` per worker thread: it owns its
/// buffer and matcher scratch and reuses them for every input.
public final class Searcher {
    public let matcher: Matcher
    public let options: SearchOptions
    private let scratch: MatcherScratch
    private let buffer: UnsafeMutableRawBufferPointer
    private let overlap: Int
    private var pending: [RuleMatch] = []
    private let decoder: LayeredDecoder

    /// A match about to be located: found as written (`secret == nil`) or in decoded text.
    private struct Candidate {
        var ruleIndex: Int
        var span: Range<Int>
        var secret: [UInt8]?
        var encodings: [String]
        /// The rule's whole match: a range of the view, or (decoded) the bytes.
        var matchRange: Range<Int>
        var match: [UInt8]? = nil
        var truncated = false
    }
    private var candidates: [Candidate] = []
    private var nextGroup = 0
    /// How far before a chunk's accept range encoded text is looked for again. A decoded span is
    /// reported by the chunk its secret starts in; the escape or keyword that leads to it may lie
    /// up to this far before (a region reaches `EscapeLayer.radius` around its trigger), so the
    /// chunks see the same decoded text as a search of the whole input would.
    private let lookback: Int
    /// Bytes kept before each chunk: lookbehind context, and the decoding lookback.
    private let keep: Int
    /// Hits whose secret reaches past the chunk's commit line, held back for one chunk: another
    /// rule's match that starts in the next chunk (the JWT inside `Authorization: Bearer eyJ…`,
    /// whose bearer match starts a few bytes earlier) can report the same secret, and a span is
    /// reported once, by its highest-priority rule, as it is within one chunk.
    private var held: [(hit: SearchHit, priority: Int)] = []
    /// Where the current group of overlapping hits ends (absolute), across chunks.
    private var groupEnd = -1
    /// Per rule: where the secret of the truncated token whose rest the matcher is skipping
    /// started (absolute; before the input for a seeded run).
    private var overlongStart: [Int?] = []
    /// Spans of this chunk inside truncated tokens: decoding leaves them alone, as matching does.
    private var overlongSpans: [Range<Int>] = []
    /// The truncated tokens still running on where the last search stopped (`OverlongRuns`).
    package private(set) var overlongAtEnd = OverlongRuns()

    public init(matcher: Matcher, options: SearchOptions = SearchOptions()) {
        self.matcher = matcher
        self.options = options
        scratch = matcher.makeScratch()
        overlap = matcher.maxMatchLength + 1
        lookback = options.decode.maxDepth > 0 ? EscapeLayer.radius + SplitTokenJoiner.leftReach : 0
        keep = options.leftContext + lookback
        buffer = .allocate(byteCount: options.chunkSize + overlap + keep, alignment: 64)
        decoder = LayeredDecoder(
            // Its own scratch: decoded text must not disturb the state the searcher keeps between
            // chunks (rules stopped, an overlong token still running on).
            matcher: matcher, scratch: matcher.makeScratch(), options: options.decode)
    }

    deinit { buffer.deallocate() }

    /// `path`: the input's path as reported, for rules restricted to some paths (`Rule.path`);
    /// `nil` runs every rule. `onMarker`: each occurrence of the matcher's markers, once.
    /// `onSettled`: after each chunk's hits, the chunk's committed bytes (every byte of the input
    /// once, in order) and the absolute offset before which no later hit will start, so that a
    /// consumer can judge what is complete and pass the input on (`redact`, a live stream).
    /// `live`: overrides `SearchOptions.live` for this input (a worker's searcher reads files and
    /// stdin alike). `seed`: truncated tokens that began before the input and go on in it (a
    /// segment cut inside one; their starts are negative): their rest is skipped.
    public func search(
        _ source: inout some ByteSource, path: String? = nil, live: Bool? = nil, seed: OverlongRuns = OverlongRuns(),
        onMarker: ((MarkerHit) -> Void)? = nil,
        onSettled: ((_ committed: UnsafeRawBufferPointer, _ settled: Int) -> Void)? = nil,
        onHit: (SearchHit) -> Void
    ) -> SearchOutcome {
        let live = live ?? options.live
        var outcome = SearchOutcome()
        scratch.beginInput()
        decoder.beginInput(path: path)
        if let path { matcher.restrict(to: path, scratch: scratch) }
        var resume = Array(repeating: 0, count: matcher.rules.count)
        var tracker = LineTracker()
        var baseOffset = 0 // absolute offset of buffer[0]
        var filled = 0
        var acceptStart = 0
        var atEnd = false
        var sniffed = !options.skipBinary
        held.removeAll()
        groupEnd = -1
        var matcherBounds: [LimitHit] = []
        _ = scratch.takeBoundHits()
        overlongStart = Array(repeating: nil, count: matcher.rules.count)
        for run in seed.runs {
            scratch.continuing[run.ruleIndex] = run.bytes
            overlongStart[run.ruleIndex] = run.start
        }

        // Resident input is searched where it is: the window moves over it as the buffer's
        // contents would, chunk by chunk of the same lengths, so the hits are the same.
        let resident = source.residentBytes()
        var window = UnsafeRawPointer(buffer.baseAddress!)
        if let resident { window = resident.baseAddress ?? window }
        defer { if resident != nil { source.release(before: baseOffset + filled) } }

        while !atEnd {
            // Fill the buffer completely (pipes return short reads) or until the input ends; a
            // live input stops at the first read that completes a line, or when it goes idle.
            var lineEnd: Int?
            var idle = false
            if let resident {
                let count = min(buffer.count - filled, resident.count - (baseOffset + filled))
                filled += count
                outcome.bytes += count
                options.progress?.bytes.add(count, ordering: .relaxed)
                // Short of a full window only at the end; a full one that reaches the end finds
                // it on the next round, as a read that returns 0 would.
                if count == 0 || filled < buffer.count { atEnd = true }
            }
            while resident == nil && filled < buffer.count {
                if live && filled > acceptStart && !source.waitForInput(milliseconds: LiveInput.idleMilliseconds) {
                    idle = true
                    break
                }
                let count: Int
                do {
                    count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                } catch {
                    outcome.readError = error
                    count = 0
                }
                if count == 0 {
                    atEnd = true
                    break
                }
                filled += count
                outcome.bytes += count
                options.progress?.bytes.add(count, ordering: .relaxed)
                // Lines are searched as soon as the stream has no more to give at once; while it
                // streams fast the chunk fills as for a file (small chunks would cost speed).
                if live, let newline = UnsafeRawBufferPointer(rebasing: buffer[(filled - count)..<filled]).lastIndex(of: 0x0A),
                    !source.waitForInput(milliseconds: 0) {
                    lineEnd = filled - count + newline + 1
                    break
                }
            }
            let view = UnsafeRawBufferPointer(start: window, count: filled)
            if !sniffed {
                sniffed = true
                if filled > 0, let base = view.baseAddress, let found = memchr(base, 0, min(filled, options.binarySniffLength)) {
                    outcome.binaryAt = base.distance(to: UnsafeRawPointer(found))
                    return outcome
                }
            }
            if baseOffset == 0 && acceptStart == 0 && filled >= 3 && view[0] == 0xEF && view[1] == 0xBB && view[2] == 0xBF {
                tracker = LineTracker(skipping: 3)
            }
            // A live input's complete lines (or, idle, all it sent) are committed now: a token does
            // not run across a line end, and the overlap logic still covers one that does.
            let commit = atEnd || idle ? filled : max(acceptStart, filled - overlap, lineEnd ?? 0)

            pending.removeAll(keepingCapacity: true)
            noteContinuingRuns(view, baseOffset: baseOffset, resume: resume)
            var failures = matcher.scan(view, accept: acceptStart..<commit, resume: &resume, scratch: scratch) {
                pending.append($0)
            }
            noteTruncatedMatches(baseOffset: baseOffset)
            candidates.removeAll(keepingCapacity: true)
            for match in pending {
                candidates.append(Candidate(
                    ruleIndex: match.ruleIndex, span: match.secret, secret: nil, encodings: [], matchRange: match.range,
                    truncated: match.truncated))
            }
            // Markers before decoding: decoded text is scanned with the same scratch.
            if let onMarker, !scratch.markerHits.isEmpty {
                // Each marker once: those that start in this chunk's accepted range (the overlap
                // after it is the next chunk's).
                for start in scratch.markerHits.sorted() where start < commit {
                    let marker = matcher.markers.firstIndex { view.count >= start + $0.count && view[start..<(start + $0.count)].elementsEqual($0) } ?? 0
                    onMarker(MarkerHit(marker: marker, offset: baseOffset + start, position: tracker.position(of: start, in: view)))
                }
            }
            // The matcher's bounds (matches per rule and region, per chunk, work per chunk): named
            // once per kind and input, as decoding limits are.
            for bound in scratch.takeBoundHits() where !matcherBounds.contains(where: { $0.limit == bound.limit }) {
                matcherBounds.append(LimitHit(limit: bound.limit, offset: baseOffset + bound.offset, detail: bound.detail))
            }
            if options.decode.maxDepth > 0 {
                failures += decode(view, accept: acceptStart..<commit, baseOffset: baseOffset)
                for bound in scratch.takeBoundHits() where !matcherBounds.contains(where: { $0.limit == bound.limit }) {
                    matcherBounds.append(LimitHit(limit: bound.limit, offset: baseOffset + acceptStart, detail: bound.detail + " (in decoded text)"))
                }
            }
            for failure in failures {
                outcome.failures.append(RuleFailureReport(
                    ruleID: matcher.rules[failure.ruleIndex].rule.id, offset: baseOffset + failure.offset,
                    reason: failure.reason))
            }
            emit(view, baseOffset: baseOffset, commit: commit, atEnd: atEnd, tracker: &tracker, onHit: onHit)
            if let onSettled {
                let settled = held.lazy.map(\.hit.byteRange.lowerBound).min().map { min($0, baseOffset + commit) } ?? baseOffset + commit
                onSettled(UnsafeRawBufferPointer(rebasing: view[acceptStart..<commit]), settled)
            }
            guard !atEnd else { break }
            // Keep the overlap (not yet committed) plus left context; move it to the buffer's start.
            let keepFrom = max(0, commit - keep)
            tracker.checkpoint(at: commit, in: view, shiftingBy: keepFrom)
            let kept = filled - keepFrom
            if keepFrom > 0 {
                if resident != nil {
                    window += keepFrom
                    source.release(before: baseOffset + keepFrom)
                } else {
                    buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + keepFrom, byteCount: kept)
                }
            }
            for index in resume.indices { resume[index] -= keepFrom }
            baseOffset += keepFrom
            filled = kept
            acceptStart = commit - keepFrom
        }
        outcome.limits = decoder.limitHits + matcherBounds
        overlongAtEnd = OverlongRuns(matcher.rules.indices.compactMap { index in
            scratch.continuing[index].map { OverlongRuns.Run(ruleIndex: index, start: overlongStart[index] ?? 0, bytes: $0) }
        })
        return outcome
    }

    /// The spans of `view` that the rest of a truncated token from an earlier chunk (or a seed)
    /// covers, from where its secret started (at most the view's start) to where its run ends,
    /// which the matcher is about to skip.
    private func noteContinuingRuns(_ view: UnsafeRawBufferPointer, baseOffset: Int, resume: [Int]) {
        overlongSpans.removeAll(keepingCapacity: true)
        for index in matcher.rules.indices {
            guard let run = scratch.continuing[index] else { continue }
            let start = max(0, (overlongStart[index] ?? 0) - baseOffset)
            overlongSpans.append(start..<max(start, run.end(of: view, from: max(0, resume[index]))))
        }
    }

    /// This chunk's truncated matches: their runs join the spans not decoded, and a run that goes
    /// on past the view is remembered with where its secret started.
    private func noteTruncatedMatches(baseOffset: Int) {
        for match in pending where match.truncated {
            overlongSpans.append(match.secret.lowerBound..<max(match.secret.upperBound, match.runEnd))
            if match.runContinues { overlongStart[match.ruleIndex] = baseOffset + match.secret.lowerBound }
        }
    }

    /// Adds the matches found in decoded and joined text of this chunk to `candidates`: those
    /// whose secret starts in `accept`, as for matches found as written.
    private func decode(_ view: UnsafeRawBufferPointer, accept: Range<Int>, baseOffset: Int) -> [RuleFailure] {
        // An escape may stand anywhere inside the token it hides (`eyJ…%2E…`), so escapes up to the
        // longest match past the commit line are looked at too; matches are kept by where they start.
        let triggers = max(0, accept.lowerBound - lookback)..<min(view.count, accept.upperBound + overlap)
        var keywords = matcher.keywordPositions(in: view, range: triggers.lowerBound..<accept.lowerBound, scratch: scratch)
        keywords += scratch.keywordPositions.lazy.filter { $0 < accept.upperBound }
        // A named value's span is still decoded: its value may be base64 (a Kubernetes Secret's
        // `data:`), which only its decoded form and its name together judge.
        // The inside of a truncated token is not decoded: it is skipped as matching skips it, and
        // decoding a 50 MB token's megabytes chunk after chunk cost tens of megabytes per worker.
        // Its span stands for the secrets inside it (the skipped spans are looked at one at a time,
        // in order, so one that overlaps another would hide it).
        let overlong = Self.union(overlongSpans)
        let raw = (pending.filter { matcher.rules[$0.ruleIndex].rule.role != .namedValue }.map(\.secret)
            .filter { secret in !overlong.contains { $0.lowerBound <= secret.lowerBound && secret.upperBound <= $0.upperBound } }
            + overlong).sorted { $0.lowerBound < $1.lowerBound }
        decoder.expand(view, accept: triggers, raw: raw, keywords: keywords, baseOffset: baseOffset) { match in
            guard accept.contains(match.span.lowerBound) else { return }
            candidates.append(Candidate(
                ruleIndex: match.ruleIndex, span: match.span, secret: match.secret, encodings: match.encodings,
                matchRange: match.span, match: match.match))
        }
        return decoder.takeFailures()
    }

    /// `spans` joined where they overlap, in order.
    private static func union(_ spans: [Range<Int>]) -> [Range<Int>] {
        var joined: [Range<Int>] = []
        for span in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) where !span.isEmpty {
            if let last = joined.last, span.lowerBound <= last.upperBound {
                joined[joined.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                joined.append(span)
            }
        }
        return joined
    }

    /// Locates this chunk's candidates and hands them over in order of position, holding back
    /// those that a match in the next chunk could still report again (see `held`). Hits whose
    /// spans overlap get the same `group`, also across chunks.
    private func emit(
        _ view: UnsafeRawBufferPointer, baseOffset: Int, commit: Int, atEnd: Bool, tracker: inout LineTracker,
        onHit: (SearchHit) -> Void
    ) {
        var hits = held
        held.removeAll(keepingCapacity: true)
        locate(view, baseOffset: baseOffset, tracker: &tracker) { hit, priority in
            if let same = hits.firstIndex(where: { $0.hit.byteRange == hit.byteRange && $0.hit.secret == hit.secret }) {
                if priority > hits[same].priority && hit.encodings.count <= hits[same].hit.encodings.count { hits[same] = (hit, priority) }
            } else {
                hits.append((hit, priority))
            }
        }
        guard !hits.isEmpty else { return }
        hits.sort { ($0.hit.byteRange.lowerBound, $0.hit.byteRange.upperBound) < ($1.hit.byteRange.lowerBound, $1.hit.byteRange.upperBound) }
        // Everything from the first hit that reaches past the commit line waits (order is kept).
        let line = baseOffset + commit
        let waiting = atEnd ? hits.endIndex : (hits.firstIndex { $0.hit.byteRange.upperBound > line } ?? hits.endIndex)
        for var entry in hits[..<waiting] {
            if entry.hit.byteRange.lowerBound >= groupEnd { nextGroup += 1 }
            groupEnd = max(groupEnd, entry.hit.byteRange.upperBound)
            entry.hit.group = nextGroup
            onHit(entry.hit)
        }
        held.append(contentsOf: hits[waiting...])
    }

    /// Sorts this chunk's candidates, keeps one per span and secret (the one with the fewest
    /// layers, then the highest-priority rule), and locates them.
    private func locate(_ view: UnsafeRawBufferPointer, baseOffset: Int, tracker: inout LineTracker, onHit: (SearchHit, Int) -> Void) {
        guard !candidates.isEmpty else { return }
        let rules = matcher.rules
        candidates.sort { lhs, rhs in
            if lhs.span.lowerBound != rhs.span.lowerBound { return lhs.span.lowerBound < rhs.span.lowerBound }
            if lhs.span.upperBound != rhs.span.upperBound { return lhs.span.upperBound < rhs.span.upperBound }
            if lhs.encodings.count != rhs.encodings.count { return lhs.encodings.count < rhs.encodings.count }
            return rules[lhs.ruleIndex].rule.spanPriority > rules[rhs.ruleIndex].rule.spanPriority
        }
        func secret(_ candidate: Candidate) -> [UInt8] { candidate.secret ?? Array(view[candidate.span]) }
        // Drop repeats: the same span with the same secret (two rules, or raw and decoded alike).
        var kept: [Candidate] = []
        kept.reserveCapacity(candidates.count)
        for candidate in candidates {
            if let last = kept.last, last.span == candidate.span,
                candidate.secret == nil && last.secret == nil || secret(last) == secret(candidate) {
                continue
            }
            kept.append(candidate)
        }
        // Decoded spans are longer than what they decode to (base64 by a third, joins by the line breaks).
        let reach = 2 * matcher.maxMatchLength + options.contextLimit
        var windowStart = 0
        for candidate in kept {
            let span = candidate.span
            let start = tracker.position(of: span.lowerBound, in: view)
            let end = LineTracker.advance(start, over: view, from: span.lowerBound, to: span.upperBound)
            let contextStart = lineStart(before: span.lowerBound, in: view)
            let contextEnd = lineEnd(after: span.upperBound, in: view)
            // The other spans on these lines (sorted by start; none starts more than `reach`
            // before the context and still overlaps it).
            while windowStart < kept.count && kept[windowStart].span.lowerBound < contextStart - reach { windowStart += 1 }
            var inContext: [Range<Int>] = []
            var previous: Range<Int>?
            var index = windowStart
            while index < kept.count && kept[index].span.lowerBound < contextEnd {
                let other = kept[index].span
                if other.upperBound > contextStart && previous != other {
                    previous = other
                    inContext.append((max(other.lowerBound, contextStart) - contextStart)..<(min(other.upperBound, contextEnd) - contextStart))
                }
                index += 1
            }
            var hit = SearchHit(
                ruleIndex: candidate.ruleIndex,
                secret: secret(candidate),
                byteRange: (baseOffset + span.lowerBound)..<(baseOffset + span.upperBound),
                start: start,
                end: end,
                context: Array(view[contextStart..<contextEnd]),
                secretInContext: (span.lowerBound - contextStart)..<(span.upperBound - contextStart),
                matchesInContext: inContext,
                encodings: candidate.encodings,
                match: candidate.match ?? Array(view[candidate.matchRange]),
                truncated: candidate.truncated)
            // Only a named value is judged by what stands around its line (its cookie's lifetime).
            if candidate.encodings.isEmpty, rules[candidate.ruleIndex].rule.role == .namedValue,
                RecordLookaround.wanted(view, lineStart: contextStart, value: span.lowerBound) {
                hit.before = Array(view[max(0, contextStart - RecordLookaround.before)..<contextStart])
                hit.after = Array(view[contextEnd..<RecordLookaround.objectEnd(view, from: contextEnd)])
            }
            onHit(hit, rules[candidate.ruleIndex].rule.spanPriority)
        }
    }

    private func lineStart(before offset: Int, in view: UnsafeRawBufferPointer) -> Int {
        let limit = max(0, offset - options.contextLimit)
        var index = offset
        while index > limit && view[index - 1] != 0x0A { index -= 1 }
        return index
    }

    private func lineEnd(after offset: Int, in view: UnsafeRawBufferPointer) -> Int {
        let limit = min(view.count, offset + options.contextLimit)
        var index = offset
        while index < limit && view[index] != 0x0A { index += 1 }
        if index > offset && index <= view.count && view[index - 1] == 0x0D { index -= 1 }
        return index
    }
}
