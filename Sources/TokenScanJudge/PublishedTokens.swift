import TokenScanEngine

/// Provider tokens printed in the providers' own documentation (`Rules/doc-samples.txt`): info
/// with the reason `doc-sample`, like jwt.io's sample JWT, because they are copied into READMEs and
/// tests by the thousand and their publisher meant them to be seen. Exact matches only.
public struct PublishedTokens: Sendable {
    /// Where each token is published, by token.
    public let sources: [[UInt8]: String]

    /// Parses the file format: `TOKEN SOURCE…` per line, `# ` comments, blank lines ignored.
    public init(text: String) {
        var sources: [[UInt8]: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let token = parts.first, !token.isEmpty else { continue }
            sources[Array(token.utf8)] = parts.count > 1 ? String(parts[1]) : "documentation"
        }
        self.sources = sources
    }

    public static let builtin: PublishedTokens = {
        PublishedTokens(text: BuiltinResource.text("doc-samples.txt"))
    }()

    /// How to name `secret` in a reason ("the sample token of …"), if it is a published one.
    public func match(_ secret: [UInt8]) -> String? {
        sources[secret].map { "the sample token of \($0)" }
    }
}
