import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Design §5 as a pure function: (token facts, clock) → severity, score and reasons.
///
/// The severity is the first rule of the table that applies; modifiers then adjust it. The score
/// places the token inside its severity's band by how long it stays usable and how much it grants,
/// so that "never expires, admin" sorts above "expires tomorrow, read-only".
public struct RiskModel: Sendable {
    public init() {}

    public func assess(_ facts: TokenFacts, now: Date) -> Assessment {
        var reasons: [Reason] = []
        let broad = facts.broadScopes + facts.adminFlags.map { "\($0)=true" }
        let isBroad = !broad.isEmpty
        let status = facts.expiryStatus(at: now)
        let secondsLeft = facts.expiresAt.map { $0.timeIntervalSince(now) }
        var severity: Severity

        if let sample = facts.docSample {
            // A JWT sample's signing key is what the documentation publishes; a provider's sample
            // is the token itself.
            let why = facts.jwt == nil ? "printed there on purpose" : "published in documentation; its key is public on purpose"
            reasons.append(Reason("doc-sample", "This is \(sample), \(why)."))
            return Assessment(severity: .info, score: 5, reasons: reasons)
        }
        if let undecoded = facts.undecodedReason {
            // Its claims cannot be read (a decoding limit): like a JWE, treated as live; an
            // unsigned header still makes it forgeable.
            reasons.append(undecoded)
            guard facts.signature == .unsigned else { return Assessment(severity: .medium, score: 55, reasons: reasons) }
            reasons.append(Reason("alg-none", "The token is unsigned (alg \"none\"): anyone can forge a token like it with any claims."))
            return Assessment(severity: .high, score: 80, reasons: reasons)
        }
        // A JWT's claims, or another format's (`ClaimsDecoder`): judged by the same rows.
        guard facts.jwt != nil || facts.decoded != nil else {
            return opaque(facts, now: now)
        }
        let jwt = facts.jwt
        if let jwt, jwt.form == .jwe {
            reasons.append(Reason("jwe", "An encrypted JWT (JWE, \(jwt.header["enc"]?.string ?? "?")): its claims cannot be read without the key, so it is treated as live."))
            return Assessment(severity: .medium, score: 55, reasons: reasons)
        }
        if let decoded = facts.decoded, decoded.encrypted {
            let created = facts.issuedAt.map { " It was made \(RelativeTime.describe($0.timeIntervalSince(now))) (\(RelativeTime.iso8601($0))); the format states no expiry." } ?? ""
            reasons.append(Reason("encrypted-claims", "A \(decoded.name) token: its claims are encrypted and cannot be read without the key, so it is treated as live.\(created)"))
            return Assessment(severity: .medium, score: 55, reasons: reasons)
        }

        if facts.signature == .unsigned {
            let alg = jwt?.algorithm ?? "none"
            reasons.append(Reason("alg-none", "The token is unsigned (alg \"\(alg)\"): anyone can forge a token like it with any claims."))
        } else if facts.signature == .weakSecret, let source = facts.weakSecretSource {
            reasons.append(Reason("weak-hmac-secret", "Its \(jwt?.algorithm ?? "HMAC") signing key is exposed too (\(source)): anyone who reads it can forge tokens, whatever this token's expiry."))
        } else if facts.signature == .weakSecret {
            reasons.append(Reason("weak-hmac-secret", "Its \(jwt?.algorithm ?? "HMAC") signing key is a published default or weak secret: anyone can forge tokens signed with it, whatever this token's expiry."))
        }

        if facts.isForgeable {
            severity = isBroad ? .critical : .high
            if isBroad { reasons.append(scopeReason(broad, onlyWrite: facts.broadIsOnlyWrite)) }
            appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
        } else if status == .expired {
            severity = .low
            appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
            if isBroad { reasons.append(scopeReason(broad, onlyWrite: facts.broadIsOnlyWrite)) }
        } else if isBroad {
            severity = facts.expiresAt == nil ? .critical : .high
            reasons.append(scopeReason(broad, onlyWrite: facts.broadIsOnlyWrite))
            appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
        } else if facts.tokenClass == .refresh {
            severity = .high
            reasons.append(Reason("refresh-token", "A refresh token: it mints new access tokens for as long as the grant lives."))
            appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
        } else {
            severity = .medium
            if facts.tokenClass == .id {
                reasons.append(Reason("id-token", "An ID token: it identifies a user to a client and may be accepted as a credential by careless APIs."))
            }
            if facts.scopes.isEmpty {
                reasons.append(Reason("no-scope", "It carries no scope or role claims; what it grants depends on the API that accepts it."))
            } else {
                reasons.append(Reason("scope-narrow", "Its scopes (\(facts.scopes.prefix(8).joined(separator: " "))) are narrow or read-only."))
            }
            appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
        }

        if !facts.isForgeable, status != .expired, let secondsLeft, secondsLeft < 3600, severity > Severity.low {
            severity = severity.lowered
        }
        if let provider = facts.provider {
            reasons.append(Reason("provider", "Issued by \(provider.name)."))
            if provider.id == "supabase", jwt?.claims["role"]?.string == "anon" {
                reasons.append(Reason("public-by-design", "A Supabase anon key is shipped to browsers by design; it exposes data only where row-level security is off."))
            }
        }
        if facts.signature == .verified {
            reasons.append(Reason("signature-verified", "Its signature verifies with a key you supplied: it was issued by that key's owner."))
        } else if facts.signatureMismatch {
            reasons.append(Reason("signature-mismatch", "Its signature does not verify with the keys you supplied: forged, corrupted, or from another issuer."))
        }
        if let bound = facts.senderConstraint { reasons.append(bound) }
        reasons += facts.headerFlags
        let score = RiskModel.score(severity: severity, facts: facts, isBroad: isBroad, secondsLeft: secondsLeft)
        return Assessment(severity: severity, score: score, reasons: reasons)
    }

