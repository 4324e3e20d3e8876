import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// Writes a judged secret up as a `Finding`: the kind it turned out to be, its assessment, its
/// redacted form and fingerprint, and what its claims say. Location fields are left for the caller.
struct FindingAssembly {
    let settings: AnalysisSettings
    let redactor: Redactor

    func finding(_ secret: [UInt8], rule: Rule, facts: TokenFacts, assessment: Assessment) -> Finding {
        Finding(
            ruleId: rule.id,
            kind: facts.jwt.map { $0.form == .jwe ? "jwe" : "jwt" } ?? facts.kind,
            severity: assessment.severity,
            score: assessment.score,
            path: "", line: 0, column: 0, endLine: 0, endColumn: 0,
            secret: redactor.redact(String(decoding: secret, as: UTF8.self)),
            fingerprint: settings.fingerprinter.fingerprint(secret),
            jwt: facts.jwt.map { jwtReport($0, facts: facts) },
            decoded: facts.decoded.map { decodedReport($0, facts: facts) },
            reasons: assessment.reasons,
            tokenClass: facts.jwt == nil && facts.decoded == nil ? facts.declaredClass : nil,
            checksum: facts.verifiedChecksum?.rawValue)
    }

    private func expiryReport(_ facts: TokenFacts) -> ExpiryReport {
        let now = settings.now
        return ExpiryReport(
            status: facts.expiryStatus(at: now),
            expiresAt: facts.expiresAt.map(RelativeTime.iso8601),
            secondsLeft: facts.expiresAt.map { Int($0.timeIntervalSince(now).rounded(.down)) })
    }

    private func decodedReport(_ decoded: DecodedToken, facts: TokenFacts) -> DecodedTokenReport {
        DecodedTokenReport(
            format: decoded.format, header: decoded.header, claims: decoded.claims, encrypted: decoded.encrypted,
            expiry: expiryReport(facts),
            scopes: zip(facts.scopes, facts.scopeClasses).map { ScopeReport(value: $0.0, class: $0.1) },
            tokenClass: facts.tokenClass)
    }

    private func jwtReport(_ jwt: JWT, facts: TokenFacts) -> JWTReport {
        JWTReport(
            form: jwt.form,
            header: jwt.header,
            claims: jwt.claims,
            expiry: expiryReport(facts),
            scopes: zip(facts.scopes, facts.scopeClasses).map { ScopeReport(value: $0.0, class: $0.1) },
            signature: facts.signature,
            tokenClass: facts.tokenClass,
            provider: facts.provider?.name,
            nestedHeader: jwt.nestedHeader)
    }
}
