import TokenFormats
import TokenScanEngine
import TokenScanModel

/// A match found in decoded text, located in the searched buffer.
package struct DecodedMatch {
    package var ruleIndex: Int
    /// The original span that encodes the secret, in the searched buffer's coordinates.
    package var span: Range<Int>
    /// The decoded secret.
    package var secret: [UInt8]
    /// Outermost first: `["base64", "percent"]` is percent-encoding inside base64.
    package var encodings: [String]
    /// The rule's whole decoded match.
    package var match: [UInt8]
}

/// A limit that cut decoding short on an input (reported in the summary, never silent).
public struct LimitHit: Sendable, Equatable, Codable {
    /// `decode-depth` or `decoded-size`; a correlation's bound (`CorrelationBounds`).
    public var limit: String
    /// Absolute offset in the input where it was hit.
    public var offset: Int
    public var detail: String

    package init(limit: String, offset: Int, detail: String) {
        self.limit = limit
        self.offset = offset
        self.detail = detail
    }
}

extension LimitReport {
    package init(path: String, hit: LimitHit) {
        self.init(limit: hit.limit, path: path, offset: hit.offset, detail: hit.detail)
    }
}

/// Decoding settings (`--max-decode-depth`).
public struct DecodeOptions: Sendable, Equatable {
    /// Layers of encoding undone, nested (base64 inside percent-encoding is two). 0 turns decoding off.
    public var maxDepth = 3
    /// Bytes one encoded span may decode to; a longer blob is decoded up to this size.
    public var maxSpanBytes = 1 << 20
    /// Bytes decoded per chunk of input, all layers together (a bound on the work an input
    /// built to be decoded over and over can cause).
    public var maxChunkBytes = 32 << 20
    public init() {}
}