    /// Tokens without readable claims take their rule's severity (design §5, "tokens without
    /// claims"); the reason names the provider and class the rule declares, so that the reader
    /// knows what to revoke and where.
    ///
    /// A valid provider checksum places the token in the upper half of its band: it is certainly
    /// a token the provider issued, where a checksum-less match may still be a look-alike. When a
    /// provider token states its expiry (the JWT inside GitHub's stateless `ghs_` tokens), rows 2
    /// and 6 of §5 apply as to any JWT: expired is low, less than an hour left is one level lower.
    private func opaque(_ facts: TokenFacts, now: Date) -> Assessment {
        if let claims = facts.signedURL { return signedURL(facts, claims: claims, now: now) }
        let noun = [facts.providerName, facts.declaredClass ?? "\(facts.kind) token"].compactMap { $0 }.joined(separator: " ")
        var checked = facts.verifiedChecksum == nil ? "" : " (checksum valid)"
        if let name = facts.assignedName { checked += " assigned to `\(name)`" }
        var reasons = [Reason(
            "opaque-token",
            "\(RiskModel.article(for: noun)) \(noun)\(checked) whose scope and lifetime cannot be read from it: treat it as live.")]
        if let declared = facts.declaredClass, declared.lowercased().contains("refresh") {
            reasons.append(Reason("refresh-token", "A refresh token: it mints new access tokens for as long as the grant lives."))
        }
        var baseSeverity = facts.baseSeverity
        if facts.isAWSSessionToken, let place = facts.awsSecretKeyPlace {
            // Design §5: with its secret access key the session token signs requests as the role.
            baseSeverity = max(baseSeverity, .high)
            reasons.append(Reason(
                "aws-credential-set",
                "Its secret access key is in the same input (\(place)): together they sign requests as the session's role until the session ends. One finding for the set."))
        } else if facts.isAWSSessionToken {
            reasons.append(Reason(
                "aws-session-token",
                "An AWS session token cannot sign a request without its secret access key, which this input does not hold."))
        } else if let place = facts.awsSessionTokenPlace {
            // A live stream reported the token before its key came: the key's finding is the set's.
            baseSeverity = max(baseSeverity, .high)
            reasons.append(Reason(
                "aws-credential-set",
                "Its session token is in the same input (\(place), reported before this key came): together they sign requests as the session's role until the session ends. This finding is the set's."))
        }
        guard let expiresAt = facts.expiresAt else {
            let band = baseSeverity.scoreRange
            let middle = (band.lowerBound + band.upperBound) / 2
            let score = facts.verifiedChecksum == nil ? middle : middle + (band.upperBound - middle + 1) / 2
            return Assessment(severity: baseSeverity, score: score, reasons: reasons)
        }
        reasons[0].message = "\(RiskModel.article(for: noun)) \(noun)\(checked); its scope cannot be read from it."
        let secondsLeft = expiresAt.timeIntervalSince(now)
        let status = facts.expiryStatus(at: now)
        var severity = baseSeverity
        if status == .expired {
            severity = min(severity, .low)
        } else if secondsLeft < 3600 {
            severity = severity.lowered
        }
        appendExpiryReasons(facts, status: status, secondsLeft: secondsLeft, now: now, to: &reasons)
        let score = RiskModel.score(severity: severity, facts: facts, isBroad: false, secondsLeft: secondsLeft)
        return Assessment(severity: severity, score: score, reasons: reasons)
    }

