import Foundation
import XCTest
import TokenFormats
import FixtureKit

/// The GitLab CI/CD template (ci/gitlab/tokenscan.gitlab-ci.yml) as a runner executes it: its
/// `script:` taken from the YAML, run by `sh` and by `bash -o pipefail` (the runner's two shells)
/// in a shallow single-branch clone of a real repository, with GitLab's predefined variables for
/// a merge request, a multi-commit push, a new branch and a repository's first push. It installs a
/// local "release" (a tarball laid out as scripts/release writes it, by file:// URL) and checks
/// its checksum, so the whole job runs, nothing is stubbed but the download's host.
final class GitLabTemplateTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let templatePath = root.appendingPathComponent("ci/gitlab/tokenscan.gitlab-ci.yml").path
    let zero = String(repeating: "0", count: 40)
    let now = "2026-01-01T00:00:00Z"
    let tokenA = TokenMinter.jwt(claims: ["sub": "merge-request", "scope": "repo"])
    let tokenB = TokenMinter.jwt(claims: ["sub": "on-main-already", "scope": "repo"])

    var work: URL!

    override func setUpWithError() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        work = try temporaryDirectory()
        guard try Command.run(["python3", "-c", "import yaml"], in: work).status == 0 else {
            throw XCTSkip("python3 with PyYAML is needed to read the template (scripts/bootstrap --test installs it)")
        }
    }

    // MARK: - The template's YAML

    /// The template as GitLab reads it (YAML → JSON through PyYAML).
    func template(_ path: String = GitLabTemplateTests.templatePath) throws -> [String: Any] {
        let program = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let (status, output) = try Command.run(["python3", "-c", program, path], in: work)
        XCTAssertEqual(status, 0, output)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
    }

    func hiddenJob() throws -> [String: Any] { try XCTUnwrap(template()[".tokenscan"] as? [String: Any]) }

    /// The job's `script:` lines, joined as the runner runs them: one shell, in order.
    func script() throws -> String {
        try XCTUnwrap(hiddenJob()["script"] as? [String]).joined(separator: "\n") + "\n"
    }

    func variable(_ name: String) throws -> String {
        try XCTUnwrap((hiddenJob()["variables"] as? [String: Any])?[name] as? String, name)
    }

    func testTemplateRunsInMergeRequestsAndPushesAndUploadsBothReports() throws {
        let job = try XCTUnwrap(template()["tokenscan"] as? [String: Any])
        XCTAssertEqual(job["extends"] as? String, ".tokenscan")
        let rules = try XCTUnwrap(job["rules"] as? [[String: Any]]).map { $0["if"] as? String ?? "" }
        XCTAssertTrue(rules.contains(#"$CI_PIPELINE_SOURCE == "merge_request_event""#), "\(rules)")
        let duplicate = try XCTUnwrap((job["rules"] as? [[String: Any]])?.first { ($0["if"] as? String ?? "").contains("$CI_OPEN_MERGE_REQUESTS") })
        XCTAssertEqual(duplicate["when"] as? String, "never", "a push with an open merge request is scanned once, by the merge request pipeline")
        let artifacts = try XCTUnwrap(hiddenJob()["artifacts"] as? [String: Any])
        XCTAssertEqual(artifacts["when"] as? String, "always", "reports are uploaded when the gate fails")
        let reports = try XCTUnwrap(artifacts["reports"] as? [String: String])
        XCTAssertEqual(reports["secret_detection"], "gl-secret-detection-report.json")
        XCTAssertEqual(reports["codequality"], "gl-code-quality-report.json")
    }

    /// The template, with `extends` resolved (the schema checks hidden jobs loosely), and the
    /// example follow GitLab's CI schema (check-jsonschema's vendored copy): a misspelt key or
    /// report type fails here, not in a user's pipeline.
    func testTemplateAndExampleFollowGitLabsCISchema() throws {
        guard try Command.run(["sh", "-c", "command -v check-jsonschema"], in: work).status == 0 else {
            throw XCTSkip("check-jsonschema is not installed (scripts/bootstrap --test installs it)")
        }
        let resolved = work.appendingPathComponent("resolved.json")
        let program = """
            import json, sys, yaml
            document = yaml.safe_load(open(sys.argv[1]))
            for name, job in list(document.items()):
                if isinstance(job, dict) and "extends" in job:
                    merged = dict(document[job["extends"]])
                    merged.update({key: value for key, value in job.items() if key != "extends"})
                    document[name] = merged
            json.dump(document, open(sys.argv[2], "w"))
            """
        let (status, output) = try Command.run(["python3", "-c", program, Self.templatePath, resolved.path], in: work)
        XCTAssertEqual(status, 0, output)
        for path in [resolved.path, Self.templatePath, Self.root.appendingPathComponent("examples/gitlab-ci.yml").path] {
            let (status, output) = try Command.run(["check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", path], in: work)
            XCTAssertEqual(status, 0, "\(path): \(output)")
        }
    }

    /// The template installs the release of this very version.
    func testTemplateVersionIsTheBinarysVersion() throws {
        // The first line is the version ("0.1.0", or "tokenscan 0.1.0" with build details after it).
        let first = try run(["--version"]).stdout.split(separator: "\n").first.map(String.init) ?? ""
        let version = first.split(separator: " ").first { $0.first?.isNumber == true }.map(String.init)
        XCTAssertEqual(version, try variable("TOKENSCAN_VERSION"), first)
    }

    func testScriptPassesShellcheck() throws {
        guard try Command.run(["sh", "-c", "command -v shellcheck"], in: work).status == 0 else {
            throw XCTSkip("shellcheck is not installed (scripts/bootstrap --test installs it)")
        }
        let path = work.appendingPathComponent("template.sh")
        try script().write(to: path, atomically: true, encoding: .utf8)
        for shell in ["sh", "bash"] {
            let (status, output) = try Command.run(["shellcheck", "-s", shell, path.path], in: work)
            XCTAssertEqual(status, 0, "\(shell): \(output)")
        }
    }

    /// examples/gitlab-ci.yml uses the template instead of building from source on every run.
    func testExampleIncludesTheTemplate() throws {
        let example = try template(Self.root.appendingPathComponent("examples/gitlab-ci.yml").path)
        let includes = try XCTUnwrap(example["include"] as? [[String: Any]])
        XCTAssertTrue(includes.contains { ($0["remote"] as? String ?? "").hasSuffix("/ci/gitlab/tokenscan.gitlab-ci.yml") }, "\(includes)")
        let text = try String(contentsOfFile: Self.root.appendingPathComponent("examples/gitlab-ci.yml").path, encoding: .utf8)
        XCTAssertFalse(text.contains("swift build"), "no build from source")
        XCTAssertFalse(text.contains("HEAD~1"), "no fixed one-commit range")
    }

    // MARK: - The job's script against real repositories

    /// A merge request of four commits in a clone of depth 1: the job fetches its base and the
    /// history in between, finds the token of the first commit, and not the one already on main.
    func testMergeRequestScansItsCommitsOnly() throws {
        let (origin, base, first, head) = try featureBranch(commitsAfterTheToken: 3)
        let runner = try clone(origin, branch: "feature", depth: 1)
        let outputs = try assertEveryShellFinds(first, in: runner, announcing: "scanning \(base)..HEAD (the merge request's commits)", environment: [
            "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
            "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": zero,
        ])
        XCTAssertTrue(outputs[0].contains("more commits of history for the range"), "the clone of depth 1 is deepened: \(outputs[0])")
        XCTAssertEqual(try codeQualityPaths(in: runner), ["a.env"])
        XCTAssertFalse(outputs.contains { $0.contains(tokenA) }, "the log shows no secret")
    }

    /// A push of three commits: all of them are scanned (`HEAD~1..HEAD` saw only the last), and
    /// a missing baseline is named, not an error.
    func testPushScansEveryCommitOfThePush() throws {
        let (origin, developer) = try repository()
        let before = try developer.commitAll("start")
        try developer.git("push", "-q", "origin", "main")
        try developer.write("a.env", "TOKEN=\(tokenA)\n")
        let first = try developer.commitAll("add a token")
        try developer.write("notes.txt", "1\n")
        try developer.commitAll("more")
        try developer.write("notes.txt", "2\n")
        let head = try developer.commitAll("and more")
        try developer.git("push", "-q", "origin", "main")
        let runner = try clone(origin, branch: "main", depth: 1)
        let outputs = try assertEveryShellFinds(first, in: runner, announcing: "scanning \(before)..\(head) (the commits of the push)", environment: [
            "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": before, "CI_COMMIT_SHA": head, "CI_COMMIT_BRANCH": "main",
            "TOKENSCAN_BASELINE": ".tokenscan-baseline.json",
        ])
        for output in outputs {
            XCTAssertTrue(output.contains("the base revision has no .tokenscan-baseline.json: scanning without a baseline"), output)
        }
    }

    /// A new branch scans the commits no other branch has (design §8), not the whole history;
    /// TOKENSCAN_FAIL_ON=never passes the gate and still writes the reports.
    func testNewBranchScansTheCommitsNoOtherBranchHas() throws {
        let (origin, base, first, head) = try featureBranch(commitsAfterTheToken: 1)
        let runner = try clone(origin, branch: "feature", depth: 1)
        let environment = ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": head, "CI_COMMIT_BRANCH": "feature"]
        try assertEveryShellFinds(first, in: runner, announcing: "scanning \(base)..\(head) (the branch's commits that no other branch has)",
                                  environment: environment)
        let passing = try job(in: runner, shell: "sh", environment: environment.merging(["TOKENSCAN_FAIL_ON": "never"]) { $1 })
        XCTAssertEqual(passing.status, 0, passing.output)
        XCTAssertEqual(try secretCommits(in: runner), [first], "the reports are written whatever the gate says")
    }

    /// A repository's first push: no previous commit and no other branch; all its history is
    /// scanned (`HEAD~1..HEAD` exited 2 here).
    func testFirstPushOfARepositoryScansItsHistory() throws {
        let (origin, developer) = try repository()
        try developer.write("a.env", "TOKEN=\(tokenA)\n")
        let first = try developer.commitAll("first")
        try developer.git("push", "-q", "origin", "main")
        let runner = try clone(origin, branch: "main", depth: 20)
        try assertEveryShellFinds(first, in: runner, announcing: "(all history: the first push)", environment: [
            "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": first, "CI_COMMIT_BRANCH": "main",
        ])
    }

    /// The baseline comes from the base revision: an entry the merge request adds for its own
    /// token is not applied (and is named), an entry already on main is.
    func testBaselineIsReadFromTheBaseRevision() throws {
        let (origin, developer) = try repository()
        // A baseline on main that accepts tokenB in b.env (written by tokenscan itself).
        try developer.write("b.env", "TOKEN=\(tokenB)\n")
        XCTAssertEqual(try run(["scan", "b.env", "--now", now, "--write-baseline", "baseline.json", "--fail-on", "never"],
                               directory: developer.directory).status, 0)
        try developer.remove("b.env")
        let base = try developer.commitAll("a reviewed baseline")
        try developer.git("push", "-q", "origin", "main")
        try developer.git("checkout", "-q", "-b", "feature")
        try developer.write("b.env", "TOKEN=\(tokenB)\n")
        try developer.write("a.env", "TOKEN=\(tokenA)\n")
        XCTAssertEqual(try run(["scan", "a.env", "b.env", "--now", now, "--write-baseline", "baseline.json", "--fail-on", "never"],
                               directory: developer.directory).status, 0)
        let head = try developer.commitAll("add two tokens and accept both in the baseline")
        try developer.git("push", "-q", "origin", "feature")
        let runner = try clone(origin, branch: "feature", depth: 1)
        let result = try job(in: runner, shell: "sh", environment: [
            "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head,
            "TOKENSCAN_BASELINE": "baseline.json",
        ])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("the scanned commits change baseline.json: not applied by this scan"), result.output)
        XCTAssertEqual(try codeQualityPaths(in: runner), ["a.env"], "b.env is accepted by main's baseline, a.env is not")
    }

    /// Nothing unverified is run: no pinned checksum, one that is no sha256, or the wrong one stops
    /// the job (exit 2) before anything is extracted.
    func testDownloadIsVerifiedAgainstThePinnedChecksum() throws {
        let (origin, developer) = try repository()
        let head = try developer.commitAll("start")
        try developer.git("push", "-q", "origin", "main")
        let runner = try clone(origin, branch: "main", depth: 1)
        let environment = ["CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": zero, "CI_COMMIT_SHA": head, "CI_COMMIT_BRANCH": "main"]
        let unpinned = try job(in: runner, shell: "sh", environment: environment.merging(["TOKENSCAN_SHA256": ""]) { $1 })
        XCTAssertEqual(unpinned.status, 2, unpinned.output)
        XCTAssertTrue(unpinned.output.contains("TOKENSCAN_SHA256 is empty"), unpinned.output)
        let placeholder = try job(in: runner, shell: "sh", environment: environment.merging(["TOKENSCAN_SHA256": "put the sha256 here"]) { $1 })
        XCTAssertEqual(placeholder.status, 2, placeholder.output)
        XCTAssertTrue(placeholder.output.contains("TOKENSCAN_SHA256 is not a sha256"), placeholder.output)
        let short = try job(in: runner, shell: "sh", environment: environment.merging(["TOKENSCAN_SHA256": "abc123"]) { $1 })
        XCTAssertEqual(short.status, 2, short.output)
        XCTAssertTrue(short.output.contains("TOKENSCAN_SHA256 has 6 characters"), short.output)
        let wrong = try job(in: runner, shell: "sh", environment: environment.merging(["TOKENSCAN_SHA256": String(repeating: "ab", count: 32)]) { $1 })
        XCTAssertEqual(wrong.status, 2, wrong.output)
        XCTAssertTrue(wrong.output.contains("refusing to run it"), wrong.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runner.appendingPathComponent("gl-secret-detection-report.json").path))
    }

    // MARK: - Helpers

    /// The runner's shells: `sh` (dash here), and bash with pipefail as GitLab's runner sets it.
    let shells = ["sh", "bash"]

    /// A bare "GitLab" repository and a developer's clone of it (branch main, nothing pushed yet).
    func repository() throws -> (origin: URL, developer: GitFixture) {
        let origin = work.appendingPathComponent("origin-\(UUID().uuidString).git")
        let developer = try GitFixture()
        addTeardownBlock { try? FileManager.default.removeItem(at: developer.directory) }
        try developer.git("init", "-q", "--bare", "-b", "main", origin.path)
        try developer.git("remote", "add", "origin", "file://" + origin.path)
        try developer.write("README", "a project\n")
        return (origin, developer)
    }

    /// main with tokenB (already scanned there), pushed; then branch `feature` from it with a
    /// commit adding tokenA and `count` more commits, pushed.
    func featureBranch(commitsAfterTheToken count: Int) throws -> (origin: URL, base: String, first: String, head: String) {
        let (origin, developer) = try repository()
        try developer.write("old.env", "TOKEN=\(tokenB)\n")
        let base = try developer.commitAll("main has an older token")
        try developer.git("push", "-q", "origin", "main")
        try developer.git("checkout", "-q", "-b", "feature")
        try developer.write("a.env", "TOKEN=\(tokenA)\n")
        let first = try developer.commitAll("add a token")
        var head = first
        for step in 0..<count {
            try developer.write("notes.txt", "step \(step)\n")
            head = try developer.commitAll("step \(step)")
        }
        try developer.git("push", "-q", "origin", "feature")
        return (origin, base, first, head)
    }

    /// A clone as GitLab's runner makes it: shallow (GIT_DEPTH) and of one branch.
    func clone(_ origin: URL, branch: String, depth: Int) throws -> URL {
        let directory = work.appendingPathComponent("runner-\(UUID().uuidString)")
        try GitFixture(existing: work).git("clone", "-q", "--depth", String(depth), "--branch", branch, "file://" + origin.path, directory.path)
        return directory
    }

    /// The release tarball as scripts/release lays it out (`tokenscan-VERSION/tokenscan`), with the
    /// built binary behind a wrapper (the debug binary is large), and its sha256.
    func release() throws -> (url: String, sha256: String) {
        let version = try variable("TOKENSCAN_VERSION")
        let stage = work.appendingPathComponent("stage-\(UUID().uuidString)")
        let package = stage.appendingPathComponent("tokenscan-\(version)")
        try FileManager.default.createDirectory(at: package, withIntermediateDirectories: true)
        let wrapper = package.appendingPathComponent("tokenscan")
        try "#!/bin/sh\nexec '\(CLITests.binary.path)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let archive = stage.appendingPathComponent("tokenscan-\(version)-linux-x86_64.tar.gz")
        let (status, output) = try Command.run(["tar", "-czf", archive.path, "-C", stage.path, "tokenscan-\(version)"], in: work)
        XCTAssertEqual(status, 0, output)
        return ("file://" + archive.path, Digest.sha256Hex(Array(try Data(contentsOf: archive))))
    }

    /// Runs the template's script in `directory` as the runner would, with GitLab's variables.
    func job(in directory: URL, shell: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let path = work.appendingPathComponent("job-\(UUID().uuidString).sh")
        try script().write(to: path, atomically: true, encoding: .utf8)
        let (url, sha256) = try release()
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("CI_") && !$0.key.hasPrefix("TOKENSCAN_") }
        variables["GIT_CONFIG_NOSYSTEM"] = "1"
        variables["GIT_CONFIG_GLOBAL"] = "/dev/null"
        variables["TMPDIR"] = work.path
        variables["TOKENSCAN_VERSION"] = try variable("TOKENSCAN_VERSION")
        variables["TOKENSCAN_DOWNLOAD_URL"] = url
        variables["TOKENSCAN_SHA256"] = sha256
        // The clock of the reports, so the test tokens' expiry is judged as everywhere else.
        variables["TOKENSCAN_ARGS"] = "--now \(now)"
        variables.merge(environment) { $1 }
        let arguments = shell == "bash" ? ["bash", "-e", "-o", "pipefail", path.path] : ["sh", "-e", path.path]
        return try Command.run(arguments, in: directory, environment: variables)
    }

    /// Runs the job in each shell: it fails the gate (exit 1), says which commits it scans, and the
    /// secret-detection report holds exactly the finding of `commit`. Returns each shell's log.
    @discardableResult
    func assertEveryShellFinds(_ commit: String, in runner: URL, announcing announcement: String, environment: [String: String],
                               file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try shells.map { shell in
            let result = try job(in: runner, shell: shell, environment: environment)
            XCTAssertEqual(result.status, 1, "\(shell): \(result.output)", file: file, line: line)
            XCTAssertTrue(result.output.contains(announcement), "\(shell): \(result.output)", file: file, line: line)
            XCTAssertEqual(try secretCommits(in: runner), [commit], shell, file: file, line: line)
            return result.output
        }
    }

    /// The commits of the secret-detection report's findings.
    func secretCommits(in runner: URL) throws -> [String] {
        let data = try Data(contentsOf: runner.appendingPathComponent("gl-secret-detection-report.json"))
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vulnerabilities = try XCTUnwrap(report["vulnerabilities"] as? [[String: Any]])
        return vulnerabilities.compactMap { (($0["location"] as? [String: Any])?["commit"] as? [String: Any])?["sha"] as? String }
    }

    /// The paths of the Code Quality report's issues.
    func codeQualityPaths(in runner: URL) throws -> [String] {
        let data = try Data(contentsOf: runner.appendingPathComponent("gl-code-quality-report.json"))
        let issues = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return issues.compactMap { ($0["location"] as? [String: Any])?["path"] as? String }
    }
}
