import FixtureKit
import XCTest
@testable import TokenScanApp

/// `LineCount.newlineCount` counts sixteen bytes at a time in blocks of up to 255: it must agree
/// with a byte loop at every length and offset around those edges, and on text dense with newlines.
final class LineCountTests: XCTestCase {
    func testNewlineCountAgreesWithAByteLoop() {
        var random = SplitMix64(seed: 0x11AE)
        let lengths = [0, 1, 15, 16, 17, 31, 255 * 16 - 1, 255 * 16, 255 * 16 + 1, 255 * 16 + 17, 3 * 255 * 16 + 5, 100_000]
        for length in lengths {
            for density in [0, 2, 60, 256] {
                let bytes = (0..<(length + 3)).map { _ in density > 0 && random.below(density) == 0 ? UInt8(0x0A) : UInt8(truncatingIfNeeded: random.below(256) | 0x80) }
                for start in 0..<3 {
                    let slice = Array(bytes[start..<(start + length)])
                    let expected = slice.filter { $0 == 0x0A }.count
                    XCTAssertEqual(slice.withUnsafeBytes { LineCount.newlineCount(in: $0) }, expected, "length \(length), density \(density), start \(start)")
                }
            }
        }
        // Every byte a newline: 255 blocks of sixteen fill each lane to 255 and no further.
        let all = [UInt8](repeating: 0x0A, count: 255 * 16 * 2 + 7)
        XCTAssertEqual(all.withUnsafeBytes { LineCount.newlineCount(in: $0) }, all.count)
    }
}
