import TokenScanSearch

/// How much each correlation of one input keeps in memory until the input ends (design §8:
/// correlation is a stage after search; `Analyzer.finishInput`).
///
/// Why bounded: an input can hold any number of signed URLs, session tokens or HMAC-signed JWTs,
/// and each correlation keeps what it noted until the input is done (the signing-key check also
/// costs an HMAC per token and key). Why named when hit: past a bound a credential is judged on
/// its own although its other half may be in the input, so a HAR signature pair can be reported
/// beside its URL's finding, an AWS session token low although its key is there, a JWT signed with
/// a key that leaked beside it not forgeable. The report must say so (`CorrelationOverflow`).
/// Settable for tests; the defaults are far above what one log or file usually holds.
public struct CorrelationBounds: Sendable, Equatable {
    /// Distinct signed-URL signatures noted per input (`SignedURLPairs`).
    public var signedURLs = 4096
    /// HAR signature pairs (`queryString` `sig`, `X-Amz-Signature` …) noted per input.
    public var signaturePairs = 4096
    /// AWS session tokens noted per input (`AWSCredentialCorrelation`).
    public var awsSessionTokens = 1024
    /// AWS secret access keys noted per input.
    public var awsSecretAccessKeys = 1024
    /// HMAC-signed JWTs whose signature is unverified, noted per input (`SigningKeyCorrelation`).
    public var hmacTokens = 1024
    /// Distinct signing keys noted per input: each is tried on every noted token.
    public var signingKeys = 256

    public init() {}
}

/// What one correlation could not note in one input because its bound was full: counted per kind
/// of item, with the offset of the first, so that `finishInput` names it as a limit hit.
struct CorrelationOverflow {
    /// Items not noted, by what they are (`signed URL`, `signature pair` …), in first-seen order.
    private(set) var missed: [(item: String, bound: Int, count: Int)] = []
    /// Where in the input the first item not noted starts.
    private(set) var firstOffset: Int?

    var isEmpty: Bool { missed.isEmpty }

    mutating func reset() {
        missed.removeAll()
        firstOffset = nil
        lastOffset = nil
    }

    /// Where the last item not noted stands: the same span found again through a decoding layer
    /// (a signature's `%2F`s percent-decoded) is one item, counted once.
    private var lastOffset: (item: String, offset: Int)?

    /// An `item` at `offset` was not noted: the bound of `bound` was full.
    mutating func miss(_ item: String, bound: Int, at offset: Int) {
        if let last = lastOffset, last.item == item, last.offset == offset { return }
        lastOffset = (item, offset)
        if let index = missed.firstIndex(where: { $0.item == item }) {
            missed[index].count += 1
        } else {
            missed.append((item, bound, 1))
        }
        firstOffset = min(firstOffset ?? offset, offset)
    }

    /// The limit hit, or nil when everything was noted. `limit` is its stable name in reports;
    /// `consequence` says what a user may see because of it.
    func hit(limit: String, consequence: String) -> LimitHit? {
        guard let firstOffset, !missed.isEmpty else { return nil }
        let counts = missed.map { "\($0.count) \($0.item)\($0.count == 1 ? "" : "s") past the first \($0.bound)" }
        return LimitHit(limit: limit, offset: firstOffset, detail: "\(counts.joined(separator: " and ")) not correlated: \(consequence)")
    }
}
