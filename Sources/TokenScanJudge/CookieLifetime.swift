import FoundationEssentials
import TokenFormats

/// When a cookie that a `Set-Cookie` header sets runs out: its `Max-Age`, counted from the
/// record's own time (RFC 6265 §5.2.2; it wins over `Expires`, §5.3 step 3), or its `Expires`
/// date (§5.2.1), read with the lenient cookie-date algorithm of §5.1.1 that browsers use.
///
/// Why: design §5 rates a session cookie whose lifetime has run out low, not medium — browsers no
/// longer send it, though the server may still honour the session. A log line records when the
/// response was sent; `Max-Age` counts from then, not from the scan.
public enum CookieLifetime {
    /// The end of life that the attributes after `value` state, when the line holding `value` in
    /// `context` is a `Set-Cookie` header (raw, `curl -v`'s `< set-cookie:`, a JSON log's key, a
    /// HAR header pair whose name is on the line before), or the `expires` of the HAR cookie object
    /// holding it; nil when it is neither, or the cookie states no lifetime (it lasts the
    /// browser's session). `before`/`after`: the text around the line (`SearchHit.before`), where
    /// a pretty-printed HAR keeps the pair's name, the entry's `startedDateTime` and `expires`.
    /// `now`: what `Max-Age` counts from when no time of the record's own is in reach.
    public static func expiry(context: [UInt8], value: Range<Int>, before: [UInt8] = [], after: [UInt8] = [], now: Date) -> Date? {
        guard value.upperBound <= context.count else { return nil }
        let lineStart = context[..<value.lowerBound].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineEnd = context[value.upperBound...].firstIndex(of: 0x0A) ?? context.count
        let line = Array(context[lineStart..<value.lowerBound])
        let inPair = contains(line, "\"value\"")
        // A HAR header pair, pretty-printed: `"name": "set-cookie",` on the line before `"value"`.
        guard contains(line, "set-cookie") || (inPair && contains(lastLine(of: before + context[..<lineStart]), "set-cookie")) else {
            return inPair ? harCookieExpires(Array(context[value.upperBound...]) + after) : nil
        }
        // The attributes run to the end of the header: the line, or a JSON string's closing quote.
        let rest = context[value.upperBound..<lineEnd]
        let attributes = rest.prefix { $0 != UInt8(ascii: "\"") }.split(separator: UInt8(ascii: ";"))
        var maxAge: Int?
        var expires: Date?
        for attribute in attributes {
            let text = String(decoding: attribute, as: UTF8.self)
            let parts = text.split(separator: "=", maxSplits: 1).map { String($0.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
            guard parts.count == 2 else { continue }
            switch parts[0].lowercased() {
            case "max-age": maxAge = Int(parts[1])
            case "expires": expires = cookieDate(parts[1])
            default: continue
            }
        }
        if let maxAge {
            let start = RecordTime.find(in: line) ?? RecordTime.harEntryStart(in: before + context[..<lineStart]) ?? now
            return start.addingTimeInterval(TimeInterval(maxAge))
        }
        return expires
    }

    /// A HAR cookie object's `"expires": "<ISO 8601>"`, after its `"value"` and before the
    /// object's `}` (`rest`: the text after the value of a `"value"` pair).
    private static func harCookieExpires(_ rest: [UInt8]) -> Date? {
        let object = rest.prefix { $0 != UInt8(ascii: "}") }
        let key = Array("\"expires\"".utf8)
        guard let at = firstIndex(of: key, in: Array(object)) else { return nil }
        var index = at + key.count
        let bytes = Array(object)
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == UInt8(ascii: ":") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let text = Array(bytes[(index + 1)...].prefix { $0 != UInt8(ascii: "\"") })
        return RecordTime.iso8601(text)
    }

    private static func lastLine(of text: [UInt8]) -> [UInt8] {
        var end = text.count
        while end > 0, text[end - 1] == 0x0A || text[end - 1] == 0x0D { end -= 1 }
        let start = text[..<end].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return Array(text[start..<end])
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { start in haystack[start..<(start + needle.count)].elementsEqual(needle) }
    }

    /// RFC 6265 §5.1.1: the date's tokens (runs of non-delimiters) give the time, the day of
    /// month, the month and the year in whatever order they come; `Wdy, DD Mon YYYY HH:MM:SS GMT`,
    /// RFC 850's `Weekday, DD-Mon-YY …` and asctime's `Wdy Mon D HH:MM:SS YYYY` all parse.
    static func cookieDate(_ text: String) -> Date? {
        var time: (Int, Int, Int)?
        var day: Int?, month: Int?, year: Int?
        let tokens = Array(text.utf8).split { isDelimiter($0) }
        for token in tokens {
            if time == nil, let parsed = timeOfDay(token) {
                time = parsed
            } else if day == nil, let digits = leadingDigits(token, 1...2) {
                day = digits
            } else if month == nil, token.count >= 3,
                let index = months.firstIndex(of: String(decoding: token.prefix(3), as: UTF8.self).lowercased()) {
                month = index + 1
            } else if year == nil, let digits = leadingDigits(token, 2...4) {
                year = digits
            }
        }
        guard let (hour, minute, second) = time, let day, let month, var year else { return nil }
        if (70...99).contains(year) { year += 1900 } else if (0...69).contains(year) { year += 2000 }
        guard (1...31).contains(day), year >= 1601, hour <= 23, minute <= 59, second <= 59 else { return nil }
        let days = ClaimTime.daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E.
    private static func isDelimiter(_ byte: UInt8) -> Bool {
        byte == 0x09 || (0x20...0x2F).contains(byte) || (0x3B...0x40).contains(byte) || (0x5B...0x60).contains(byte)
            || (0x7B...0x7E).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `count` digits at the token's start, then a non-digit or the end.
    private static func leadingDigits(_ token: ArraySlice<UInt8>, _ count: ClosedRange<Int>) -> Int? {
        let digits = token.prefix(while: isDigit)
        guard count.contains(digits.count) else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    /// `1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT`, then a non-digit or the end.
    private static func timeOfDay(_ token: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        let fields = token.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let hour = leadingDigits(fields[0], 1...2), fields[0].count == fields[0].prefix(while: isDigit).count,
            let minute = leadingDigits(fields[1], 1...2), fields[1].count == fields[1].prefix(while: isDigit).count,
            let second = leadingDigits(fields[2], 1...2)
        else { return nil }
        return (hour, minute, second)
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        return (0...(haystack.count - pattern.count)).contains { start in
            zip(haystack[start..<(start + pattern.count)], pattern).allSatisfy { $0 | 0x20 == $1 }
        }
    }
}
