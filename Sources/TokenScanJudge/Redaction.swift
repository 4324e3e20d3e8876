import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// How secrets appear in reports. Redacted by default: a report is copied into CI logs, tickets
/// and chat, and must not spread what it found.
public struct Redactor: Sendable {
    public var showSecrets: Bool
    public init(showSecrets: Bool) { self.showSecrets = showSecrets }

    /// A short non-secret prefix (enough to recognise the token type: `eyJh`, `ghp_`) and the length.
    public func redact(_ secret: String) -> String {
        if showSecrets { return secret }
        let count = secret.count
        let visible = count >= 20 ? 4 : 0
        return "\(secret.prefix(visible))…[\(count) chars redacted]"
    }
}

extension Redactor {
    /// The span of `hit.context` a snippet hides for the hit. A match longer than its rule's
    /// `maxLength` is reported from its first bytes, but the token goes on: the span runs to the end
    /// of the token's run of characters (the same `TokenRun` the matcher follows and `redact`
    /// masks), however long, so the end of the claims and the signature never show.
    package static func hiddenSpan(of hit: SearchHit) -> Range<Int> {
        guard hit.truncated, hit.secretInContext.upperBound <= hit.context.count else { return hit.secretInContext }
        let end = hit.context.withUnsafeBytes { context in
            TokenRun(UnsafeRawBufferPointer(rebasing: context[hit.secretInContext])).end(of: context, from: hit.secretInContext.upperBound)
        }
        return hit.secretInContext.lowerBound..<end
    }
}
