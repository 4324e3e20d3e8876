import Foundation
import XCTest
import FixtureKit

/// What the GitHub Action's tests share: a bare "origin" with a developer's clone that pushes to
/// it, checkouts made the way `actions/checkout` makes them (one commit, `--depth 1`), and a
/// runner for the action's scripts with separate stdout and stderr.
///
/// Why real repositories: what the action scans depends on what git can reach after a shallow
/// checkout and a fetch; only real clones of a real remote show that.
struct ActionRepository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let zero = String(repeating: "0", count: 40)

    let directory: URL
    let origin: URL
    /// The developer's clone: commits here, then `push`.
    let dev: GitFixture

    init() throws {
        guard GitFixture.executable != nil else { throw XCTSkip("git is not installed") }
        directory = try Scratch.directory("action")
        origin = directory.appendingPathComponent("origin.git")
        try FileManager.default.createDirectory(at: origin, withIntermediateDirectories: true)
        dev = try GitFixture()
        try dev.git("init", "-q", "--bare", "-b", "main", origin.path)
        try dev.git("remote", "add", "origin", origin.path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: dev.directory)
    }

    /// Writes files and commits them in the developer's clone; returns the commit.
    @discardableResult
    func commit(_ files: [String: String], _ message: String) throws -> String {
        for (path, text) in files { try dev.write(path, text) }
        return try dev.commitAll(message)
    }

    func push(_ refspec: String, force: Bool = false) throws {
        try dev.run(["push", "-q"] + (force ? ["-f"] : []) + ["origin", refspec])
    }

    func sha(_ revision: String) throws -> String { try dev.git("rev-parse", revision) }

    /// A checkout as `actions/checkout` leaves one: the one commit `ref` names on origin, fetched
    /// with depth 1 and checked out detached, `origin` pointing at the bare repository.
    func checkout(_ ref: String) throws -> GitFixture {
        let path = directory.appendingPathComponent("checkout-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let clone = GitFixture(existing: path)
        try clone.git("init", "-q")
        try clone.git("remote", "add", "origin", origin.absoluteString)
        try clone.git("fetch", "-q", "--no-tags", "--depth=1", "origin", "+\(ref):refs/remotes/checkout")
        try clone.git("checkout", "-q", "--detach", "refs/remotes/checkout")
        return clone
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs one of the action's scripts (or any program) with a clean git environment: no
    /// GIT_* or GITHUB_* variable of the test's own environment, no user or system git config.
    static func run(_ arguments: [String], in directory: URL, environment extra: [String: String] = [:]) throws -> Run {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") && !$0.key.hasPrefix("GITHUB_") && !$0.key.hasPrefix("TOKENSCAN_") }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_NAME"] = "Dev"; environment["GIT_AUTHOR_EMAIL"] = "dev@example.com"
        environment["GIT_COMMITTER_NAME"] = "Dev"; environment["GIT_COMMITTER_EMAIL"] = "dev@example.com"
        for (name, value) in extra { environment[name] = value }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        // stderr goes to a file: reading two pipes in turn could stall a script that fills the other.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("tokenscan-action-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil) // if it failed, FileHandle below throws
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        let err = try FileHandle(forWritingTo: errFile)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    static func script(_ name: String) -> String { root.appendingPathComponent("action/\(name)").path }
}
