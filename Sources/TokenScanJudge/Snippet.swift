import TokenFormats
import TokenScanSearch

/// The line a secret stands on, as a report shows it.
enum Snippet {
    /// The secret's line, cut to 80 characters each side of the secret, with this secret replaced
    /// by `replacement` and every other match on the line redacted by `redactor`.
    static func make(_ hit: SearchHit, replacement: String, redactor: Redactor) -> String {
        // Spans may overlap (a token found raw and inside a decoded span): merge them first; the
        // merged span that holds this secret becomes the replacement, every other one is redacted.
        let own = Redactor.hiddenSpan(of: hit)
        var merged: [Range<Int>] = []
        for span in (hit.matchesInContext + [own]).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, span.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                merged.append(span)
            }
        }
        let secret = merged.first { $0.overlaps(own) } ?? own
        var before: [UInt8] = []
        var after: [UInt8] = []
        var cursor = 0
        for span in merged {
            if span == secret {
                before += hit.context[cursor..<span.lowerBound]
            } else {
                let redacted = Array(redactor.redact(String(decoding: hit.context[span], as: UTF8.self)).utf8)
                if span.lowerBound < secret.lowerBound {
                    before += hit.context[cursor..<span.lowerBound] + redacted
                } else {
                    after += hit.context[cursor..<span.lowerBound] + redacted
                }
            }
            cursor = span.upperBound
        }
        after += hit.context[cursor...]
        // A token joined across lines has a context of several lines; a snippet is one line.
        before = before.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
        after = after.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
        let head = String(decoding: before, as: UTF8.self).unicodeScalars
        let tail = String(decoding: after, as: UTF8.self).unicodeScalars
        var text = head.count > 80 ? "…" + String(String.UnicodeScalarView(head.suffix(80))) : String(head)
        text += replacement
        text += tail.count > 80 ? String(String.UnicodeScalarView(tail.prefix(80))) + "…" : String(tail)
        return text.trimming(.whitespaces)
    }
}
