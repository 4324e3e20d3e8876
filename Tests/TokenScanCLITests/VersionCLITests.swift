import Foundation
import XCTest
import FixtureKit

/// `tokenscan --version`: a first line scripts can read (`tokenscan X.Y.Z`, the VERSION file's),
/// then the PCRE2 library it runs with and the commit it was built from. And every other place
/// that names the version reads it from VERSION.
final class VersionCLITests: XCTestCase {
    let root = RepositorySnapshot.repositoryRoot

    func testVersionNamesReleasePCRE2AndCommit() throws {
        let result = try run(["--version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, result.stdout)
        guard lines.count == 3 else { return }
        XCTAssertEqual(lines[0], "tokenscan \(ReleaseDist.version)")
        XCTAssertTrue(lines[1].range(of: #"^PCRE2 10\.\d+ \d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil, lines[1])
        let installed = try Command.run(["sh", "-c", "pkg-config --modversion libpcre2-8"], in: root)
        if installed.status == 0 {
            let version = installed.output.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertTrue(lines[1].hasPrefix("PCRE2 \(version) "), "the linked PCRE2 (\(version)): \(lines[1])")
        }
        XCTAssertEqual(try run(["--version"], environment: ["PATH": "/nonexistent"]).stdout, result.stdout,
                       "the version needs nothing at run time (no git)")
        let head = try Command.run(["git", "-C", root.path, "rev-parse", "HEAD"], in: root)
        guard head.status == 0 else {
            XCTAssertEqual(lines[2], "commit unknown", "built outside git")
            return
        }
        // HEAD when the binary was built: HEAD now, or (a commit made since the build) its ancestor.
        let built = String(lines[2].dropFirst("commit ".count))
        XCTAssertTrue(lines[2].hasPrefix("commit ") && built.count == 40 && built.allSatisfy(\.isHexDigit), lines[2])
        let current = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        if built != current {
            let ancestor = try Command.run(["git", "-C", root.path, "merge-base", "--is-ancestor", built, current], in: root)
            XCTAssertEqual(ancestor.status, 0, "the binary names \(built), neither HEAD (\(current)) nor a commit before it")
            print("the binary was built from \(built); HEAD has moved on to \(current) since")
        }
    }

    /// The JSON report's tool version is VERSION too.
    func testReportCarriesTheVersion() throws {
        let result = try run(["demo", "--format", "json"])
        XCTAssertTrue(result.stdout.contains(#""version" : "\#(ReleaseDist.version)""#), result.stdout.prefix(400).description)
    }

    /// Every place a user copies a release from — README's `rev:` and file names, the CI templates'
    /// and examples' pinned versions and URLs — names VERSION's release.
    func testReleasePinsFollowVersion() throws {
        let version = ReleaseDist.version
        var files = [root.appendingPathComponent("README.md"), root.appendingPathComponent("action.yml")]
        for directory in ["examples", "ci"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(directory), includingPropertiesForKeys: nil)
            while let url = enumerator?.nextObject() as? URL { files.append(url) }
        }
        // (pattern whose first group is a pinned version, what it must say)
        let pins: [(String, String)] = [
            (#"rev: (\S+)"#, "v\(version)"),
            (#"/v(\d+\.\d+\.\d+[^/\s]*)/"#, version),
            (#"TOKENSCAN_VERSION: "([^"]*)""#, version),
            (#"tokenscan-(\d+\.\d+\.\d+)[-/]"#, version),
        ]
        var checked = 0
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for (pattern, expected) in pins {
                let regex = try NSRegularExpression(pattern: pattern)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    checked += 1
                    XCTAssertEqual((text as NSString).substring(with: match.range(at: 1)), expected,
                                   "\(file.lastPathComponent) pins another release than VERSION (\(version))")
                }
            }
        }
        XCTAssertGreaterThan(checked, 3, "README and the CI templates pin a release")
    }
}
