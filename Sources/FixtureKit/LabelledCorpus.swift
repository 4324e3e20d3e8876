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

/// The labelled corpus of issue #4: a deterministic generator of files that hold tokens of every
/// kind the rules detect — raw, encoded (base64, percent, JSON escapes, HTML entities, UTF-16),
/// split across lines, at awkward places — and look-alikes that must not be reported, each with
/// the exact place it sits at.
///
/// Nothing here is committed as data: the tokens are minted from the seed every time (provider
/// tokens through `TokenMinter`, so their checksums are valid), and `fixturegen labelled DIR`
/// writes the same corpus to disk for inspection.
///
/// **Location contract** (what a scanner must report, 1-based, columns in Unicode scalars of the
/// decoded line — UTF-16 files count characters too, and a byte order mark is not a character):
/// - raw token: its first character; the end is exclusive, just after its last character.
/// - percent-encoded: where the encoding of its first byte starts (the `%` of `%65yJ…`).
/// - JSON / JS escapes: the `\` of `\u0065yJ…`; HTML entities: the `&` of `&#101;yJ…`.
/// - base64: the secret's decoded byte offset `a` in the decoded blob maps to the encoded
///   character `4*(a/3) + a%3` from the blob's start; its last byte `l` ends after character
///   `4*(l/3) + l%3 + 1`. Nested layers compose (a `.dockerconfigjson` is two).
/// - split tokens (shell `\` continuation, string concatenation, hard-wrapped log lines): the
///   first character of the token on its first line; the end after its last character on its
///   last line.
/// - a bearer header's secret is the token after `Bearer `, not the header.
public enum LabelledCorpus {
    public static let defaultSeed: UInt64 = 0x4C41_4245_4C4C_0004
    /// The clock tokens are minted and judged against (`FixtureCorpus.now`).
    public static var now: Date { FixtureCorpus.now }

    /// The layers a token passes through, as written in `Token.encodings` (outermost first). The
    /// single place these names are spelled.
    public enum Encoding: String, CaseIterable, Sendable {
        case base64
        case base64url
        case percent
        case jsonEscape = "json-escape"
        case htmlEntity = "html-entity"
        case utf16le = "utf-16le"
        case utf16be = "utf-16be"
        case lineContinuation = "line-continuation"
        case stringConcatenation = "string-concatenation"
        case wrappedLine = "wrapped-line"
    }

    /// Where a token sits, beyond its encodings (derived from the finished file).
    public enum Trait: String, CaseIterable, Sendable {
        /// Starts at line 1, column 1 (after a byte order mark, if any).
        case fileStart = "file-start"
        /// Ends the file, which has no final newline.
        case fileEnd = "file-end"
        /// More than 100 KiB into its line.
        case longLine = "long-line"
        /// Its line holds non-ASCII text.
        case nonASCII = "non-ascii"
        case utf8BOM = "utf-8-bom"
        case crlf
    }

    /// What a look-alike imitates; none of them is a secret.
    public enum LookAlikeKind: String, CaseIterable, Sendable {
        case gitSHA = "git-sha"
        case uuid
        case hexHash = "hex-hash"
        case sri
        case jwks
        case x5c
        case base64Image = "base64-image"
        case pemCertificate = "pem-certificate"
        case lorem = "lorem-ipsum"
        case truncatedJWT = "truncated-jwt"
        case truncatedSignature = "truncated-signature"
        case truncatedProvider = "truncated-provider"
        case notAJWT = "eyj-not-json"
        case masked
        case placeholder
        case badChecksum = "bad-checksum"
        case identifier
        case randomBase64 = "random-base64"
        // Written by the named-value corpus (`NamedValueCorpus`) only.
        case version
        case path
        case url
        case environmentReference = "environment-reference"
        case counting
        case notACredentialName = "not-a-credential-name"
        case base64OfText = "base64-of-text"
        case prose
        // Written by the signed-URL corpus (`SignedURLCorpus`) only.
        case expiredSignedURL = "expired-signed-url"
        // Written by the bearer-format corpus (`BearerFormatCorpus`) only: a SAML message that
        // carries no assertion (an AuthnRequest, a logout message, metadata, a failed response).
        case samlMessage = "saml-message"

        /// The kinds only the named-value, signed-URL and bearer-format corpora write (the issue #4
        /// corpus need not hold them).
        public static let namedValueOnly: Set<LookAlikeKind> = [
            .version, .path, .url, .environmentReference, .counting, .notACredentialName, .base64OfText, .prose, .expiredSignedURL, .samlMessage,
        ]
    }

