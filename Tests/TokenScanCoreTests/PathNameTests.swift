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
}
