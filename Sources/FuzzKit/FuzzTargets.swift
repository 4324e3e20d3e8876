import Foundation
import TokenFormats
import TokenScanModel
import TokenScanEngine
import TokenScanSearch
import TokenScanJudge
import TokenScanSuppression
import TokenScanSources
import TokenScanReport
import TokenScanApp

/// The bodies of the libFuzzer targets (`Fuzz/`, run by `scripts/fuzz`), kept here so that the
/// XCTest suite replays the inputs they once failed on (`Fixtures/fuzz-regressions/<target>/`)
/// through exactly the same code, without a libFuzzer build.
///
/// Each target takes one input and checks invariants that must hold for *any* input; a broken
/// invariant calls `fail` (libFuzzer: a trap, so the input is saved; XCTest: a failure).
public enum FuzzTargets {
    public typealias Failure = (String) -> Void

    public static let names = ["jwt", "decoders", "rules", "searcher"]

    /// Runs target `name` on one input.
    public static func run(_ name: String, _ data: [UInt8], fail: Failure = trap) {
        switch name {
        case "jwt": jwt(data, fail: fail)
        case "decoders": decoders(data, fail: fail)
        case "rules": rules(data, fail: fail)
        case "searcher": searcher(data, fail: fail)
        default: fail("no fuzz target named \(name)")
        }
    }

    public static func trap(_ message: String) -> Void {
        fatalError("fuzz invariant broken: \(message)")
    }

    static let settings = AnalysisSettings(now: Date(timeIntervalSince1970: 1_767_225_600))
    static let builtinRules: [Rule] = (try? RuleCatalog.builtin()) ?? []

    /// The JWT decoder and the analysis of what it decodes (`tokenscan decode`'s path): decoding
    /// never crashes and stays within its limits; a decoded JWS has an `alg`; a token that is
    /// analysed gets a score inside its severity's band and a reason for it.
    public static func jwt(_ data: [UInt8], fail: Failure = trap) {
        switch JWT.decode(data) {
        case .success(let token):
            if token.form == .jws && token.algorithm == nil { fail("a JWS without alg decoded") }
            if token.form == .jwe && !token.claims.isEmpty { fail("a JWE with readable claims") }
        case .failure(.limitExceeded(let limit, _)):
            if case .length = limit { fail("a whole token reported as cut at a length limit") }
        case .failure:
            break
        }
        _ = JWT.decodeTruncated(data, limit: data.count)
        guard let text = String(validating: data, as: UTF8.self) else { return }
        if let finding = try? TokenDecoder.finding(for: text, settings: settings, rules: builtinRules) {
            if !finding.severity.scoreRange.contains(finding.score) { fail("score \(finding.score) outside \(finding.severity)") }
            if finding.reasons.isEmpty { fail("a finding without reasons") }
            if finding.secret.contains(text) && text.count > 24 { fail("the secret is not redacted") }
        }
    }

    /// Base64, JSON, protobuf, Biscuit, XML, gzip and tar decoding of arbitrary bytes: never crash,
    /// never loop, bounded output; base64 round-trips; JSON deeper than the limit is refused; XML
    /// within its bounds.
    public static func decoders(_ data: [UInt8], fail: Failure = trap) {
        xml(data, fail: fail)
        if let decoded = Base64.decode(data) {
            let again = Base64.urlEncode(decoded)
            if Base64.decode(Array(again.utf8)) != decoded { fail("base64 does not round-trip") }
        }
        if Base64.decode(Array(Base64.urlEncode(data).utf8)) != data { fail("base64url of the input does not decode back") }
        // The bracket-counting pass that guards the recursive decoder never sees less nesting than
        // the decoder found (more is safe: it only refuses).
        if let value = JSONValue.parse(data) {
            let depth = nesting(value)
            if depth > JSONValue.maxDepth || (depth > 0 && !JSONValue.exceedsDepth(data, depth - 1)) {
                fail("the bracket count misses nesting the decoder saw (depth \(depth))")
            }
        }
        // Protobuf and Biscuit: every field read lies inside the input, and a Biscuit read from
        // the bytes (as base64url, as tokens arrive) prints its Datalog and states its claims.
        if case .success(let fields) = Protobuf.fields(data[...]),
           fields.reduce(0, { $0 + ($1.bytes?.count ?? 0) }) > data.count {
            fail("protobuf fields hold more bytes than the input")
        }
        if case .success(let biscuit) = Biscuit.decode(Array(Base64.urlEncode(data).utf8)) {
            if biscuit.blocks.isEmpty { fail("a Biscuit without its authority block") }
            for index in biscuit.blocks.indices { _ = biscuit.datalog(block: index) }
            _ = (biscuit.expiry, biscuit.notBefore, biscuit.rights)
        }
        // Gzip: the first byte chooses how much the stream may produce before we stop reading.
        var gzipInput = [UInt8](data)
        if gzipInput.count >= 2 { gzipInput[0] = 0x1F; gzipInput[1] = 0x8B }
        if var gzip = try? GzipSource(MemorySource(gzipInput, maxRead: 1 + Int(data.first ?? 0)), path: "fuzz.gz") {
            drain(&gzip, limit: 64 << 20, fail: fail)
        }
        // Tar: every entry read or skipped; a corrupt header ends with an error, never a crash.
        let reader = TarReader(MemorySource(data), path: "fuzz.tar")
        var entries = 0
        while let entry = try? reader.next() {
            entries += 1
            if entries > data.count / 512 + 1 { fail("more tar entries than 512-byte blocks"); return }
            if entry.isRegularFile && entries % 2 == 0 {
                var source = reader.entrySource()
                drain(&source, limit: data.count, fail: fail)
            }
        }
    }

