import TokenFormats
import TokenScanModel
import TokenScanSearch

/// Folds a signed URL's signature, found again as a structured pair (a HAR entry's `queryString`
/// `{"name": "sig", "value": …}`, `X-Amz-Signature`, `X-Goog-Signature`), into the URL it belongs
/// to (issue #20).
///
/// Why: a HAR repeats every query parameter of the entry's `url` as a pair of its own. The URL is
/// the credential and its finding says how long it lives (or, expired, it is no finding and is
/// counted); the pair is the same secret. Judged alone the pair would be reported twice, or live
/// beside an expired URL; not judged at all, `redact` left it readable. So the pair is a finding
/// of its own (`url-signature`, which `redact` masks as it goes), and once the input is done it is
/// dropped where the input holds its URL, valid or expired. Only a pair whose URL is nowhere in
/// the input stays: a signature the rest of the query can be rebuilt around.
struct SignedURLPairs {
    /// The name class of a signature pair (rule data, `Rules/named-values.toml`).
    static let nameClass = "url-signature"
    /// Signatures of the input's signed URLs, as written and percent-decoded. Bounded
    /// (`CorrelationBounds.signedURLs` signatures).
    private var urlSignatures = Set<[UInt8]>()
    private var notedURLs = 0
    /// The input's signature pairs: where each stands and its value. A place, not a fingerprint:
    /// a hex signature's fingerprint is its URL's too. Bounded (`CorrelationBounds.signaturePairs`).
    private var pairs: [Pair] = []
    private var pairPlaces = Set<[Int]>()
    /// Pairs handed over without their URL (a live stream's, or past the scanner's hold-back):
    /// their values, as written and percent-decoded, and where they stand, for a URL that comes
    /// after them (`reportedPair`). Bounded with `pairs`.
    private var reported: [[UInt8]: String] = [:]
    private var reportedPairs = 0

    private struct Pair {
        let line: Int
        let column: Int
        /// The pair's name (`sig`, `X-Amz-Signature`), for the reason that names it.
        let name: String
        let value: [UInt8]
        let offset: Int
    }
    private let bounds: CorrelationBounds
    /// What the bounds kept out of this input.
    private var overflow = CorrelationOverflow()

    init(bounds: CorrelationBounds = CorrelationBounds()) {
        self.bounds = bounds
    }

    mutating func reset() {
        urlSignatures.removeAll()
        notedURLs = 0
        pairs.removeAll()
        pairPlaces.removeAll()
        reported.removeAll()
        reportedPairs = 0
        overflow.reset()
    }

    /// A signed URL in the input (a finding, or expired and dismissed) at `offset`: its signature.
    mutating func noteURL(signature: [UInt8], at offset: Int) {
        // A URL a log repeats is noted once, however full the bound is.
        if urlSignatures.contains(signature) { return }
        guard notedURLs < bounds.signedURLs else {
            overflow.miss("signed URL", bound: bounds.signedURLs, at: offset)
            return
        }
        notedURLs += 1
        urlSignatures.insert(signature)
        urlSignatures.insert(PercentEncoding.decode(bytes: signature))
    }

    /// The finding is a signature pair that may fold into its URL when the input ends.
    func holds(_ finding: Finding) -> Bool { pairPlaces.contains([finding.line, finding.column]) }

    /// A finding under a signature pair's name, at `offset` of the input.
    mutating func notePair(_ finding: Finding, value: [UInt8], at offset: Int) {
        guard pairs.count < bounds.signaturePairs else {
            overflow.miss("signature pair", bound: bounds.signaturePairs, at: offset)
            return
        }
        pairs.append(Pair(line: finding.line, column: finding.column, name: finding.request?.field ?? "", value: value, offset: offset))
        pairPlaces.insert([finding.line, finding.column])
    }

    /// Where the pair of `signature` stands, when one was handed over before this URL came.
    func reportedPair(for signature: [UInt8]) -> String? {
        guard !reported.isEmpty else { return nil }
        return reported[signature] ?? reported[PercentEncoding.decode(bytes: signature)]
    }

    /// Pairs that went out without their URL: a URL that comes later names them. Past the bound
    /// such a URL cannot: counted, and reported with the input's other correlation bounds.
    private mutating func noteReported(_ handed: [Pair]) {
        for pair in handed {
            guard reportedPairs < bounds.signaturePairs else {
                overflow.miss("reported signature pair", bound: bounds.signaturePairs, at: pair.offset)
                continue
            }
            reportedPairs += 1
            let place = "`\(pair.name)` at line \(pair.line)"
            reported[pair.value] = place
            reported[PercentEncoding.decode(bytes: pair.value)] = place
        }
    }

    /// Pairs handed over before the input ends (past the scanner's hold-back bound): they can no
    /// longer fold.
    mutating func handedOver(_ findings: [Finding]) {
        let places = Set(findings.map { [$0.line, $0.column] })
        noteReported(pairs.filter { places.contains([$0.line, $0.column]) })
        pairs.removeAll { places.contains([$0.line, $0.column]) }
    }

    /// Drops the pairs whose URL the input holds so far; the others are then handed over (a live
    /// stream goes on: its URL signatures stay, for the pairs that come after their URL, and the
    /// pairs handed over stay, for the URLs that come after their pair: `reportedPair`). Returns
    /// the bound hit, if one was: pairs past it, or pairs of URLs past it, stay findings of their own.
    mutating func apply(to findings: inout [Finding]) -> LimitHit? {
        defer { pairs.removeAll() }
        let limit = overflow.hit(
            limit: "signed-url-pairs",
            consequence: "such a signature pair (a HAR `queryString` `sig`, `X-Amz-Signature` …) is reported as a finding of its own, beside its URL's finding or though its URL has expired")
        guard !pairs.isEmpty else { return limit }
        let folded = urlSignatures.isEmpty ? [] : Set(pairs.filter { pair in
            urlSignatures.contains(pair.value) || urlSignatures.contains(PercentEncoding.decode(bytes: pair.value))
        }.map { [$0.line, $0.column] })
        findings.removeAll { folded.contains([$0.line, $0.column]) }
        noteReported(pairs.filter { !folded.contains([$0.line, $0.column]) })
        return limit
    }
}
