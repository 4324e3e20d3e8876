import TokenScanEngine
import TokenScanSearch

/// The keywords of the rules that name a provider (`ghp_`, `glpat-` …).
///
/// Why: a value that starts with a provider's prefix is that provider's to judge. Without this
/// check a carrier rule (`access_token=…`) would report a GitHub token cut short, or one with a
/// wrong checksum, as an "opaque bearer token", and the JWT inside `ghs_<app id>_eyJ…` as a JWT of
/// its own.
struct ProviderPrefixes {
    private let prefixes: [[UInt8]]

    init(rules: [Rule]) {
        prefixes = Array(Set(rules.filter { $0.provider != nil }.flatMap(\.keywords))).sorted().map { Array($0.utf8) }
    }

    /// Whether `secret` starts with a provider's prefix.
    func starts(_ secret: [UInt8]) -> Bool {
        prefixes.contains { secret.starts(with: $0) }
    }

    /// Whether a provider's prefix (or marker, `T3BlbkFJ`) occurs anywhere in `secret`.
    func occurs(in secret: [UInt8]) -> Bool {
        prefixes.contains { Matcher.contains(secret, $0) }
    }

    /// Whether the run of token characters (`A-Z a-z 0-9 _ -`) right before the secret starts with a
    /// provider's prefix: the secret is then the tail of that provider's token (the JWT inside
    /// `ghs_<app id>_eyJ…`), which the provider's rule reports whole.
    func continuesProviderToken(_ hit: SearchHit) -> Bool {
        guard !prefixes.isEmpty else { return false }
        var start = hit.secretInContext.lowerBound
        while start > 0 {
            let byte = hit.context[start - 1]
            let isTokenCharacter = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            guard isTokenCharacter else { break }
            start -= 1
        }
        guard start < hit.secretInContext.lowerBound else { return false }
        let run = hit.context[start..<hit.secretInContext.lowerBound]
        return prefixes.contains { run.starts(with: $0) }
    }
}
