import XCTest
@testable import TokenScanModel
@testable import TokenScanEngine

/// The binary carries the built-in rules as tables generated at build time (no TOML is parsed at
/// start-up); `Rules/*.toml` stay the single source of truth. These tests parse the files now and
/// compare, so the tables and the files can never drift apart unnoticed.
final class BuiltinRuleTablesTests: XCTestCase {
    /// `Rules/`'s files as the build reads them: sorted by name, every rule file.
    private func parseRuleFilesNow() throws -> [Rule] {
        let directory = TestSupport.repositoryRoot.appendingPathComponent("Rules")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let files = try names.map { name in
            (name: name, contents: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
        return try RuleLoader.loadBuiltin(files: files)
    }

    func testGeneratedTablesEqualTheRuleFilesParsedNow() throws {
        let parsed = try parseRuleFilesNow()
        let tables = try RuleCatalog.builtin()
        XCTAssertGreaterThan(parsed.count, 20)
        XCTAssertEqual(tables.map(\.id), parsed.map(\.id), "the same rules in the same order")
        for (table, rule) in zip(tables, parsed) {
            // Rule by rule, so that a difference names the rule instead of printing both lists.
            XCTAssertEqual(table, rule, "\(rule.origin): rule '\(rule.id)' differs between the tables and the file")
        }
    }

    /// The same for the text embedded beside the tables (what `EmbeddedResources` carries and the
    /// other built-in vocabularies are read from): one build, one snapshot of `Rules/`.
    func testGeneratedTablesEqualTheEmbeddedFilesParsed() throws {
        XCTAssertEqual(try RuleLoader.loadBuiltin(files: EmbeddedResources.files), try RuleCatalog.builtin())
    }

}
