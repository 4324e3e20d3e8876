import Foundation
import XCTest
import FixtureKit

/// `fixturegen` writes minted tokens wherever it is told to, so an argument it does not
/// understand must never be taken for an output directory.
final class FixturegenCLITests: XCTestCase {
    var fixturegen: URL { CLITests.binary.deletingLastPathComponent().appendingPathComponent("fixturegen") }

    /// `fixturegen --help` once minted the corpus into `./--help/` inside the checkout.
    func testHelpAndOptionsWriteNothing() throws {
        guard FileManager.default.isExecutableFile(atPath: fixturegen.path) else {
            throw XCTSkip("fixturegen is not built beside tokenscan (\(fixturegen.path))")
        }
        let directory = try Scratch.directory("fixturegen")
        let help = try Command.run([fixturegen.path, "--help"], in: directory)
        XCTAssertEqual(help.status, 0, help.output)
        XCTAssertTrue(help.output.contains("usage: fixturegen"), help.output)
        for option in ["-o", "--out", "-x"] {
            let run = try Command.run([fixturegen.path, option], in: directory)
            XCTAssertEqual(run.status, 2, run.output)
            XCTAssertTrue(run.output.contains("unknown option '\(option)'"), run.output)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [], "nothing written")
    }
}
