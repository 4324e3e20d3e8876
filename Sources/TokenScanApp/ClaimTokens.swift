import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch

/// Finds the tokens a JWT carries in its claims (an upstream access token, a refresh token, a
/// provider key in a custom claim) and reports each as a finding of its own, at the JWT's place.
///
/// Why: reports mask the claims the risk model does not read, so a token inside them would
/// otherwise be neither shown nor reported; and the searcher leaves a JWT's segments to the
/// judge (it does not decode base64 inside a match). The claims are searched with the same rules
/// and judged by the same `Analyzer`, so a nested token is found, judged and accepted like any
/// other. Nesting stops at `SearchOptions.decode.maxDepth` layers.
final class ClaimTokens {
    private let searcher: Searcher
    private let rules: [CompiledRule]
    private let maxDepth: Int

    init(matcher: Matcher, options: SearchOptions) {
        var options = options
        // Claims are small (the JWT rule caps a token at 16 KiB); no stream, no progress.
        options.chunkSize = 64 << 10
        options.skipBinary = false
        options.live = false
        options.progress = nil
        searcher = Searcher(matcher: matcher, options: options)
        rules = matcher.rules
        maxDepth = options.decode.maxDepth
    }

    /// A token found in a JWT's claims: its secret and match (for the suppression stage) and its
    /// finding, placed where the JWT stands.
    struct Nested {
        var secret: [UInt8]
        var match: [UInt8]
        var finding: Finding
    }

    /// Logs repeat one JWT thousands of times: its claims are searched once (per input path and
    /// depth), and the result placed anew. Bounded: cleared when full.
    private var cache: [CacheKey: [Nested]] = [:]
    private struct CacheKey: Hashable {
        var fingerprint: String
        var path: String
        var depth: Int
    }

    /// The tokens in `outer`'s claims, and in theirs, to the decoding depth.
    func tokens(in outer: Finding, analyzer: Analyzer, path: String) -> [Nested] {
        guard let claims = outer.jwt?.claims, !claims.isEmpty, outer.encodings.count < maxDepth else { return [] }
        let key = CacheKey(fingerprint: outer.fingerprint, path: path, depth: outer.encodings.count)
        let found: [Nested]
        if let cached = cache[key] {
            found = cached
        } else {
            found = search(claims, outer: outer, analyzer: analyzer, path: path)
            if cache.count >= 1024 { cache.removeAll(keepingCapacity: true) }
            cache[key] = found
        }
        // Where the JWT stands: its line, columns, request and snippet (the claims' own text
        // would show the claims the reports mask).
        return found.map { nested in
            var placed = nested
            placed.finding.path = outer.path
            placed.finding.line = outer.line
            placed.finding.column = outer.column
            placed.finding.endLine = outer.endLine
            placed.finding.endColumn = outer.endColumn
            placed.finding.snippet = outer.snippet
            placed.finding.request = outer.request
            placed.finding.commit = outer.commit
            return placed
        }
    }

    private func search(_ claims: [String: JSONValue], outer: Finding, analyzer: Analyzer, path: String) -> [Nested] {
        var source = MemorySource(Array(TokenMinter.canonicalJSON(.object(claims)).utf8))
        var group: [SearchHit] = []
        var nested: [Nested] = []
        func resolve() {
            for (hit, judged) in HitGroup.resolve(group, analyzer: analyzer, rules: rules, path: path, dismissed: { _, _ in }) {
                var finding = judged
                finding.encodings = outer.encodings + ["jwt-claims"] + finding.encodings
                nested.append(Nested(secret: hit.secret, match: hit.match, finding: finding))
                nested += tokens(in: finding, analyzer: analyzer, path: path)
            }
            group.removeAll()
        }
        _ = searcher.search(&source, path: path) { hit in
            if let first = group.first, first.group != hit.group { resolve() }
            group.append(hit)
        }
        if !group.isEmpty { resolve() }
        return nested
    }
}
