import Foundation
import XCTest
import FixtureKit

/// The release tarball and SHA256SUMS as a user meets them: the checksums verify with
/// `sha256sum -c`, everything sits in one `tokenscan-VERSION/` directory, the binary runs, the
/// completions load in their shells and the man page renders without a warning.
final class TarballTests: XCTestCase {
    var folder: String { "tokenscan-\(ReleaseDist.version)" }

    func testChecksumsVerifyEveryArtifact() throws {
        let dist = try ReleaseDist.directory()
        let check = try Command.run(["sha256sum", "-c", "SHA256SUMS"], in: dist)
        XCTAssertEqual(check.status, 0, check.output)
        let listed = Set(try String(contentsOf: dist.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
            .split(separator: "\n").map { String($0.split(separator: " ", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) })
        let artifacts = Set(try FileManager.default.contentsOfDirectory(atPath: dist.path).filter { $0.hasPrefix("tokenscan-") })
        XCTAssertEqual(listed, artifacts, "SHA256SUMS lists every artifact, and only those")
        XCTAssertTrue(artifacts.contains("\(folder)-linux-x86_64.tar.gz"), "\(artifacts)")
        if ReleaseDist.isRealRelease {
            XCTAssertTrue(artifacts.contains("\(folder)-linux-x86_64.debug"), "a release build ships its debug file: \(artifacts)")
            try checkDebugFile(dist.appendingPathComponent("\(folder)-linux-x86_64.debug"))
        }
    }

    /// The shipped binary is stripped and names `tokenscan.debug` in its debuglink; the debug
    /// artifact holds the DWARF.
    func checkDebugFile(_ debug: URL) throws {
        let directory = try temporaryDirectory()
        let binary = directory.appendingPathComponent("tokenscan")
        try ReleaseDist.extractWheelBinary(to: binary)
        let sections = try Command.run(["readelf", "-S", "-W", binary.path], in: directory).output
        XCTAssertFalse(sections.contains(".debug_info"), "the shipped binary carries no DWARF")
        XCTAssertFalse(sections.contains(" .symtab"), "the shipped binary is stripped")
        let link = try Command.run(["readelf", "--string-dump=.gnu_debuglink", binary.path], in: directory).output
        XCTAssertTrue(link.contains("tokenscan.debug"), link)
        let debugSections = try Command.run(["readelf", "-S", "-W", debug.path], in: directory).output
        XCTAssertTrue(debugSections.contains(".debug_info"), "the debug artifact holds the DWARF")
    }

    func testTarballLayoutCompletionsAndManPage() throws {
        let tarball = try ReleaseDist.artifact(endingWith: "-linux-x86_64.tar.gz")
        let directory = try temporaryDirectory()
        let listing = try Command.run(["tar", "-tzvf", tarball.path], in: directory)
        XCTAssertEqual(listing.status, 0, listing.output)
        let entries = listing.output.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        XCTAssertEqual(Set(entries.filter { !$0.hasSuffix("/") }), [
            "\(folder)/tokenscan", "\(folder)/LICENSE", "\(folder)/README.md", "\(folder)/man/tokenscan.1",
            "\(folder)/completions/tokenscan.bash", "\(folder)/completions/_tokenscan", "\(folder)/completions/tokenscan.fish",
        ])
        for line in listing.output.split(separator: "\n") {
            XCTAssertTrue(line.contains(" 0/0 "), "entries are owned by 0/0: \(line)")
        }
        XCTAssertEqual(try Command.run(["tar", "-xzf", tarball.path], in: directory).status, 0)
        let root = directory.appendingPathComponent(folder)

        let version = try Command.run([root.appendingPathComponent("tokenscan").path, "--version"], in: directory)
        XCTAssertTrue(version.output.hasPrefix("tokenscan \(ReleaseDist.version)\n"), version.output)

        for file in ["completions/tokenscan.bash", "completions/_tokenscan", "completions/tokenscan.fish", "man/tokenscan.1"] {
            let size = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(file).path)[.size] as? Int ?? 0
            XCTAssertGreaterThan(size, 100, "\(file) is empty")
        }
        // Loaded, bash knows how to complete tokenscan.
        let bash = try Command.run(["bash", "-c", "source completions/tokenscan.bash && complete -p tokenscan"], in: root)
        XCTAssertEqual(bash.status, 0, bash.output)
        XCTAssertTrue(bash.output.contains("tokenscan"), bash.output)
        for (shell, file) in [("zsh", "completions/_tokenscan"), ("fish", "completions/tokenscan.fish")] {
            guard try Command.run(["sh", "-c", "command -v \(shell)"], in: root).status == 0 else {
                print("\(shell) is not installed: \(file) checked for content only")
                continue
            }
            let parsed = try Command.run([shell, "-n", file], in: root)
            XCTAssertEqual(parsed.status, 0, "\(file): \(parsed.output)")
        }

        let page = try String(contentsOf: root.appendingPathComponent("man/tokenscan.1"), encoding: .utf8)
        for expected in [".TH TOKENSCAN 1", ".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH EXIT STATUS",
                         #".SS "tokenscan scan""#, #".SS "tokenscan git""#, #".SS "tokenscan hook""#, "fail\\-on"] {
            XCTAssertTrue(page.contains(expected), "the man page has \(expected)")
        }
        guard try Command.run(["sh", "-c", "command -v groff"], in: root).status == 0 else {
            print("groff is not installed: the man page is checked for its structure only")
            return
        }
        // -ww: every warning; a malformed request or escape would show here.
        let rendered = try Command.run(["sh", "-c", "groff -man -Tutf8 -ww -z man/tokenscan.1 2>&1"], in: root)
        XCTAssertEqual(rendered.status, 0, rendered.output)
        XCTAssertEqual(rendered.output, "", "groff warns about the man page")
    }
}
