import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// `tokenscan decode`: the analysis of one token given directly, as the finding a scan would report
/// for it (path "-", line 1).
public enum TokenDecoder {
    public enum DecodeError: Error, CustomStringConvertible {
        case notAToken(String)
        public var description: String {
            switch self {
            case .notAToken(let why): why
            }
        }
    }

    public static func finding(for token: String, settings: AnalysisSettings, rules: [Rule]) throws(DecodeError) -> Finding {
        // Trimmed as bytes: a pasted token may be megabytes long, and it is ASCII where it matters.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
        var bytes = Array(token.utf8)
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        let leading = bytes.prefix(while: isSpace).count
        if leading > 0 { bytes.removeFirst(leading) }
        bytes = stripHeader(bytes)
        let trimmed = String(decoding: bytes, as: UTF8.self)
        let ruleID: String
        var validation = "jwt"
        switch JWT.decode(bytes) {
        case .success(let jwt): ruleID = jwt.form == .jwe ? "jwe" : "jwt"
        // Too large or too deep to decode: still a JWT, assessed without its claims.
        case .failure(.limitExceeded): ruleID = "jwt"
        case .failure(let error):
            // Another format's prefix makes it that format's to decode or refuse.
            guard let decoder = ClaimsDecoders.all.first(where: { $0.recognises(bytes) }) else {
                throw .notAToken("not a JWT (nor a PASETO, Fernet, macaroon, Biscuit, Branca or SAML token): \(describe(error))")
            }
            if case .failure(let why) = decoder.decode(bytes) { throw .notAToken("not a \(decoder.ruleID) token: \(why.message)") }
            ruleID = decoder.ruleID
            validation = decoder.validation
        }
        let rule = rules.first { $0.id == ruleID } ?? Rule(id: ruleID, kind: ruleID, regex: ".", validate: [validation])
        let endColumn = trimmed.unicodeScalars.count + 1
        let hit = SearchHit(
            ruleIndex: 0, secret: bytes, byteRange: 0..<bytes.count, start: TextPosition(line: 1, column: 1),
            end: TextPosition(line: 1, column: endColumn), context: bytes, secretInContext: 0..<bytes.count)
        switch Analyzer(settings: settings).analyze(hit, rule: rule, path: "-") {
        case .success(let finding): return finding
        case .failure(let dismissal): throw .notAToken("not reported: \(dismissal.rawValue)")
        }
    }