/// Finds encoded and split text in a buffer, decodes it layer by layer to `maxDepth`, and runs
/// the rules over every decoded text, mapping each match back to the bytes that encode it.
///
/// Layers: base64 (`Base64Layer`), percent-encoding, JSON/JS escapes and HTML references
/// (`EscapeLayer`), and split tokens (`SplitTokenJoiner`). Each decoded text is searched for more
/// layers, so `%252E` (percent twice) and a `.dockerconfigjson` (base64 of JSON holding base64) are
/// undone. One per searcher (it owns scratch buffers).
package final class LayeredDecoder {
    package let matcher: Matcher
    package let scratch: MatcherScratch
    package let options: DecodeOptions
    /// One decoded text per depth, reused (a class per level so that reading one level while
    /// writing the next is not an overlapping access).
    private final class Level { var text = DecodedText() }
    private var levels: [Level] = []
    private var resume: [Int]
    private var budget = 0
    private(set) var limitHits: [LimitHit] = []
    private(set) var failures: [RuleFailure] = []

    package init(matcher: Matcher, scratch: MatcherScratch, options: DecodeOptions) {
        self.matcher = matcher
        self.scratch = scratch
        self.options = options
        resume = Array(repeating: 0, count: matcher.rules.count)
        levels = (0...(options.maxDepth + 1)).map { _ in Level() }
    }

    /// `path`: as for the searcher, rules limited to other paths stay off in decoded text too.
    package func beginInput(path: String? = nil) {
        limitHits.removeAll()
        failures.removeAll()
        scratch.beginInput()
        if let path { matcher.restrict(to: path, scratch: scratch) }
    }

    /// Decodes what starts in `accept` of `view` (`raw`: the rules' matches in it, sorted by
    /// secret start; `keywords`: where rule keywords occur, ascending) and reports every match in
    /// decoded text. `baseOffset`: the view's offset in the input, for limit reports.
    package func expand(
        _ view: UnsafeRawBufferPointer, accept: Range<Int>, raw: [Range<Int>], keywords: [Int], baseOffset: Int,
        emit: (DecodedMatch) -> Void
    ) {
        guard options.maxDepth > 0, !accept.isEmpty else { return }
        budget = options.maxChunkBytes
        forEachCandidate(in: view, range: accept, skip: raw, keywords: keywords, depth: 1, baseOffset: baseOffset) { name, level in
            process(level: level, depth: 1, encodings: [name], baseOffset: baseOffset, emit: emit)
        }
    }

    /// Searches the decoded text at `level` (mapped to the view), then what is encoded inside it.
    private func process(level: Int, depth: Int, encodings: [String], baseOffset: Int, emit: (DecodedMatch) -> Void) {
        let text = levels[level].text
        var spans: [Range<Int>] = []
        var keywords: [Int] = []
        text.bytes.withUnsafeBytes { bytes in
            for index in resume.indices { resume[index] = 0 }
            let failed = matcher.scan(bytes, accept: 0..<bytes.count, resume: &resume, scratch: scratch) { match in
                if matcher.rules[match.ruleIndex].rule.role != .namedValue { spans.append(match.secret) }
                emit(DecodedMatch(
                    ruleIndex: match.ruleIndex, span: text.origin(of: match.secret), secret: Array(bytes[match.secret]),
                    encodings: encodings, match: Array(bytes[match.range])))
            }
            for failure in failed {
                var mapped = failure
                mapped.offset = text.starts[min(failure.offset, text.count - 1)]
                failures.append(mapped)
            }
            keywords = scratch.keywordPositions
        }
        spans.sort { $0.lowerBound < $1.lowerBound }
        text.bytes.withUnsafeBytes { bytes in
            forEachCandidate(in: bytes, range: 0..<bytes.count, skip: spans, keywords: keywords, depth: depth + 1,
                baseOffset: baseOffset, mapping: text) { name, child in
                process(level: child, depth: depth + 1, encodings: encodings + [name], baseOffset: baseOffset, emit: emit)
            }
        }
    }

    /// Calls `body(layer name, level)` for every encoded or split span that starts in `range` of
    /// `buffer` once it has been decoded into `levels[depth]` (mapped to the view through
    /// `mapping`, the decoded text `buffer` is, if any). At `depth > maxDepth` nothing is decoded
    /// further: the first span that would have been is reported as a limit hit.
    private func forEachCandidate(
        in buffer: UnsafeRawBufferPointer, range: Range<Int>, skip: [Range<Int>], keywords: [Int], depth: Int,
        baseOffset: Int, mapping: DecodedText? = nil, body: (String, Int) -> Void
    ) {
        let level = levels[min(depth, levels.count - 1)]
        let atLimit = depth > options.maxDepth
        var stop = false
        /// `valueStart`: where the encoded text starts, when the decoded text begins with something
        /// else (a carried name, `AssignedName`).
        func offer(_ name: String, _ decoded: Bool, valueStart: Int? = nil) {
            guard decoded, !stop else { return }
            let start = valueStart ?? level.text.starts.first ?? 0
            let originStart = mapping.map { $0.starts[min(start, $0.count - 1)] } ?? start
            if atLimit {
                record(LimitHit(
                    limit: "decode-depth", offset: baseOffset + originStart,
                    detail: "\(name) inside \(options.maxDepth) layers of encoding was not decoded (--max-decode-depth \(options.maxDepth))"))
                stop = true
                return
            }
            budget -= level.text.count
            if budget < 0 {
                record(LimitHit(
                    limit: "decoded-size", offset: baseOffset + originStart,
                    detail: "more than \(options.maxChunkBytes >> 20) MiB decoded in one chunk; the rest of the chunk was searched undecoded"))
                stop = true
                return
            }
            if let mapping { level.text.compose(with: mapping) }
            body(name, min(depth, levels.count - 1))
        }

        Base64Layer.runs(in: buffer, starting: range, skip: skip) { run in
            guard !stop else { return }
            var clipped = run
            let maxCharacters = options.maxSpanBytes / 3 * 4
            if run.count > maxCharacters {
                clipped = run.lowerBound..<(run.lowerBound + maxCharacters)
                record(LimitHit(
                    limit: "decoded-size", offset: baseOffset + (mapping?.starts[run.lowerBound] ?? run.lowerBound),
                    detail: "a base64 blob of \(run.count) characters was decoded up to \(options.maxSpanBytes >> 10) KiB"))
            }
            let decoded = Base64Layer.decode(buffer, run: clipped, into: &level.text)
            let valueStart = level.text.starts.first
            if decoded { AssignedName.carry(into: &level.text, valueStart: clipped.lowerBound, in: buffer) }
            offer(Base64Layer.name(of: clipped, in: buffer), decoded, valueStart: valueStart)
        }
        for layer in EscapeLayer.allCases where !stop {
            layer.regions(in: buffer, triggersIn: range) { region in
                guard !stop else { return }
                offer(layer.rawValue, layer.decode(buffer, region: region, into: &level.text))
            }
        }
        var index = 0
        while index < keywords.count && keywords[index] < range.lowerBound { index += 1 }
        while index < keywords.count && keywords[index] < range.upperBound && !stop {
            // One attempt per line, with all the line's keywords: a line full of them is looked at once.
            let (joiner, next) = SplitTokenJoiner.join(buffer, keywords: keywords, first: index, into: &level.text)
            if let joiner { offer(joiner.rawValue, true) }
            while index < keywords.count && keywords[index] < next { index += 1 }
        }
    }

    /// Rules that failed in decoded text since the last call (offsets in the view).
    package func takeFailures() -> [RuleFailure] {
        defer { failures.removeAll() }
        return failures
    }

    private func record(_ hit: LimitHit) {
        // One report per limit and input is enough to tell the user what to raise.
        guard !limitHits.contains(where: { $0.limit == hit.limit }) else { return }
        limitHits.append(hit)
    }
}
