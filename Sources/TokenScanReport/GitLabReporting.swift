import FoundationEssentials
import TokenFormats
import TokenScanEngine
import TokenScanModel

/// What the two GitLab formats share: the wording of a finding, identities that follow a secret
/// instead of a line, and the times GitLab's schemas ask for.
package enum GitLabReporting {
    /// The sentence a merge request shows for a finding: severity, kind, score and the reasons,
    /// never the secret (the SARIF message says the same).
    package static func description(_ finding: Finding) -> String {
        let headline = "\(finding.severity.rawValue.capitalized) \(finding.kind) token (score \(finding.score))."
        return ([headline] + finding.reasons.map(\.message)).joined(separator: " ")
    }

    /// How a finding accepted inside the change is described: honoured, but named for the reviewer
    /// (design §8).
    package static func acceptance(_ accepted: AcceptedInChange) -> String {
        let how = accepted.acceptedBy == Dismissal.inlineAllow.rawValue
            ? "an inline allow comment on its line" : "a fingerprint the change adds to .tokenscanignore"
        return "\(accepted.severity.rawValue.capitalized) \(accepted.kind ?? "") token accepted in this change by \(how): "
            + "honoured, and listed for review before merging."
    }

    /// A UUID-shaped identity (RFC 9562 version 8, the version for application-defined bits)
    /// from the secret's keyed fingerprint, its path and its occurrence there. GitLab compares
    /// reports by these, so an alert follows a token through edits above it; the fingerprint is
    /// a keyed hash, so nothing of the secret can be recovered from the id.
    package static func stableID(_ parts: String...) -> String {
        let hex = Array(Digest.sha256Hex(Array(parts.joined(separator: "\u{0}").utf8)))
        let variant = String(Int(String(hex[16]), radix: 16)! & 0x3 | 0x8, radix: 16)
        return String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-8" + String(hex[13..<16]) + "-"
            + variant + String(hex[17..<20]) + "-" + String(hex[20..<32])
    }

    /// `yyyy-mm-ddThh:mm:ss` in UTC: the only form the security report schemas accept.
    package static func timestamp(_ date: Date) -> String {
        let text = RelativeTime.iso8601(date)
        return text.hasSuffix("Z") ? String(text.dropLast()) : text
    }

    /// Counts the occurrences of each secret in each file, so a secret repeated in one file gets
    /// one identity per occurrence (GitLab requires them unique within a report).
    package struct Occurrences {
        private var counts: [String: Int] = [:]
        package init() {}
        package mutating func next(path: String, fingerprint: String) -> Int {
            let key = "\(path)\u{0}\(fingerprint)"
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }
}
