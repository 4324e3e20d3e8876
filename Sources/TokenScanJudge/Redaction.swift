import Crypto
import Foundation
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

/// Fingerprints identify a secret by content so that baselines and de-duplication survive edits,
/// moves and re-runs. HMAC-SHA256 with a key: a bare hash of a short secret could be brute-forced
/// back from a published report; an organisation can set its own key for consistent fingerprints.
public struct Fingerprinter: Sendable {
    package let key: SymmetricKey
    public static let defaultKey = "tokenscan-fingerprint-v1"

    public init(key: String = Fingerprinter.defaultKey) {
        self.key = SymmetricKey(data: Array(key.utf8))
    }

    public func fingerprint(_ secret: some Collection<UInt8>) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(secret), using: key)
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