    /// A signed URL that is still valid (an expired one is no finding: `SecretJudge`). Design §5:
    /// high when its permissions include a write-type right, medium when they only read or list or
    /// when the URL states none (AWS and GCS sign a request method the URL does not show). No
    /// "expires soon" step down: the issue fixes these two levels, and a log's URLs are judged
    /// against the scan's clock, long after most of them were issued.
    private func signedURL(_ facts: TokenFacts, claims: SignedURLClaims, now: Date) -> Assessment {
        let noun = [facts.providerName, facts.declaredClass ?? "signed URL"].compactMap { $0 }.joined(separator: " ")
        var reasons = [Reason(
            "signed-url",
            "\(RiskModel.article(for: noun)) \(noun): whoever holds the URL can use it, with no other credential, until it expires.")]
        let severity: Severity
        if !claims.writeRights.isEmpty {
            severity = .high
            reasons.append(Reason(
                "signed-url-write",
                "Its permissions (sp=\(claims.permissions ?? "")) include write-type rights: \(claims.writeRights.joined(separator: ", "))."))
        } else if let permissions = claims.permissions {
            severity = .medium
            reasons.append(Reason("signed-url-read", "Its permissions (sp=\(permissions)) only read or list."))
        } else {
            severity = .medium
            reasons.append(Reason(
                "signed-url-no-permissions",
                "The URL states no permissions: it signs one request, whose method it does not show; rated as read access."))
        }
        if let place = facts.signaturePairPlace {
            // A live stream reported the signature as a pair before the URL came: one credential.
            reasons.append(Reason(
                "signature-pair-reported",
                "Its signature was reported before this URL came, as the signature pair \(place): one credential, and that finding is this URL's."))
        }
        if claims.carriesSessionToken {
            reasons.append(Reason(
                "aws-session-token",
                "It carries an AWS session token (X-Amz-Security-Token), part of this finding: the URL works until it or the session expires."))
        }
        let secondsLeft = facts.expiresAt.map { $0.timeIntervalSince(now) }
        if let expiresAt = facts.expiresAt, let secondsLeft {
            reasons.append(Reason("expires", "The URL states it expires \(RelativeTime.describe(secondsLeft)) (\(RelativeTime.iso8601(expiresAt)))."))
        } else {
            reasons.append(Reason("no-expiry", "The URL states no expiry (se): a stored access policy holds it, or nothing limits it."))
        }
        let score = RiskModel.score(severity: severity, facts: facts, isBroad: !claims.writeRights.isEmpty, secondsLeft: secondsLeft)
        return Assessment(severity: severity, score: score, reasons: reasons)
    }

    /// "A" or "An" before `phrase`, by how its first word is spoken: a vowel sound ("an OAuth
    /// token"), or a word without vowels read letter by letter whose first letter's name starts
    /// with one ("an npm token", "an SSH key").
    package static func article(for phrase: String) -> String {
        let word = phrase.prefix { $0 != " " }.lowercased()
        guard let first = word.first else { return "A" }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
        if vowels.contains(first) { return "An" }
        let spelled = !word.contains(where: { vowels.contains($0) || $0 == "y" })
        return spelled && "fhlmnrsx".contains(first) ? "An" : "A"
    }

    private func scopeReason(_ broad: [String], onlyWrite: Bool) -> Reason {
        let list = broad.prefix(6).map { "`\($0)`" }.joined(separator: " ")
        let noun = broad.count == 1 ? "Scope" : "Scopes"
        let verb = broad.count == 1 ? "grants" : "grant"
        return Reason("scope-broad", "\(noun) \(list) \(verb) \(onlyWrite ? "write" : "administrative or wildcard") access.")
    }

    private func appendExpiryReasons(
        _ facts: TokenFacts, status: ExpiryStatus, secondsLeft: TimeInterval?, now: Date, to reasons: inout [Reason]
    ) {
        switch status {
        case .expired:
            let ago = RelativeTime.describe(secondsLeft ?? 0)
            reasons.append(Reason("expired", "The token claims to have expired \(ago) (\(RelativeTime.iso8601(facts.expiresAt!)))."))
        case .noExpiry:
            let missing = facts.decoded?.missingExpiry ?? "no exp claim"
            reasons.append(Reason("no-expiry", "The token has \(missing): it claims to be valid forever."))
        case .active, .notYetValid:
            if let secondsLeft {
                if secondsLeft < 3600 && !facts.isForgeable {
                    reasons.append(Reason("expires-soon", "The token claims to expire \(RelativeTime.describe(secondsLeft)); rated one level lower."))
                } else {
                    reasons.append(Reason("expires", "The token claims to expire \(RelativeTime.describe(secondsLeft))."))
                }
            }
        }
        if status == .notYetValid, let notBefore = facts.notBefore {
            reasons.append(Reason("not-yet-valid", "The token claims to become valid \(RelativeTime.describe(notBefore.timeIntervalSince(now))) (nbf \(RelativeTime.iso8601(notBefore))); it becomes live by itself."))
        }
    }

    /// Places the token inside its severity's band. Monotone: more remaining lifetime and broader
    /// scopes never lower it; a later `now` never raises it.
    package static func score(severity: Severity, facts: TokenFacts, isBroad: Bool, secondsLeft: TimeInterval?) -> Int {
        let lifetime: Double
        switch secondsLeft {
        case nil: lifetime = 1
        case let left? where left <= 0:
            // Expired: fades over a year.
            lifetime = max(0, 0.5 - (-left) / (86_400 * 365) * 0.5)
        case let left?:
            // Live: log scale from one minute to ten years.
            lifetime = min(1, max(0, log(max(left, 60) / 60) / log(10 * 365 * 86_400 / 60)))
        }
        let breadth: Double = isBroad ? 1 : (facts.scopes.isEmpty ? 0.5 : 0.3)
        let intensity = 0.6 * lifetime + 0.4 * breadth
        let band = severity.scoreRange
        return band.lowerBound + Int((intensity * Double(band.upperBound - band.lowerBound)).rounded(.down))
    }
}
