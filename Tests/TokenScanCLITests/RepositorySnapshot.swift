import Foundation
import FixtureKit

/// This checkout as it stands — committed files with their working-tree changes, and new files git
/// does not ignore — committed in a fresh repository, for the tests that install the hooks the way
/// pre-commit does on a user's machine: what the rest of the suite tests, and nothing a clean clone
/// lacks (no .build, no dist, no Package.resolved).
enum RepositorySnapshot {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Copies the snapshot to `target`, commits it there and returns the commit (the `rev:` a
    /// `.pre-commit-config.yaml` names).
    static func commit(to target: URL, environment: [String: String]) throws -> String {
        @discardableResult
        func git(_ arguments: String..., in directory: URL) throws -> String {
            let result = try Command.run(["git"] + arguments, in: directory, environment: environment)
            guard result.status == 0 else {
                throw Failure(description: "git \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
            }
            return result.output
        }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let listed = try git("-C", repositoryRoot.path, "ls-files", "-z", "--cached", "--others", "--exclude-standard", in: target)
        let base = try git("-C", repositoryRoot.path, "rev-parse", "HEAD", in: target).trimmingCharacters(in: .whitespacesAndNewlines)
        for path in Set(listed.split(separator: "\0").map(String.init)) {
            let source = repositoryRoot.appendingPathComponent(path)
            // A file deleted in the working tree is not part of the snapshot.
            guard (try? FileManager.default.attributesOfItem(atPath: source.path)) != nil else { continue }
            let copy = target.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: copy)
        }
        try git("init", "-q", "-b", "main", in: target)
        try git("add", "-A", in: target)
        try git("commit", "-q", "-m", "tokenscan at \(base) with the working tree's changes", in: target)
        return try git("rev-parse", "HEAD", in: target).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A project directory `project` under `directory` whose `.pre-commit-config.yaml` installs
    /// the hook `id` from the snapshot repository `hook` at `rev`.
    static func preCommitProject(in directory: URL, hook: URL, rev: String, id: String) throws -> URL {
        let project = directory.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        try """
        repos:
          - repo: \(hook.path)
            rev: \(rev)
            hooks:
              - id: \(id)
        """.write(to: project.appendingPathComponent(".pre-commit-config.yaml"), atomically: true, encoding: .utf8)
        return project
    }
}