    /// A token that must be reported, where and as what.
    public struct Token: Sendable, Hashable, CustomStringConvertible {
        /// Path, start, end and the expected finding `kind`.
        public var expectation: FixtureCorpus.Expectation
        /// The rule expected to report it (informative).
        public var ruleId: String
        /// What was minted: `github:ghp`, `jwt:hs256-weak-key`, `bearer:opaque` …
        public var label: String
        public var encodings: [String]
        public var traits: [String]
        /// The file's type: its extension, or `Dockerfile`.
        public var fileType: String
        /// The token itself (never written to the manifest).
        public var secret: String

        public var description: String {
            "\(expectation) rule=\(ruleId) label=\(label) encodings=\(encodings.isEmpty ? "raw" : encodings.joined(separator: "+"))"
                + (traits.isEmpty ? "" : " traits=\(traits.joined(separator: ","))")
        }
    }

    /// A place that must not be reported.
    public struct LookAlike: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var column: Int
        public var endLine: Int
        public var endColumn: Int
        public var kind: String
        /// The look-alike's text, cut to 60 characters.
        public var sample: String
        public var description: String { "\(path):\(line):\(column)-\(endLine):\(endColumn) \(kind) \(sample)" }
    }

    public struct Corpus: Sendable {
        public var files: [FixtureCorpus.File]
        public var tokens: [Token]
        public var lookAlikes: [LookAlike]
    }

    /// The corpus for `seed`: the same files, tokens and look-alikes on every run.
    public static func generate(seed: UInt64 = defaultSeed) -> Corpus {
        var writer = CorpusWriter(seed: seed)
        let docs = writer.writeAll()
        var corpus = Corpus(files: [], tokens: [], lookAlikes: [])
        for doc in docs { finish(doc, into: &corpus) }
        return corpus
    }

    /// `Dockerfile` for Dockerfiles, else the name's last extension (`env` for `.env`).
    public static func fileType(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("Dockerfile") { return "Dockerfile" }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex || name.count > 1 else { return "(none)" }
        return String(name[name.index(after: dot)...])
    }

    /// The manifests `fixturegen labelled` writes: one token or look-alike per line, secrets left out.
    public static func manifest(_ corpus: Corpus) -> (tokens: String, lookAlikes: String) {
        (corpus.tokens.map(\.description).joined(separator: "\n") + "\n",
         corpus.lookAlikes.map(\.description).joined(separator: "\n") + "\n")
    }

    // MARK: finishing a file

    static func finish(_ doc: Doc, into corpus: inout Corpus) {
        let text = doc.body.bytes
        // One sweep over the text gives the position of every offset a mark needs.
        var wanted = Set<Int>()
        for mark in doc.body.marks {
            wanted.insert(mark.range.lowerBound)
            wanted.insert(mark.range.upperBound)
        }
        var positions: [Int: (line: Int, column: Int, lineStart: Int)] = [:]
        var nonASCIILines = Set<Int>()
        var line = 1, column = 1, lineStart = 0
        var pending = wanted.sorted()[...]
        text.withUnsafeBufferPointer { bytes in
            for offset in 0...bytes.count {
                while let next = pending.first, next == offset {
                    positions[next] = (line, column, lineStart)
                    pending = pending.dropFirst()
                }
                guard offset < bytes.count else { break }
                let byte = bytes[offset]
                if byte == 0x0A {
                    line += 1
                    column = 1
                    lineStart = offset + 1
                } else {
                    if byte & 0xC0 != 0x80 { column += 1 }
                    if byte >= 0x80 { nonASCIILines.insert(line) }
                }
            }
        }
        func position(_ offset: Int) -> (line: Int, column: Int) {
            let found = positions[offset]!
            return (found.line, found.column)
        }
        func lineHasNonASCII(_ line: Int) -> Bool { nonASCIILines.contains(line + 1) }
        let fileType = fileType(of: doc.path)
        for mark in doc.body.marks.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            let start = position(mark.range.lowerBound), end = position(mark.range.upperBound)
            switch mark.what {
            case .token(let secret):
                var encodings = mark.encodings
                if let utf16 = doc.utf16 { encodings.insert(utf16, at: 0) }
                var traits = mark.traits
                if mark.range.lowerBound == 0 { traits.append(.fileStart) }
                if mark.range.upperBound == text.count && text.last != 0x0A { traits.append(.fileEnd) }
                if mark.range.lowerBound - positions[mark.range.lowerBound]!.lineStart > 100 * 1024 { traits.append(.longLine) }
                if (start.line...end.line).contains(where: { lineHasNonASCII($0 - 1) }) { traits.append(.nonASCII) }
                if doc.utf8BOM { traits.append(.utf8BOM) }
                if doc.crlf { traits.append(.crlf) }
                corpus.tokens.append(Token(
                    expectation: FixtureCorpus.Expectation(
                        path: doc.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column,
                        kind: secret.kind),
                    ruleId: secret.rule, label: secret.label, encodings: encodings.map(\.rawValue),
                    traits: traits.map(\.rawValue), fileType: fileType, secret: secret.value))
            case .lookAlike(let kind, let sample):
                let cut = sample.replacingOccurrences(of: "\n", with: "⏎")
                corpus.lookAlikes.append(LookAlike(
                    path: doc.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column,
                    kind: kind.rawValue, sample: cut.count > 60 ? String(cut.prefix(59)) + "…" : cut))
            }
        }
        var bytes = text
        if doc.crlf {
            bytes = []
            for byte in text {
                if byte == 0x0A { bytes.append(0x0D) }
                bytes.append(byte)
            }
        }
        if let utf16 = doc.utf16 {
            let units = Array(String(decoding: bytes, as: UTF8.self).utf16)
            let bigEndian = utf16 == .utf16be
            bytes = doc.utf16BOM ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
            for unit in units {
                let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
                bytes += bigEndian ? [high, low] : [low, high]
            }
        } else if doc.utf8BOM {
            bytes = [0xEF, 0xBB, 0xBF] + bytes
        }
        corpus.files.append(FixtureCorpus.File(path: doc.path, bytes: bytes))
    }
}

