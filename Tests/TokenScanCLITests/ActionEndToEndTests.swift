import Foundation
import XCTest
import FixtureKit
import TokenFormats

/// `action/scan.sh`, the GitHub Action's whole job, run as the runner runs it: GITHUB_* variables
/// and an event payload for a push and for a pull request from a fork, in a one-commit checkout
/// of a bare origin, installing tokenscan from a local dist/ (the built binary in the release
/// layout, `tokenscan-VERSION/tokenscan` in `tokenscan-VERSION-linux-x86_64.tar.gz`) whose
/// checksum is pinned through the test override. Checks the exit status, the outputs, the SARIF
/// file, the step summary and the annotations, and that no secret reaches any of them.
final class ActionEndToEndTests: XCTestCase {
    var repository: ActionRepository!
    var dist: URL!
    var pins: URL!

    override func setUpWithError() throws {
        repository = try ActionRepository()
        (dist, pins) = try makeDist()
    }

    override func tearDown() {
        repository?.remove()
    }

    /// dist/ with the tarball of the debug binary, and a pins file holding its SHA-256.
    func makeDist() throws -> (URL, URL) {
        let version = try ActionRepository.run([CLITests.binary.path, "--version"], in: repository.directory)
            .stdout.split(separator: "\n").first.map { String($0.split(separator: " ").last ?? "") } ?? ""
        XCTAssertFalse(version.isEmpty)
        let stage = repository.directory.appendingPathComponent("stage/tokenscan-\(version)")
        try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLITests.binary, to: stage.appendingPathComponent("tokenscan"))
        try FileManager.default.copyItem(at: ActionRepository.root.appendingPathComponent("LICENSE"), to: stage.appendingPathComponent("LICENSE"))
        let dist = repository.directory.appendingPathComponent("dist")
        try FileManager.default.createDirectory(at: dist, withIntermediateDirectories: true)
        let name = "tokenscan-\(version)-linux-x86_64.tar.gz"
        let tar = try ActionRepository.run(["tar", "-czf", dist.appendingPathComponent(name).path, "-C", stage.deletingLastPathComponent().path,
                                            "tokenscan-\(version)"], in: repository.directory)
        XCTAssertEqual(tar.status, 0, tar.stderr)
        let sum = try ActionRepository.run(["sha256sum", name], in: dist)
        XCTAssertEqual(sum.status, 0, sum.stderr)
        let pins = repository.directory.appendingPathComponent("pins.sha256")
        try ("# pinned by the test\n" + sum.stdout).write(to: pins, atomically: true, encoding: .utf8)
        return (dist, pins)
    }

    struct Job {
        var status: Int32
        var log: String
        var stderr: String
        var summary: String
        var outputs: [String: String]
        var sarif: [String: Any]?
    }

    /// Runs scan.sh in `checkout` for `event` with `payload`, as a step of a job.
    func job(_ event: String, _ payload: [String: Any], in checkout: GitFixture, inputs: [String: String] = [:],
             pins: URL? = nil) throws -> Job {
        let runner = repository.directory.appendingPathComponent("runner-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: runner, withIntermediateDirectories: true)
        let eventFile = runner.appendingPathComponent("event.json")
        try JSONSerialization.data(withJSONObject: payload).write(to: eventFile)
        let summaryFile = runner.appendingPathComponent("summary.md"), outputFile = runner.appendingPathComponent("output")
        var environment = [
            "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": eventFile.path,
            "GITHUB_REPOSITORY": "acme/service", "GITHUB_WORKSPACE": checkout.path,
            "GITHUB_STEP_SUMMARY": summaryFile.path, "GITHUB_OUTPUT": outputFile.path, "RUNNER_TEMP": runner.path,
            "TOKENSCAN_ACTION_DIST": dist.path, "TOKENSCAN_ACTION_SHA256SUMS": (pins ?? self.pins).path,
            "TOKENSCAN_UPLOAD_SARIF": "true",
        ]
        for (name, value) in inputs { environment[name] = value }
        let run = try ActionRepository.run([ActionRepository.script("scan.sh")], in: checkout.directory, environment: environment)
        let outputs = ((try? String(contentsOf: outputFile, encoding: .utf8)) ?? "").split(separator: "\n").reduce(into: [String: String]()) {
            let parts = $1.split(separator: "=", maxSplits: 1)
            $0[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let sarif = outputs["sarif-file"].flatMap { FileManager.default.contents(atPath: $0) }
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return Job(status: run.status, log: run.stdout, stderr: run.stderr,
                   summary: (try? String(contentsOf: summaryFile, encoding: .utf8)) ?? "", outputs: outputs, sarif: sarif)
    }

    func results(_ job: Job) -> [[String: Any]] {
        ((job.sarif?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
    }

    func assertNoSecret(_ job: Job, _ tokens: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let sarifText = try job.outputs["sarif-file"].map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        for token in tokens {
            for text in [job.log, job.stderr, job.summary, sarifText, job.outputs.values.joined(separator: "\n")] {
                XCTAssertFalse(text.contains(String(token.dropFirst(40).prefix(24))), "no secret in the job's output", file: file, line: line)
            }
        }
    }

    /// A baseline file made by tokenscan for `text` at `path` (fingerprints and paths).
    func baseline(accepting text: String, at path: String) throws -> String {
        let scratch = repository.directory.appendingPathComponent("baseline-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch.appendingPathComponent(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: scratch.appendingPathComponent(path), atomically: true, encoding: .utf8)
        let written = try ActionRepository.run([CLITests.binary.path, "scan", path, "--write-baseline", "baseline.json", "--fail-on", "never"], in: scratch)
        XCTAssertEqual(written.status, 0, written.stderr)
        return try String(contentsOf: scratch.appendingPathComponent("baseline.json"), encoding: .utf8)
    }

    /// A push of two commits: the token the base's baseline accepts passes, the other fails the
    /// gate, is annotated on its line, counted in the summary and uploaded as SARIF.
    func testPushGatesAnnotatesSummarisesAndWritesSARIF() throws {
        let known = TokenMinter.jwt(claims: ["sub": "known", "scope": "repo"])
        let fresh = TokenMinter.jwt(claims: ["sub": "fresh", "scope": "repo"])
        let before = try repository.commit([".tokenscan-baseline.json": try baseline(accepting: "KNOWN=\(known)\n", at: "config/app.env")], "baseline")
        try repository.push("main")
        try repository.commit(["config/app.env": "KNOWN=\(known)\n"], "add the known token")
        let after = try repository.commit(["config/app.env": "KNOWN=\(known)\nFRESH=\(fresh)\n"], "add a fresh one")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")

        let job = try job("push", ["before": before, "after": after, "ref": "refs/heads/main", "repository": ["full_name": "acme/service"]],
                          in: checkout, inputs: ["TOKENSCAN_BASELINE": ".tokenscan-baseline.json", "TOKENSCAN_FAIL_ON": "high"])
        XCTAssertEqual(job.status, 1, job.log + job.stderr)
        XCTAssertEqual(job.outputs["exit-code"], "1")
        XCTAssertEqual(job.outputs["upload"], "true")
        XCTAssertEqual(job.outputs["scanned"], "2 commits, \(before.prefix(12))..\(after.prefix(12)): every commit of the push")
        let found = results(job)
        XCTAssertEqual(found.count, 1, "the baseline of the base revision accepts the known token: \(found)")
        XCTAssertEqual((found.first?["properties"] as? [String: Any])?["severity"] as? String, "critical")
        XCTAssertTrue(job.log.contains("\n::error file=config/app.env,line=2,endLine=2,title=tokenscan%3A jwt (critical),col=7,"), job.log)
        XCTAssertTrue(job.log.contains("baseline .tokenscan-baseline.json read from the base revision \(before.prefix(12))"), job.log)
        XCTAssertTrue(job.summary.contains("**Result:** failed: findings at or above the gate, <code>high</code> (exit 1)."), job.summary)
        XCTAssertTrue(job.summary.contains("| critical | 1 |"), job.summary)
        XCTAssertTrue(job.summary.contains("<code>config/app.env:2</code>"), job.summary)
        // What goes to code scanning passes the schema and GitHub's upload checks.
        let validator = ActionRepository.root.deletingLastPathComponent().appendingPathComponent("shared/tools/validate-sarif")
        if FileManager.default.isExecutableFile(atPath: validator.path), let sarifFile = job.outputs["sarif-file"] {
            let checked = try ActionRepository.run([validator.path, "--spec", "--github", sarifFile], in: repository.directory)
            XCTAssertEqual(checked.status, 0, checked.stdout + checked.stderr)
        }
        // tokenscan's own output is fenced off from the workflow-command parser.
        let fence = try XCTUnwrap(job.log.split(separator: "\n").first { $0.hasPrefix("::stop-commands::") })
        XCTAssertTrue(job.log.contains("::\(fence.dropFirst("::stop-commands::".count))::"), job.log)
        try assertNoSecret(job, [known, fresh])
    }

    /// A pull request from a fork that accepts its own token by editing the baseline: the
    /// baseline of the base revision is used, the edit is named, the gate fails, and the SARIF
    /// is not uploaded (a fork's token is read-only), which the summary says.
    func testForkPullRequestCannotAcceptItsOwnTokenThroughTheBaseline() throws {
        let leaked = TokenMinter.jwt(claims: ["sub": "leaked", "scope": "repo"])
        try repository.commit([".tokenscan-baseline.json": try baseline(accepting: "OTHER=x\n", at: "other.env"), "README.md": "r\n"], "base")
        try repository.push("main")
        let base = try repository.sha("main")
        try repository.dev.git("checkout", "-q", "-b", "contribution")
        let head = try repository.commit(["app.env": "T=\(leaked)\n",
                                          ".tokenscan-baseline.json": try baseline(accepting: "T=\(leaked)\n", at: "app.env")], "add a token and accept it")
        try repository.push("contribution:refs/pull/7/head")
        try repository.dev.git("checkout", "-q", "--detach", "main")
        try repository.dev.git("merge", "-q", "--no-ff", "-m", "Merge", "contribution")
        try repository.push("HEAD:refs/pull/7/merge")
        let checkout = try repository.checkout("refs/pull/7/merge")

        let payload: [String: Any] = [
            "pull_request": ["number": 7, "base": ["sha": base, "ref": "main"], "head": ["sha": head, "repo": ["full_name": "someone/service"]]],
            "repository": ["full_name": "acme/service"],
        ]
        let job = try job("pull_request", payload, in: checkout, inputs: ["TOKENSCAN_BASELINE": ".tokenscan-baseline.json"])
        XCTAssertEqual(job.status, 1, job.log + job.stderr)
        XCTAssertEqual(job.outputs["upload"], "false")
        XCTAssertEqual(results(job).count, 1)
        XCTAssertTrue(job.log.contains("::notice title=tokenscan::SARIF not uploaded to code scanning: this pull request comes from a fork"), job.log)
        XCTAssertTrue(job.summary.contains("This change edits the baseline .tokenscan-baseline.json: not applied here"), job.summary)
        XCTAssertTrue(job.summary.contains("from a fork, whose token is read-only"), job.summary)
        XCTAssertTrue(job.log.contains("::error file=app.env,line=1,"), job.log)
        try assertNoSecret(job, [leaked])
    }

    /// The `config` input of a pull request is the base revision's file, with the rule files it
    /// names beside it; the pull request's edit of it is named, not applied.
    func testPullRequestTakesTheConfigurationFromItsBase() throws {
        try repository.commit([
            "ci/tokenscan.toml": "rules = [\"acme.toml\"]\n",
            "ci/acme.toml": AcmeRule.file,
        ], "configuration")
        try repository.push("main")
        let base = try repository.sha("main")
        try repository.dev.git("checkout", "-q", "-b", "change")
        let head = try repository.commit(["app.cfg": "key = acme_7q2w9e4r1t6y3u8i5o0p2a7s\n", "ci/tokenscan.toml": "disabledRules = [\"jwt\"]\n"],
                                         "use the key, drop the rule")
        try repository.push("change")
        let checkout = try repository.checkout("refs/heads/change")
        let payload: [String: Any] = [
            "pull_request": ["number": 8, "base": ["sha": base], "head": ["sha": head, "repo": ["full_name": "acme/service"]]],
            "repository": ["full_name": "acme/service"],
        ]
        let job = try job("pull_request", payload, in: checkout, inputs: ["TOKENSCAN_CONFIG": "ci/tokenscan.toml", "TOKENSCAN_FAIL_ON": "never"])
        XCTAssertEqual(job.status, 0, job.log + job.stderr)
        XCTAssertEqual(job.outputs["upload"], "true", "not a fork")
        XCTAssertEqual(results(job).map { $0["ruleId"] as? String }, ["acme-key"], "the base's rule file applies")
        XCTAssertTrue(job.log.contains("configuration ci/tokenscan.toml read from the base revision \(base.prefix(12))"), job.log)
        XCTAssertTrue(job.summary.contains("This change edits the configuration ci/tokenscan.toml: not applied here"), job.summary)
    }

    /// A scheduled run scans the whole tree, also what was committed long ago.
    func testScheduleScansTheWholeTree() throws {
        let old = TokenMinter.jwt(claims: ["sub": "old", "scope": "repo"])
        try repository.commit(["deploy/old.env": "T=\(old)\n"], "long ago")
        try repository.commit(["README.md": "r\n"], "later")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")
        let job = try job("schedule", ["schedule": "17 4 * * 1"], in: checkout)
        XCTAssertEqual(job.status, 1, job.log + job.stderr)
        XCTAssertEqual(job.outputs["scanned"], "the whole work tree: a schedule run")
        XCTAssertTrue(job.log.contains("::error file=deploy/old.env,line=1,"), job.log)
        try assertNoSecret(job, [old])
    }

    /// A clean push with a baseline that does not exist: a notice, not an error; exit 0.
    func testMissingBaselineIsANoticeAndACleanPushPasses() throws {
        let before = try repository.commit(["a.txt": "a\n"], "one")
        try repository.push("main")
        let after = try repository.commit(["b.txt": "nothing secret\n"], "two")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")
        let job = try job("push", ["before": before, "after": after, "ref": "refs/heads/main"], in: checkout,
                          inputs: ["TOKENSCAN_BASELINE": "missing-baseline.json"])
        XCTAssertEqual(job.status, 0, job.log + job.stderr)
        XCTAssertEqual(job.outputs["exit-code"], "0")
        XCTAssertTrue(job.log.contains("::notice title=tokenscan::No baseline: missing-baseline.json is not in the base revision"), job.log)
        XCTAssertTrue(job.summary.contains("**Result:** passed"), job.summary)
        XCTAssertEqual(results(job).count, 0)
    }

    /// Without a version the newest pinned release installs; a version that is not pinned, or a
    /// pins file with no release yet (this repository's until its first release), installs nothing.
    func testInstallTakesOnlyPinnedVersions() throws {
        let install = ActionRepository.script("install.sh")
        let environment = ["TOKENSCAN_ACTION_DIST": dist.path, "TOKENSCAN_ACTION_SHA256SUMS": pins.path, "RUNNER_TEMP": repository.directory.path]
        let installed = try ActionRepository.run([install], in: repository.directory, environment: environment)
        XCTAssertEqual(installed.status, 0, installed.stderr)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: installed.stdout.trimmingCharacters(in: .newlines)), installed.stdout)

        let unpinned = try ActionRepository.run([install, "9.9.9"], in: repository.directory, environment: environment)
        XCTAssertEqual(unpinned.status, 2)
        XCTAssertEqual(unpinned.stdout, "")
        XCTAssertTrue(unpinned.stderr.contains("version 9.9.9 is not pinned in \(pins.path)"), unpinned.stderr)

        var empty = environment
        empty["TOKENSCAN_ACTION_SHA256SUMS"] = ActionRepository.root.appendingPathComponent("action/SHA256SUMS").path
        let shipped = try String(contentsOfFile: empty["TOKENSCAN_ACTION_SHA256SUMS"]!, encoding: .utf8)
        if !shipped.contains("-linux-x86_64.tar.gz") {
            let none = try ActionRepository.run([install], in: repository.directory, environment: empty)
            XCTAssertEqual(none.status, 2)
            XCTAssertTrue(none.stderr.contains("pins no release yet"), none.stderr)
        }
    }

    /// A tarball whose checksum is not the pinned one is not run; tokenscan's own exit 2 (a usage
    /// error) stays 2; both are explained in the log and the summary.
    func testUnverifiedTarballAndUsageErrorsExitTwoAndSayWhy() throws {
        let after = try repository.commit(["a.txt": "a\n"], "one")
        try repository.push("main")
        let checkout = try repository.checkout("refs/heads/main")
        let payload: [String: Any] = ["before": ActionRepository.zero, "after": after, "ref": "refs/heads/main"]

        let wrong = repository.directory.appendingPathComponent("wrong.sha256")
        let pinned = try String(contentsOf: pins, encoding: .utf8)
        try pinned.replacingOccurrences(of: #"(?m)^[0-9a-f]{64}"#, with: String(repeating: "0", count: 64), options: .regularExpression)
            .write(to: wrong, atomically: true, encoding: .utf8)
        let refused = try job("push", payload, in: checkout, pins: wrong)
        XCTAssertEqual(refused.status, 2)
        XCTAssertEqual(refused.outputs["exit-code"], "2")
        XCTAssertNil(refused.outputs["sarif-file"])
        XCTAssertTrue(refused.stderr.contains("but \(wrong.path) pins \(String(repeating: "0", count: 64)): refusing to run it"), refused.stderr)
        XCTAssertTrue(refused.log.contains("::error title=tokenscan::cannot install tokenscan"), refused.log)
        XCTAssertTrue(refused.summary.contains("**Result:** tokenscan could not run (exit 2): cannot install tokenscan"), refused.summary)

        let usage = try job("push", payload, in: checkout, inputs: ["TOKENSCAN_ARGS": "--fail-on sometimes"])
        XCTAssertEqual(usage.status, 2, usage.log + usage.stderr)
        XCTAssertEqual(usage.outputs["exit-code"], "2")
        XCTAssertEqual(usage.outputs["upload"], "false")
        XCTAssertTrue(usage.log.contains("::error title=tokenscan::tokenscan exited 2: it could not run"), usage.log)
        XCTAssertTrue(usage.summary.contains("could not run (exit 2)"), usage.summary)
    }
}
