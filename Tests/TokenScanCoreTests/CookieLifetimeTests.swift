import XCTest
import FoundationEssentials
@testable import TokenScanJudge

/// `Set-Cookie` lifetimes (RFC 6265 §5.1.1 dates, §5.2.2 Max-Age from the record's own time) and
/// the times log records state for themselves.
final class CookieLifetimeTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z

    func expiry(_ line: String, value: String) -> Date? {
        let bytes = Array(line.utf8)
        guard let range = line.range(of: value) else { return nil }
        let start = line.utf8.distance(from: line.startIndex, to: range.lowerBound)
        return CookieLifetime.expiry(context: bytes, value: start..<(start + value.utf8.count), now: now)
    }

    func testTheCookieDateFormatsBrowsersAccept() {
        let expected = Date(timeIntervalSince1970: 1_445_412_480) // 2015-10-21T07:28:00Z
        for text in ["Wed, 21 Oct 2015 07:28:00 GMT", "Wednesday, 21-Oct-15 07:28:00 GMT", "Wed Oct 21 07:28:00 2015", "21 oct 2015 07:28:00"] {
            XCTAssertEqual(CookieLifetime.cookieDate(text), expected, text)
        }
        for text in ["yesterday", "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 25:28:00 GMT", "Wed, 21 Oct 1500 07:28:00 GMT"] {
            XCTAssertNil(CookieLifetime.cookieDate(text), text)
        }
    }

    func testMaxAgeCountsFromTheRecordsTimeAndWinsOverExpires() {
        let value = "k8v2q9x4m7n1p3r5t6w8y0z2a4c6e8g1"
        XCTAssertEqual(expiry("2025-06-01T10:00:00Z Set-Cookie: sid=\(value); Max-Age=60; Expires=Wed, 21 Oct 2099 07:28:00 GMT", value: value),
                       Date(timeIntervalSince1970: 1_748_772_060))
        XCTAssertEqual(expiry("[10/Oct/2000:13:55:36 -0700] Set-Cookie: sid=\(value); max-age=0", value: value),
                       Date(timeIntervalSince1970: 971_211_336))
        XCTAssertEqual(expiry("< set-cookie: sid=\(value); Max-Age=3600; HttpOnly", value: value), now.addingTimeInterval(3600))
        XCTAssertEqual(expiry("{\"set-cookie\": \"sid=\(value); Expires=Thu, 01 Jan 2015 00:00:00 GMT\", \"x\": \"Max-Age=1\"}", value: value),
                       Date(timeIntervalSince1970: 1_420_070_400))
    }

    func testOnlyASetCookieStatesALifetime() {
        let value = "k8v2q9x4m7n1p3r5t6w8y0z2a4c6e8g1"
        XCTAssertNil(expiry("Cookie: sid=\(value); Max-Age=0", value: value), "a request's cookie has no attributes")
        XCTAssertNil(expiry("Set-Cookie: sid=\(value); Path=/; HttpOnly", value: value), "a cookie of the browser's session")
        XCTAssertNil(expiry("Set-Cookie: a=1\nCookie: sid=\(value); Max-Age=0", value: value), "the Set-Cookie is another line")
    }

    func testRecordTimes() {
        XCTAssertEqual(RecordTime.find(in: Array("ts=2025-06-01 12:00:00.250+02:00 msg".utf8)), Date(timeIntervalSince1970: 1_748_772_000))
        XCTAssertNil(RecordTime.find(in: Array("version 12025-06-01 nothing".utf8)))
        XCTAssertEqual(RecordTime.find(in: Array("127.0.0.1 - - [01/Mar/2000:00:00:00 +0000] \"GET /\"".utf8)), Date(timeIntervalSince1970: 951_868_800))
    }
}