    /// The XML reader and the SAML decoder on arbitrary bytes (raw, and as the base64 a
    /// `SAMLResponse` carries): a tree within the reader's depth and element bounds, or an error.
    static func xml(_ data: [UInt8], fail: Failure) {
        var limits = SAML.defaultLimits
        limits.maxElements = 2000
        func depth(_ element: XMLReader.Element) -> Int {
            var deepest = 0
            var stack = [(element, 1)]
            while let (next, level) = stack.popLast() {
                deepest = max(deepest, level)
                stack += next.children.map { ($0, level + 1) }
            }
            return deepest
        }
        func count(_ element: XMLReader.Element) -> Int { 1 + element.children.reduce(0) { $0 + count($1) } }
        if case .success(let root) = XMLReader.parse(data, limits: limits) {
            if depth(root) > limits.maxDepth { fail("an XML tree deeper than the reader's bound") }
            if count(root) > limits.maxElements { fail("more XML elements than the reader's bound") }
        }
        _ = SAML.decode(data, limits: limits)
        _ = SAML.decode(Array(Base64.urlEncode(data).utf8), limits: limits)
    }

    /// The rule loader and the configuration parser on arbitrary TOML: a clean error or rules
    /// that compile (or a compile error), never a crash (toml++ asserts on some inputs).
    public static func rules(_ data: [UInt8], fail: Failure = trap) {
        let text = String(decoding: data, as: UTF8.self)
        if let rules = try? RuleLoader.load(toml: text, origin: "fuzz.toml") {
            for rule in rules where rule.maxLength <= 0 { fail("rule \(rule.id) with maxLength \(rule.maxLength)") }
            if let matcher = try? Matcher(rules: rules) {
                let scratch = matcher.makeScratch()
                var resume = Array(repeating: 0, count: matcher.rules.count)
                data.withUnsafeBytes { buffer in
                    _ = matcher.scan(buffer, accept: 0..<buffer.count, resume: &resume, scratch: scratch) { _ in }
                }
            }
        }
        _ = try? Configuration.parse(text, path: "fuzz.toml")
    }

    /// The chunked searcher: whatever the chunk size and read pattern (chosen by the first two
    /// bytes), a streamed search reports the same hits as a search of the whole buffer, each
    /// secret exactly its input bytes.
    public static func searcher(_ data: [UInt8], fail: Failure = trap) {
        guard data.count >= 2, let matcher = smallWindowMatcher else { return }
        let input = Array(data.dropFirst(2))
        let chunkSize = 1 + Int(data[0]) * 4
        let maxRead = 1 + Int(data[1]) * 3
        let whole = hits(input, matcher: matcher, chunkSize: 1 << 20, maxRead: .max)
        let chunked = hits(input, matcher: matcher, chunkSize: chunkSize, maxRead: maxRead)
        if whole.map(\.byteRange) != chunked.map(\.byteRange) {
            fail("chunk \(chunkSize), reads of \(maxRead): \(chunked.map(\.byteRange)) != \(whole.map(\.byteRange))")
        }
        if whole.map(\.start) != chunked.map(\.start) || whole.map(\.end) != chunked.map(\.end) {
            fail("chunk \(chunkSize), reads of \(maxRead): positions differ")
        }
        for hit in whole where Array(input[hit.byteRange]) != hit.secret { fail("secret is not the bytes at its range") }
    }

    /// The built-in rules with a small window, so that short inputs cross chunk boundaries and
    /// long tokens are cut. Not smaller than 1 KiB: a JWE's header, encrypted key and IV must fit
    /// in the window for its match not to depend on where the window ends (the jwe rule matches a
    /// cut inside the ciphertext or tag, not inside its first parts; real windows are 16 KiB).
    static let smallWindowMatcher: Matcher? = try? Matcher(rules: builtinRules.map { rule in
        var rule = rule
        rule.maxLength = min(rule.maxLength, 1024)
        return rule
    })

    static func hits(_ input: [UInt8], matcher: Matcher, chunkSize: Int, maxRead: Int) -> [SearchHit] {
        var options = SearchOptions()
        options.chunkSize = chunkSize
        options.skipBinary = false
        let searcher = Searcher(matcher: matcher, options: options)
        var source = MemorySource(input, maxRead: maxRead)
        var hits: [SearchHit] = []
        _ = searcher.search(&source) { hits.append($0) }
        return hits
    }

    static func nesting(_ value: JSONValue) -> Int {
        switch value {
        case .array(let values): 1 + (values.map(nesting).max() ?? 0)
        case .object(let members): 1 + (members.values.map(nesting).max() ?? 0)
        default: 0
        }
    }

    static func drain(_ source: inout some ByteSource, limit: Int, fail: Failure) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        var total = 0
        while let count = try? source.read(into: buffer), count > 0 {
            total += count
            if total > limit { return fail("a decoder produced more than \(limit) bytes") }
        }
    }
}
