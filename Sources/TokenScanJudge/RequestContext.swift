import TokenFormats
import TokenScanEngine
import TokenScanModel
import TokenScanSearch

/// Reads a `RequestContext` off the line a token was found on.
extension RequestContext {
    private static let patterns: (request: Pattern, jsonMethod: Pattern, jsonPath: Pattern, field: Pattern, harName: Pattern) = {
        do {
            return (
                try Pattern(#"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE)\s+(?:https?://[^\s/"]+)?(/[^\s?#"]*)"#),
                try Pattern(#""(?:method|http_method|request_method|verb)"\s*:\s*"([A-Z]{3,7})""#, options: .caseInsensitive),
                try Pattern(#""(?:path|uri|url|request_uri|request_path)"\s*:\s*"(?:https?://[^/"]+)?(/[^"?#]*)"#, options: .caseInsensitive),
                // The name right before the token: `Authorization: Bearer `, `access_token=`, `"id_token": "`.
                try Pattern(#"([A-Za-z][A-Za-z0-9_.-]{0,63})["']?\s*(?:[:=]|%3[Dd])\s*["']?\s*(?:(?:Bearer|Basic|Token)(?:\s+|%20|\+))?$"#, options: .caseInsensitive),
                try Pattern(#""name"\s*:\s*"([A-Za-z][A-Za-z0-9-]{0,63})"\s*,\s*"value"\s*:\s*"(?:Bearer\s+)?$"#, options: .caseInsensitive)
            )
        } catch {
            fatalError("RequestContext patterns: \(error)")
        }
    }()

    /// Reads the context of `secret` in `line`; nil when the line shows nothing request-like.
    public static func parse(line: [UInt8], secret: Range<Int>, scratch: MatchScratch) -> RequestContext? {
        var context = RequestContext()
        line.withUnsafeBytes { buffer in
            func capture(_ pattern: Pattern, in subject: UnsafeRawBufferPointer, group: Int = 1) -> Range<Int>? {
                guard let match = try? scratch.firstMatch(pattern, in: subject, from: 0, group: group) else { return nil }
                return match.group
            }
            func text(_ range: Range<Int>) -> String { String(decoding: buffer[range], as: UTF8.self) }
            if let method = capture(patterns.request, in: buffer), let path = capture(patterns.request, in: buffer, group: 2) {
                context.method = text(method)
                context.path = path.overlaps(secret) ? text(path.lowerBound..<max(path.lowerBound, secret.lowerBound)) + "…" : text(path)
            } else {
                if let method = capture(patterns.jsonMethod, in: buffer) { context.method = text(method) }
                if let path = capture(patterns.jsonPath, in: buffer), !path.overlaps(secret) { context.path = text(path) }
            }
            let before = UnsafeRawBufferPointer(rebasing: buffer[0..<secret.lowerBound])
            if let name = capture(patterns.harName, in: before) ?? capture(patterns.field, in: before) {
                context.field = text(optionLetterDropped(name, in: buffer))
            }
        }
        return context.isEmpty ? nil : context
    }

    /// `name` without the option letter glued to its front: curl's cookie option `-bNAME=…` and a
    /// define `-DNAME=…` (Java system properties, CMake, C compilers), read as the `named-value`
    /// rule reads them (`Rules/named-values.toml`), so that a JWT in `curl -bsession=…` is shown
    /// in `session`, not in `bsession`.
    static func optionLetterDropped(_ name: Range<Int>, in line: UnsafeRawBufferPointer) -> Range<Int> {
        let start = name.lowerBound
        guard name.count > 1, start > 0, line[start - 1] == UInt8(ascii: "-"),
            line[start] == UInt8(ascii: "b") || line[start] == UInt8(ascii: "D"),
            start == 1 || [0x20, 0x09, UInt8(ascii: "\""), UInt8(ascii: "'")].contains(line[start - 2])
        else { return name }
        let next = line[start + 1]
        let startsName = (next | 0x20 >= 0x61 && next | 0x20 <= 0x7A) || next == UInt8(ascii: "_")
        return startsName ? (start + 1)..<name.upperBound : name
    }
}
