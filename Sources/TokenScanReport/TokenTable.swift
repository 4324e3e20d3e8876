import FoundationEssentials
import TokenFormats
import TokenScanModel

/// One entry per unique secret: logs repeat one token thousands of times.
public struct TokenSummary: Sendable, Codable, Equatable {
    public struct Place: Sendable, Codable, Equatable {
        public var path: String
        public var line: Int
        public var column: Int
    }
    public var fingerprint: String
    public var count: Int
    public var first: Place
    public var last: Place
    public var severity: Severity
    public var score: Int
    public var ruleId: String
    public var kind: String
    public var secret: String
    /// What the token is, from its first occurrence: the decoded JWT (claims, expiry, scopes,
    /// signature, provider), the reasons, and for provider tokens their class and checksum.
    public var jwt: JWTReport?
    /// Another bearer format's decoded contents (`Finding.decoded`).
    public var decoded: DecodedTokenReport?
    public var reasons: [Reason]
    public var tokenClass: String?
    public var checksum: String?
}

/// The `tokens` section, built as findings stream past: one compact record per unique secret,
/// in first-seen order.
///
/// Why compact: 200,000 distinct JWTs on stdin cost 14 KB each when every finding was held for
/// the document's end. A record keeps what changes with later occurrences (count, last place,
/// highest severity and score) as values, and what the first occurrence says about the token
/// (claims, reasons, redacted secret) as its compact JSON, a few hundred bytes, decoded again
/// only to write the entry.
package struct TokenTable {
    private struct Details: Codable {
        var fingerprint: String
        var ruleId: String
        var kind: String
        var secret: String
        var jwt: JWTReport?
        var decoded: DecodedTokenReport?
        var reasons: [Reason]
        var tokenClass: String?
        var checksum: String?
    }

    private struct Record {
        var count: Int
        var first: TokenSummary.Place
        var last: TokenSummary.Place
        var severity: Severity
        var score: Int
        var details: [UInt8]
    }

    private var records: [Record] = []
    private var index: [String: Int] = [:]

    package init() {}

    package var isEmpty: Bool { records.isEmpty }
    package var count: Int { records.count }
    /// Bytes of compact details held, all tokens together.
    package var detailBytes: Int { records.reduce(0) { $0 + $1.details.count } }

    /// Adds a finding (in report order, claims already masked as the report shows them).
    package mutating func add(_ finding: Finding) {
        let place = TokenSummary.Place(path: finding.path, line: finding.line, column: finding.column)
        if let position = index[finding.fingerprint] {
            records[position].count += 1
            records[position].last = place
            records[position].severity = max(records[position].severity, finding.severity)
            records[position].score = max(records[position].score, finding.score)
            return
        }
        let details = Details(
            fingerprint: finding.fingerprint, ruleId: finding.ruleId, kind: finding.kind, secret: finding.secret,
            jwt: finding.jwt, decoded: finding.decoded, reasons: finding.reasons, tokenClass: finding.tokenClass, checksum: finding.checksum)
        // Encoding our own value types cannot fail (no non-finite numbers are produced).
        let bytes = (try? Reporters.encoder(pretty: false).encode(details)).map(Array.init) ?? []
        index[finding.fingerprint] = records.count
        records.append(Record(count: 1, first: place, last: place, severity: finding.severity, score: finding.score, details: bytes))
    }

    /// The entries in first-seen order, each decoded when it is reached.
    package func summaries() -> some Sequence<TokenSummary> {
        records.lazy.compactMap { record -> TokenSummary? in
            guard let details = try? JSONDecoder().decode(Details.self, from: Data(record.details)) else { return nil }
            return TokenSummary(
                fingerprint: details.fingerprint, count: record.count, first: record.first, last: record.last,
                severity: record.severity, score: record.score, ruleId: details.ruleId, kind: details.kind, secret: details.secret,
                jwt: details.jwt, decoded: details.decoded, reasons: details.reasons, tokenClass: details.tokenClass, checksum: details.checksum)
        }
    }
}
