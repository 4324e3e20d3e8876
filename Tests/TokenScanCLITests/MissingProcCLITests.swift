import Foundation
import XCTest

/// Without `/proc` (a bare chroot, a container started without it) the Swift runtime on Linux
/// cannot read the command line: `CommandLine.arguments` is empty. tokenscan used to take that as
/// "no arguments" and scan the current directory whatever the user typed; it must refuse instead.
final class MissingProcCLITests: XCTestCase {
    func testWithoutProcTheCommandLineIsRefusedNotIgnored() throws {
        try MinimalRoot.requireRoot()
        let root = try MinimalRoot(binary: CLITests.binary, in: try temporaryDirectory())

        let refused = try root.run(["--version"], withProc: false)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertEqual(refused.stdout, "", "nothing is scanned or reported")
        XCTAssertTrue(refused.stderr.contains("tokenscan: error: cannot read the command line"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("/proc"), refused.stderr)

        // The control: the same root with /proc mounted reads the arguments.
        let version = try root.run(["--version"], withProc: true)
        XCTAssertEqual(version.status, 0, version.stderr)
        XCTAssertFalse(version.stdout.isEmpty)
        XCTAssertFalse(version.stdout.contains("findings"), version.stdout)
    }
}
