import FoundationEssentials
import TokenFormats

/// The time a log record states for itself: the first ISO 8601 timestamp on its line
/// (`2025-06-01T10:00:00Z`, `2025-06-01 10:00:00.123+02:00`, a JSON log's `"ts"`) or the Common Log
/// Format's `[10/Oct/2000:13:55:36 -0700]`. A time without an offset is UTC.
///
/// Why: what a record says about a lifetime (`Max-Age`) counts from when it was written, not from
/// when it is scanned (design §5).
public enum RecordTime {
    public static func find(in line: [UInt8]) -> Date? {
        var index = 0
        while index < line.count {
            if let date = iso8601(line, at: index) ?? commonLog(line, at: index) { return date }
            index += 1
        }
        return nil
    }

    /// The whole of `text` is an ISO 8601 time (a HAR cookie's `expires`).
    public static func iso8601(_ text: [UInt8]) -> Date? { iso8601(text, at: 0) }

    /// The `startedDateTime` of the last HAR entry that starts in `text`: the time a response in
    /// that entry was sent.
    public static func harEntryStart(in text: [UInt8]) -> Date? {
        let key = Array("\"startedDateTime\"".utf8)
        guard text.count >= key.count else { return nil }
        var start = text.count - key.count
        while start >= 0 {
            if text[start] == key[0], text[start..<(start + key.count)].elementsEqual(key) {
                return find(in: Array(text[(start + key.count)...].prefix(64)))
            }
            start -= 1
        }
        return nil
    }

    private static func number(_ line: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= line.count else { return nil }
        var value = 0
        for byte in line[start..<(start + count)] {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static func byte(_ line: [UInt8], _ index: Int) -> UInt8? { index < line.count ? line[index] : nil }

    private static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, offset: Int) -> Date? {
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 60 else { return nil }
        let seconds = ClaimTime.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH[:]MM]` starting at `index`, not inside a longer number.
    private static func iso8601(_ line: [UInt8], at index: Int) -> Date? {
        if index > 0, line[index - 1] >= 0x30 && line[index - 1] <= 0x39 { return nil }
        guard let year = number(line, index, 4), byte(line, index + 4) == UInt8(ascii: "-"), let month = number(line, index + 5, 2),
            byte(line, index + 7) == UInt8(ascii: "-"), let day = number(line, index + 8, 2),
            byte(line, index + 10) == UInt8(ascii: "T") || byte(line, index + 10) == UInt8(ascii: " "),
            let hour = number(line, index + 11, 2), byte(line, index + 13) == UInt8(ascii: ":"), let minute = number(line, index + 14, 2),
            byte(line, index + 16) == UInt8(ascii: ":"), let second = number(line, index + 17, 2)
        else { return nil }
        var cursor = index + 19
        if byte(line, cursor) == UInt8(ascii: ".") || byte(line, cursor) == UInt8(ascii: ",") {
            cursor += 1
            while let next = byte(line, cursor), next >= 0x30 && next <= 0x39 { cursor += 1 }
        }
        var offset = 0
        if let sign = byte(line, cursor), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let hours = number(line, cursor + 1, 2) {
            let colon = byte(line, cursor + 3) == UInt8(ascii: ":") ? 1 : 0
            let minutes = number(line, cursor + 3 + colon, 2) ?? 0
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        return date(year, month, day, hour, minute, second, offset: offset)
    }

    private static let months = Array("JanFebMarAprMayJunJulAugSepOctNovDec".utf8)

    /// `[DD/Mon/YYYY:HH:MM:SS ±HHMM]` with `[` at `index`.
    private static func commonLog(_ line: [UInt8], at index: Int) -> Date? {
        guard line[index] == UInt8(ascii: "["), let day = number(line, index + 1, 2), byte(line, index + 3) == UInt8(ascii: "/"),
            index + 7 <= line.count, byte(line, index + 7) == UInt8(ascii: "/")
        else { return nil }
        let name = Array(line[(index + 4)..<(index + 7)])
        guard let monthIndex = stride(from: 0, to: months.count, by: 3).first(where: { Array(months[$0..<($0 + 3)]) == name }),
            let year = number(line, index + 8, 4), byte(line, index + 12) == UInt8(ascii: ":"), let hour = number(line, index + 13, 2),
            byte(line, index + 15) == UInt8(ascii: ":"), let minute = number(line, index + 16, 2),
            byte(line, index + 18) == UInt8(ascii: ":"), let second = number(line, index + 19, 2)
        else { return nil }
        var offset = 0
        if byte(line, index + 21) == UInt8(ascii: " "), let sign = byte(line, index + 22), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = number(line, index + 23, 2), let minutes = number(line, index + 25, 2) {
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        return date(year, monthIndex / 3 + 1, day, hour, minute, second, offset: offset)
    }
}
