import Foundation

/// A throwaway git repository for tests of git sources, built with the real `git`.
///
/// Why: the git source's contract (line numbers, commits, renames, merges, shallow clones) is only
/// worth testing against what git really writes. Commits get fixed identities and dates, so tests
/// can assert exact author and date fields; the user's own git configuration is not read
/// (`GIT_CONFIG_GLOBAL=/dev/null`) and hooks never run while a test builds its history.
public final class GitFixture {
    public struct Failure: Error, CustomStringConvertible {
        public var arguments: [String]
        public var status: Int32
        public var output: String
        public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    public let directory: URL
    public var path: String { directory.path }

    /// The git executable, if one is installed.
    public static let executable: String? = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A new repository (branch `main`) in a fresh temporary directory.
    public init() throws {
        directory = try Scratch.directory("git")
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Author")
        try git("config", "user.email", "author@example.com")
    }

    /// Wraps an existing directory (a clone made with `git clone`).
    public init(existing directory: URL) {
        self.directory = directory
    }

    /// Runs git in the repository and returns its standard output (trimmed). `date` sets the
    /// author and committer date of commits it makes.
    @discardableResult
    public func git(_ arguments: String..., date: String = "2026-03-01T10:00:00+00:00", in workingDirectory: URL? = nil) throws -> String {
        try run(Array(arguments), date: date, in: workingDirectory ?? directory)
    }

    @discardableResult
    public func run(_ arguments: [String], date: String = "2026-03-01T10:00:00+00:00", in workingDirectory: URL? = nil) throws -> String {
        guard let executable = GitFixture.executable else { throw Failure(arguments: arguments, status: -1, output: "git is not installed") }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_AUTHOR_DATE"] = date
        environment["GIT_COMMITTER_DATE"] = date
        environment["GIT_EDITOR"] = "true"
        let (status, text) = try Command.run(
            [executable, "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", "-c", "protocol.file.allow=always"] + arguments,
            in: workingDirectory ?? directory, environment: environment)
        guard status == 0 else { throw Failure(arguments: arguments, status: status, output: text) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes a file (creating directories) relative to the work tree.
    public func write(_ relativePath: String, _ text: String) throws {
        try write(relativePath, bytes: Array(text.utf8))
    }

    public func write(_ relativePath: String, bytes: [UInt8]) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent(relativePath))
    }

    /// Stages everything and commits; returns the new commit's sha.
    @discardableResult
    public func commitAll(_ message: String, author: String = "Test Author <author@example.com>",
                          date: String = "2026-03-01T10:00:00+00:00") throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message, "--author", author, date: date)
        return try git("rev-parse", "HEAD")
    }

    /// `lines` joined with newlines, with a final newline.
    public static func text(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
}