    /// Takes `Authorization:` and `Bearer ` off the front (any case), so a header copied from a
    /// log or a curl command decodes as the token it carries; likewise RFC 9449's `DPoP` scheme
    /// (`Authorization: DPoP …`) and proof header (`DPoP: …`), and the header LND's REST proxy
    /// reads a macaroon from (`Grpc-Metadata-macaroon: …`).
    package static func stripHeader(_ bytes: [UInt8]) -> [UInt8] {
        func dropPrefix(_ prefix: String, from bytes: [UInt8]) -> [UInt8]? {
            let prefix = Array(prefix.utf8)
            guard bytes.count > prefix.count,
                  zip(bytes, prefix).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) else { return nil }
            return Array(bytes.dropFirst(prefix.count).drop { $0 == 0x20 || $0 == 0x09 })
        }
        var rest = bytes
        for name in ["authorization", "dpop", "grpc-metadata-macaroon"] {
            if let afterName = dropPrefix(name, from: rest), afterName.first == UInt8(ascii: ":") {
                rest = Array(afterName.dropFirst().drop { $0 == 0x20 || $0 == 0x09 })
                break
            }
        }
        for scheme in ["bearer", "dpop"] {
            if let afterScheme = dropPrefix(scheme, from: rest), afterScheme.count < rest.count - scheme.utf8.count {
                rest = afterScheme
                break
            }
        }
        return rest
    }

    package static func describe(_ error: JWT.DecodeError) -> String {
        switch error {
        case .segmentCount(let count): "a JWT has 3 (JWS) or 5 (JWE) dot-separated parts, this has \(count)"
        case .badBase64(let segment): "part \(segment + 1) is not base64url"
        case .notJSONObject(let segment): "part \(segment + 1) does not decode to a JSON object"
        case .missingAlgorithm: "the header has no \"alg\" (or a JWE header no \"enc\")"
        case .limitExceeded(let limit, _):
            switch limit {
            case .length(let maximum): "longer than \(maximum) bytes"
            case .depth(let segment, let maximum): "part \(segment + 1) nests deeper than \(maximum) levels"
            case .size(let segment, let bytes, let maximum): "part \(segment + 1) takes \(bytes) bytes, more than \(maximum)"
            }
        }
    }

    /// The human-readable rendering of a decoded finding.
    public static func describe(_ finding: Finding, now: Date) -> String {
        var out = ""
        if let decoded = finding.decoded { return describe(decoded, finding: finding, now: now) }
        guard let jwt = finding.jwt else {
            // A JWT beyond a decoding limit: no header or claims to show, only the verdict.
            out += "Claims        not decoded\n"
            return out + verdict(finding)
        }
        out += "Header (\(jwt.form == .jwe ? "JWE" : "JWS"))\n"
        for key in jwt.header.keys.sorted() { out += "  \(name(key)) \(render(jwt.header[key]!))\n" }
        if jwt.form == .jws {
            out += claimsSection(jwt.claims, scopes: jwt.scopes, timeClaims: ["exp", "nbf", "iat", "auth_time"], time: \.number, now: now)
            out += "Signature     \(jwt.signature?.rawValue ?? "n/a")\n"
            out += "Token class   \(jwt.tokenClass?.rawValue ?? "unknown")\n"
            if let provider = jwt.provider { out += "Provider      \(TerminalText.escape(provider))\n" }
            if let nested = jwt.nestedHeader {
                out += "Nested JWT    inner header \(render(.object(nested)))\n"
            }
        }
        out += "Expiry        \(jwt.expiry.status.rawValue)\(jwt.expiry.expiresAt.map { " (\($0))" } ?? "")\n"
        return out + verdict(finding)
    }

    /// Another format's token (`ClaimsDecoder`): what it states, its claims and the verdict.
    private static func describe(_ decoded: DecodedTokenReport, finding: Finding, now: Date) -> String {
        var out = "Token (\(decoded.format.uppercased()))\n"
        for key in decoded.header.keys.sorted() { out += "  \(name(key)) \(render(decoded.header[key]!))\n" }
        if decoded.encrypted {
            out += "Claims        encrypted\n"
        } else {
            out += claimsSection(decoded.claims, scopes: decoded.scopes, timeClaims: ["exp", "nbf", "iat"], time: ClaimTime.seconds, now: now)
            out += "Token class   \(decoded.tokenClass?.rawValue ?? "unknown")\n"
            out += "Expiry        \(decoded.expiry.status.rawValue)\(decoded.expiry.expiresAt.map { " (\($0))" } ?? "")\n"
        }
        return out + verdict(finding)
    }

    // Header and claims are the token's, written by whoever made it: escaped for the terminal.
    private static func render(_ value: JSONValue) -> String {
        if case .string(let string) = value { return TerminalText.escape(string) }
        return TerminalText.escape(TokenMinter.canonicalJSON(value))
    }

    private static func name(_ key: String, width: Int = 12) -> String {
        TerminalText.escape(key).padded(toLength: width)
    }

    /// The claims, times with their date and distance from now, and the scopes read from them.
    private static func claimsSection(
        _ claims: [String: JSONValue], scopes: [ScopeReport], timeClaims: Set<String>, time: (JSONValue) -> Double?, now: Date
    ) -> String {
        var out = "Claims\n"
        for key in claims.keys.sorted() {
            // Statements grouped by where they stand (a Biscuit's blocks of Datalog): one a line.
            if case .object(let groups) = claims[key]!, !groups.isEmpty, groups.values.allSatisfy({ $0.array?.allSatisfy { $0.string != nil } ?? false }) {
                out += "  \(TerminalText.escape(key))\n"
                for group in groups.keys.sorted() {
                    out += "    \(TerminalText.escape(group))\n"
                    for line in groups[group]!.array! { out += "      \(TerminalText.escape(line.string!))\n" }
                }
                continue
            }
            var line = "  \(name(key)) \(render(claims[key]!))"
            if timeClaims.contains(key), let seconds = time(claims[key]!) {
                let date = Date(timeIntervalSince1970: seconds)
                line += "  (\(RelativeTime.iso8601(date)), \(RelativeTime.describe(date.timeIntervalSince(now))))"
            }
            out += line + "\n"
        }
        if !scopes.isEmpty {
            out += "Scopes\n"
            for scope in scopes { out += "  \(name(scope.value, width: 40)) \(scope.class.rawValue)\n" }
        }
        return out
    }

    private static func verdict(_ finding: Finding) -> String {
        var out = "Risk          \(finding.severity.rawValue.uppercased()) (score \(finding.score))\n"
        for reason in finding.reasons { out += "  - \(TerminalText.escape(reason.message)) [\(reason.code)]\n" }
        return out
    }
}
