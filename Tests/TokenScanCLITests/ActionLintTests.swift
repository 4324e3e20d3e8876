import Foundation
import XCTest
import FixtureKit

/// The GitHub Action's YAML and every shell script of the repository pass the linters: actionlint
/// on the workflows (it checks `uses: ./` against action.yml's inputs, and shellchecks `run:`
/// blocks when shellcheck is on PATH), shellcheck on the scripts and on action.yml's own `run:`
/// steps, which actionlint does not read.
final class ActionLintTests: XCTestCase {
    let root = ActionRepository.root

    func tool(_ name: String) throws -> String {
        let found = try ActionRepository.run(["sh", "-c", "command -v \(name)"], in: root)
        guard found.status == 0 else {
            throw XCTSkip("\(name) is not installed (scripts/bootstrap --test installs it)")
        }
        return found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testWorkflowsPassActionlint() throws {
        let actionlint = try tool("actionlint")
        _ = try tool("shellcheck")
        let workflows = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(".github/workflows").path)
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.map { ".github/workflows/\($0)" }
        XCTAssertTrue(workflows.contains(".github/workflows/tokenscan.yml"))
        let lint = try ActionRepository.run([actionlint, "-no-color"] + workflows + ["examples/github-actions.yml"], in: root)
        XCTAssertEqual(lint.status, 0, lint.stdout + lint.stderr)
        for file in workflows + ["examples/github-actions.yml"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            XCTAssertTrue(text.contains("security-events: write"), "\(file) grants the SARIF upload")
        }

        // The check is real: a workflow that misnames an input of this action fails it.
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-actionlint-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: probe) }
        try FileManager.default.createDirectory(at: probe.appendingPathComponent(".github/workflows"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: root.appendingPathComponent("action.yml"), to: probe.appendingPathComponent("action.yml"))
        XCTAssertEqual(try ActionRepository.run(["git", "init", "-q"], in: probe).status, 0)
        try """
            on: push
            jobs:
              scan:
                runs-on: ubuntu-latest
                steps:
                  - uses: ./
                    with:
                      fail_on: high
            """.write(to: probe.appendingPathComponent(".github/workflows/probe.yml"), atomically: true, encoding: .utf8)
        let misnamed = try ActionRepository.run([actionlint, "-no-color", ".github/workflows/probe.yml"], in: probe)
        XCTAssertEqual(misnamed.status, 1, misnamed.stdout)
        XCTAssertTrue(misnamed.stdout.contains(#"input "fail_on" is not defined in action "tokenscan""#), misnamed.stdout)
    }

    /// Every script with a sh or bash shebang under scripts/, action/ and .ci/, and each `run:`
    /// step of action.yml (all `shell: bash`).
    func testShellScriptsAndTheActionsRunStepsPassShellcheck() throws {
        let shellcheck = try tool("shellcheck")
        var scripts: [String] = []
        for directory in ["scripts", "action", ".ci"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path).sorted()
            for name in names {
                let path = "\(directory)/\(name)"
                guard let head = FileManager.default.contents(atPath: root.appendingPathComponent(path).path)?.prefix(64),
                      let line = String(decoding: head, as: UTF8.self).split(separator: "\n").first,
                      line.hasPrefix("#!"), line.hasSuffix("bash") || line.hasSuffix("/sh") else { continue }
                scripts.append(path)
            }
        }
        for expected in ["action/range.sh", "action/install.sh", "action/scan.sh", "scripts/test", "scripts/bootstrap"] {
            XCTAssertTrue(scripts.contains(expected), "\(expected) is checked: \(scripts)")
        }

        let steps = try runSteps(of: root.appendingPathComponent("action.yml"))
        XCTAssertFalse(steps.isEmpty, "action.yml has run steps")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-runsteps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for (index, step) in steps.enumerated() {
            XCTAssertEqual(step.shell, "bash", "step \(index + 1) of action.yml runs in bash")
            XCTAssertFalse(step.script.contains("${{"), "step \(index + 1): inputs reach scripts through env, never pasted in")
            let file = scratch.appendingPathComponent("action.yml-step-\(index + 1).sh")
            try ("#!/usr/bin/env bash\n" + step.script).write(to: file, atomically: true, encoding: .utf8)
            scripts.append(file.path)
        }
        let check = try ActionRepository.run([shellcheck] + scripts, in: root)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
    }

    /// The `run: |` blocks of a composite action's steps, with their `shell:` (action.yml is
    /// written in block style; a step without a block scalar is reported as a failure).
    func runSteps(of file: URL) throws -> [(shell: String, script: String)] {
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        var steps: [(shell: String, script: String)] = []
        var index = 0
        var stepStart = 0
        while index < lines.count {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("- ") { stepStart = index }
            guard let range = line.range(of: "run:"), line[..<range.lowerBound].allSatisfy({ $0 == " " || $0 == "-" }) else {
                index += 1
                continue
            }
            let value = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            XCTAssertEqual(value, "|", "action.yml line \(index + 1): run is a literal block")
            let keyIndent = indent(line)
            var body: [String] = []
            index += 1
            while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).isEmpty || indent(lines[index]) > keyIndent {
                body.append(lines[index])
                index += 1
            }
            let strip = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(indent).min() ?? 0
            let script = body.map { $0.count >= strip ? String($0.dropFirst(strip)) : "" }.joined(separator: "\n")
            // The step's shell: its `shell:` key, before or after `run:`.
            var end = index
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("- ") { end += 1 }
            let shell = lines[stepStart..<end].compactMap { line -> String? in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.hasPrefix("shell:") ? trimmed.dropFirst("shell:".count).trimmingCharacters(in: .whitespaces) : nil
            }.first ?? ""
            steps.append((shell, script + "\n"))
        }
        return steps
    }
}