// MARK: - Judging a scan against the labels

extension LabelledCorpus {
    /// A finding as the evaluation needs it (path relative to the corpus root).
    public struct Reported: Sendable, Hashable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var column: Int
        public var endLine: Int
        public var endColumn: Int
        public var kind: String
        public var ruleId: String
        public var encodings: [String]
        public init(path: String, line: Int, column: Int, endLine: Int, endColumn: Int, kind: String, ruleId: String, encodings: [String]) {
            self.path = path
            self.line = line
            self.column = column
            self.endLine = endLine
            self.endColumn = endColumn
            self.kind = kind
            self.ruleId = ruleId
            self.encodings = encodings
        }
        public var description: String {
            "\(path):\(line):\(column)-\(endLine):\(endColumn) \(kind) (\(ruleId))"
                + (encodings.isEmpty ? "" : " encodings=\(encodings.joined(separator: "+"))")
        }
    }

    /// What to compare beyond path, start and kind.
    public struct Strictness: Sendable {
        /// Compare `endLine` / `endColumn` too.
        public var end = true
        /// Compare the finding's `encodings` with the token's (names may still change).
        public var encodings = false
        public init(end: Bool = true, encodings: Bool = false) {
            self.end = end
            self.encodings = encodings
        }
    }

    /// The outcome of one scan of the corpus.
    public struct Evaluation: Sendable {
        public var found: [Token] = []
        /// Tokens with nothing at their start.
        public var missed: [Token] = []
        /// Tokens with a finding at their start that differs (kind, end, encodings), and why.
        public var wrong: [(token: Token, reported: Reported, why: String)] = []
        /// Findings not accounted for by a token, each with where it sits (a look-alike, inside a
        /// token's span, or elsewhere).
        public var unexpected: [(reported: Reported, at: String)] = []
        /// Look-alikes that some unexpected finding overlaps.
        public var reportedLookAlikes: [LookAlike] = []
        public var lookAlikeCount = 0

        public var passed: Bool { missed.isEmpty && wrong.isEmpty && unexpected.isEmpty }
        public var tokenCount: Int { found.count + missed.count + wrong.count }
    }

    public static func evaluate(_ corpus: Corpus, findings: [Reported], strictness: Strictness = Strictness()) -> Evaluation {
        struct Start: Hashable {
            var path: String
            var line: Int
            var column: Int
        }
        var byStart: [Start: [Int]] = [:]
        for (index, finding) in findings.enumerated() {
            byStart[Start(path: finding.path, line: finding.line, column: finding.column), default: []].append(index)
        }
        var used = Set<Int>()
        var evaluation = Evaluation()
        evaluation.lookAlikeCount = corpus.lookAlikes.count
        func mismatch(_ token: Token, _ finding: Reported) -> String? {
            var reasons: [String] = []
            if finding.kind != token.expectation.kind { reasons.append("kind \(finding.kind), expected \(token.expectation.kind)") }
            if strictness.end && (finding.endLine, finding.endColumn) != (token.expectation.endLine, token.expectation.endColumn) {
                reasons.append("end \(finding.endLine):\(finding.endColumn), expected \(token.expectation.endLine):\(token.expectation.endColumn)")
            }
            if strictness.encodings && finding.encodings != token.encodings
                && !(contextual.contains(token.expectation.kind) && isSubsequence(finding.encodings, of: token.encodings)) {
                reasons.append("encodings \(finding.encodings), expected \(token.encodings)")
            }
            return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        }
        for token in corpus.tokens {
            let key = Start(path: token.expectation.path, line: token.expectation.line, column: token.expectation.column)
            let candidates = (byStart[key] ?? []).filter { !used.contains($0) }
            if let exact = candidates.first(where: { mismatch(token, findings[$0]) == nil }) {
                used.insert(exact)
                evaluation.found.append(token)
            } else if let near = candidates.first {
                used.insert(near)
                evaluation.wrong.append((token, findings[near], mismatch(token, findings[near]) ?? ""))
            } else {
                evaluation.missed.append(token)
            }
        }
        func contains(_ path: String, _ line: Int, _ column: Int, _ endLine: Int, _ endColumn: Int, _ finding: Reported) -> Bool {
            path == finding.path && (line, column) <= (finding.line, finding.column) && (finding.line, finding.column) < (endLine, endColumn)
        }
        var flagged = Set<LookAlike>()
        for (index, finding) in findings.enumerated() where !used.contains(index) {
            var place = "elsewhere"
            if let lookAlike = corpus.lookAlikes.first(where: {
                contains($0.path, $0.line, $0.column, $0.endLine, $0.endColumn, finding)
                    || (finding.path == $0.path && (finding.line, finding.column) < ($0.line, $0.column)
                        && ($0.line, $0.column) < (finding.endLine, finding.endColumn))
            }) {
                place = "look-alike \(lookAlike.kind): \(lookAlike.sample)"
                if flagged.insert(lookAlike).inserted { evaluation.reportedLookAlikes.append(lookAlike) }
            } else if let token = corpus.tokens.first(where: {
                let e = $0.expectation
                return contains(e.path, e.line, e.column, e.endLine, e.endColumn, finding)
            }) {
                place = "inside token \(token.label) at \(token.expectation.line):\(token.expectation.column)"
            }
            evaluation.unexpected.append((finding, place))
        }
        return evaluation
    }

    /// Kinds identified by their context (`Bearer …`, `JWT_SECRET=…`): a layer that only encoded
    /// the context may be one the rule reads as written (`Bearer%20…`), so a finding may list fewer.
    static let contextual: Set<String> = ["bearer", "hmac-secret"]

    static func isSubsequence(_ short: [String], of long: [String]) -> Bool {
        var iterator = long.makeIterator()
        return short.allSatisfy { element in
            while let next = iterator.next() { if next == element { return true } }
            return false
        }
    }

    /// Recall by kind, label, encodings, trait and file type, and false positives by look-alike
    /// kind: a table to read when the corpus test fails.
    public static func report(_ evaluation: Evaluation, corpus: Corpus) -> String {
        let foundSet = Set(evaluation.found)
        var lines: [String] = []
        let total = evaluation.tokenCount
        lines.append("tokens: \(evaluation.found.count)/\(total) found (\(percent(evaluation.found.count, total))), "
            + "\(evaluation.wrong.count) at the right start but wrong, \(evaluation.missed.count) missed; "
            + "unexpected findings: \(evaluation.unexpected.count); look-alikes reported: "
            + "\(evaluation.reportedLookAlikes.count)/\(evaluation.lookAlikeCount)")
        func table(_ title: String, _ keys: (Token) -> [String]) {
            var counts: [String: (found: Int, all: Int)] = [:]
            for token in corpus.tokens {
                for key in keys(token) {
                    counts[key, default: (0, 0)].all += 1
                    if foundSet.contains(token) { counts[key, default: (0, 0)].found += 1 }
                }
            }
            lines.append("recall by \(title):")
            for (key, count) in counts.sorted(by: { $0.key < $1.key }) {
                let mark = count.found == count.all ? " " : "✗"
                lines.append("  \(mark) \(key.padding(toLength: 34, withPad: " ", startingAt: 0)) \(count.found)/\(count.all) \(percent(count.found, count.all))")
            }
        }
        table("kind") { [$0.expectation.kind] }
        table("encodings") { [$0.encodings.isEmpty ? "raw" : $0.encodings.joined(separator: "+")] }
        table("single encoding layer") { $0.encodings.isEmpty ? ["raw"] : Array(Set($0.encodings)) }
        table("trait") { $0.traits.isEmpty ? ["(none)"] : $0.traits }
        table("file type") { [$0.fileType] }
        table("label") { [$0.label] }
        var byKind: [String: (reported: Int, all: Int)] = [:]
        for lookAlike in corpus.lookAlikes { byKind[lookAlike.kind, default: (0, 0)].all += 1 }
        for lookAlike in evaluation.reportedLookAlikes { byKind[lookAlike.kind, default: (0, 0)].reported += 1 }
        lines.append("look-alikes reported (false positives) by kind:")
        for (key, count) in byKind.sorted(by: { $0.key < $1.key }) {
            let mark = count.reported == 0 ? " " : "✗"
            lines.append("  \(mark) \(key.padding(toLength: 34, withPad: " ", startingAt: 0)) \(count.reported)/\(count.all)")
        }
        return lines.joined(separator: "\n")
    }

    private static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "–" : String(format: "%.1f %%", Double(part) * 100 / Double(whole))
    }
}
