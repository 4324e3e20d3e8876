import Foundation
import XCTest
@testable import TokenFormats
@testable import TokenScanModel
@testable import TokenScanEngine
@testable import TokenScanSearch
@testable import TokenScanJudge
@testable import TokenScanSuppression
@testable import TokenScanSources
@testable import TokenScanReport
@testable import TokenScanApp

final class PathNameTests: XCTestCase {
    /// The same answers as `NSString` where it does not trap, and sensible ones where it does
    /// (one-character paths).
    func testAgreesWithNSString() {
        for path in ["ab", "one.txt", "/x", "a/x", "a/b/c", "/a/b/", "a//b", "//a", "/", "", "ab/", "./ab", "../ab", "a/bc//"] {
            XCTAssertEqual(PathName.parent(of: path), (path as NSString).deletingLastPathComponent, "parent of '\(path)'")
            XCTAssertEqual(PathName.lastComponent(of: path), (path as NSString).lastPathComponent, "last component of '\(path)'")
        }
        XCTAssertEqual(PathName.parent(of: "x"), "")
        XCTAssertEqual(PathName.lastComponent(of: "x"), "x")
        XCTAssertEqual(PathName.parent(of: "x/"), "")
    }

    /// Configuration discovery walks up from this: the path `URL` standardizes, without `URL`.
    func testAbsoluteAgreesWithURLStandardization() {
        let current = "/work/repo/sub"
        for path in ["x", "./x", "x/", "a/b/../c", "../up", "../../../../../..", "/", "/abs/./p//q/", ".", "..", "a/./b/.",
                     "/a/../../b", "dir with space/x", "ü/..", "a..b/c", "..."] {
            let expected = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: current, isDirectory: true)).standardizedFileURL.path
            XCTAssertEqual(PathName.absolute(path, in: current), expected, "'\(path)'")
        }
    }
}
