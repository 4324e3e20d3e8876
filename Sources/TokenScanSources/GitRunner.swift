import FoundationEssentials
import Glibc
import TokenFormats
import TokenScanEngine
import TokenScanJudge
import TokenScanModel
import TokenScanSearch
import TokenScanSuppression

/// Why running git failed.
public enum GitError: Error, Equatable, CustomStringConvertible {
    /// No `git` executable in an absolute `PATH` directory.
    case gitNotFound
    /// `path` is not inside a git repository (or cannot be entered); `detail` is git's message.
    case notARepository(path: String, detail: String)
    /// The git process could not be started.
    case launchFailed(String)
    /// git ran and exited with a non-zero status.
    case failed(command: String, status: Int32, message: String)
    /// git's output did not have the shape tokenscan asked for.
    case unexpectedOutput(String)
    /// `--staged` on a bare repository, which has no index.
    case bareRepository(path: String)

    public var description: String {
        switch self {
        case .gitNotFound:
            "git is not installed (no executable 'git' in PATH)"
        case .notARepository(let path, let detail):
            "\(path) is not a git repository" + (detail.isEmpty ? "" : " (\(detail))")
        case .launchFailed(let reason):
            "cannot run git: \(reason)"
        case .failed(let command, let status, let message):
            "git \(command) failed (exit \(status))" + (message.isEmpty ? "" : ": \(message)")
        case .unexpectedOutput(let detail):
            "unexpected git output: \(detail)"
        case .bareRepository(let path):
            "\(path) is a bare repository: it has no staged changes to scan"
        }
    }
}

/// Runs git on a repository that may be hostile, so that reading it never executes anything it
/// configures.
///
/// Why this exists: a repository's `.git/config` and `.gitattributes` can name programs that git
/// runs on its own — hooks, `core.fsmonitor`, external diff drivers, textconv and clean/smudge
/// filters, pagers, credential helpers, `gpg.program` for signature display, ssh commands for lazy
/// fetches. A scanner is pointed at repositories nobody has vetted (a pull request, a cloned
/// dependency), so every git call goes through here and overrides all of them on the command line,
/// which wins over any configuration file. Only read-only commands are run (`diff --cached`,
/// `log`, `rev-parse`), never `status` or anything else that refreshes the index.
///
/// The environment is injected (design §6) and cleaned: inherited `GIT_*` variables could point git
/// at another repository, another config or an external diff, so all of them are dropped except
/// `GIT_INDEX_FILE` when asked for (a pre-commit hook of `git commit -a` stages into a temporary
/// index that `--staged` must read).
public struct GitRunner: Sendable {
    /// The git executable that is run.
    public let executable: String
    /// The directory given to `git -C`.
    public let repository: String
    /// The complete environment of every git process.
    public let environment: [String: String]

    /// Configuration that must win over the repository's: each entry disables something git could
    /// otherwise execute or fetch, or pins the output format the diff parser reads.
    public static let safetyConfiguration: [String] = [
        "core.hooksPath=/dev/null",
        "core.fsmonitor=false",
        "core.untrackedCache=false",
        "diff.external=",
        "core.pager=cat",
        "core.editor=true",
        "credential.helper=",
        "protocol.allow=never",
        "core.sshCommand=false",
        // Signature display would run gpg.program (repository-configurable).
        "log.showSignature=false",
        "gpg.program=false",
        "gpg.ssh.program=false",
        "gpg.x509.program=false",
        // No automatic housekeeping in someone else's repository.
        "gc.auto=0",
        "maintenance.auto=false",
        // Output format: quoted non-ASCII paths (unambiguous), blank context lines keep their
        // space, the root commit's diff is shown (log.showRoot=false would hide a whole tree).
        "core.quotePath=true",
        "diff.suppressBlankEmpty=false",
        "diff.noprefix=false",
        "diff.mnemonicPrefix=false",
        "log.showRoot=true",
    ]

    /// Diff options for every diff tokenscan reads: no external programs, no colour, no context,
    /// fixed `a/` `b/` prefixes and repository-relative paths whatever the configuration says.
    ///
    /// `--text`: git would call a file binary when *either* side has a NUL byte in its first 8000
    /// bytes, or when `.gitattributes` says `-diff` (`binary`) — a file the scanned commits
    /// themselves can add. Either would hide the added lines ("Binary files differ"). So every
    /// file is diffed as text and `GitSource` decides from the new content, as the walker does.
    /// `--full-index`: whole object ids in `index` lines, which `GitObjectReader` looks up.
    public static let diffOptions: [String] = [
        "--no-ext-diff", "--no-textconv", "--text", "--full-index", "--no-color", "-U0", "--inter-hunk-context=0",
        "-M", "--src-prefix=a/", "--dst-prefix=b/", "--no-relative", "--submodule=short", "-O/dev/null",
    ]

    /// - Parameters:
    ///   - repository: the directory to run git in (`--repo`).
    ///   - environment: the caller's environment (git is looked up in its `PATH`).
    ///   - keepIndexFile: keep an inherited `GIT_INDEX_FILE` (staged scans from a hook).
    ///   - currentDirectory: resolves a relative `GIT_INDEX_FILE`, as git would from the hook's directory.
    public init(
        repository: String, environment: [String: String], keepIndexFile: Bool = false,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws(GitError) {
        guard let executable = GitRunner.findExecutable(path: environment["PATH"]) else { throw .gitNotFound }
        self.executable = executable
        self.repository = repository
        self.environment = GitRunner.cleanEnvironment(environment, keepIndexFile: keepIndexFile, currentDirectory: currentDirectory)
    }

    /// Looks `git` up in the absolute directories of `PATH` only: a relative entry (".", or an empty
    /// one) would resolve against the current directory — possibly the repository being scanned,
    /// which could ship its own `git`.
    package static func findExecutable(path: String?) -> String? {
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: true)
        for directory in directories where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)git" : "\(directory)/git"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    package static func cleanEnvironment(_ inherited: [String: String], keepIndexFile: Bool, currentDirectory: String) -> [String: String] {
        var environment = inherited.filter { !$0.key.hasPrefix("GIT_") && $0.key != "SSH_ASKPASS" }
        if keepIndexFile, let index = inherited["GIT_INDEX_FILE"], !index.isEmpty {
            environment["GIT_INDEX_FILE"] = index.hasPrefix("/") ? index : currentDirectory + "/" + index
        }
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_OPTIONAL_LOCKS"] = "0"
        environment["GIT_PAGER"] = "cat"
        environment["PAGER"] = "cat"
        // Replace refs could substitute other objects for the real history.
        environment["GIT_NO_REPLACE_OBJECTS"] = "1"
        // Partial clones would fetch missing blobs from a remote (protocol.allow=never blocks it too).
        environment["GIT_NO_LAZY_FETCH"] = "1"
        environment["LC_ALL"] = "C"
        return environment
    }

    /// The complete argument vector for `git <arguments>`.
    public func commandLine(_ arguments: [String]) -> [String] {
        var line = ["-C", repository, "--no-pager"]
        for setting in GitRunner.safetyConfiguration { line += ["-c", setting] }
        return line + arguments
    }

    /// Runs git and returns its standard output (for small outputs such as `rev-parse`).
    public func output(_ arguments: [String]) throws(GitError) -> [UInt8] {
        var collected: [UInt8] = []
        try stream(arguments) { collected += $0 }
        return collected
    }

    /// Fails with `.notARepository` unless the repository directory is inside a git repository.
    public func verifyRepository() throws(GitError) {
        do {
            _ = try output(["rev-parse", "--git-dir"])
        } catch {
            if case .failed(_, _, let message) = error { throw .notARepository(path: repository, detail: message) }
            throw error
        }
    }

    /// Runs git and hands its standard output to `consume` in chunks as it arrives, so that output
    /// of any size passes through bounded memory. `consume` runs on the calling thread; while it
    /// blocks, git blocks on the full pipe. Standard error is collected on a helper thread (so git
    /// can never stall on it) and becomes the message of `.failed`.
    ///
    /// `input`: written to git's standard input and closed before its output is read, for
    /// commands that read all of it first (`log --stdin`: a list of commits too long for argv).
    public func stream(_ arguments: [String], input: [UInt8]? = nil, consume: (ArraySlice<UInt8>) -> Void) throws(GitError) {
        let process: ChildProcess
        do {
            process = try ChildProcess(executable: executable, arguments: commandLine(arguments), environment: environment,
                                       stdin: input == nil ? .nullDevice : .pipe, stdout: .pipe, stderr: .pipe)
        } catch {
            throw .launchFailed(error.description)
        }
        let errors = StandardErrorCollector(descriptor: process.errors)
        errors.start()
        if let input {
            var written = 0
            while written < input.count {
                let count = input[written...].withUnsafeBytes { write(process.input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                // git stopped reading (it failed): its status and message say why, below.
                if count <= 0 { break }
                written += count
            }
            process.closeInput()
        }
        let descriptor = process.output
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            consume(buffer[0..<count])
        }
        // Standard error reaches end of file when git exits; only then may its descriptor close.
        let message = errors.finish()
        let (exited, status) = process.wait()
        guard exited, status == 0 else {
            let command = arguments.first ?? ""
            throw .failed(command: command, status: exited ? status : status - 128, message: message)
        }
    }
}

/// Reads a child's standard error to its end on its own thread and keeps the first 8 KiB.
private final class StandardErrorCollector: @unchecked Sendable {
    private let descriptor: Int32
    private let lock = Lock()
    private var bytes: [UInt8] = []
    private var thread: NativeThread?
    private static let limit = 8 << 10

    /// `descriptor` stays owned by the caller (`ChildProcess.wait` closes it).
    init(descriptor: Int32) { self.descriptor = descriptor }

    func start() {
        thread = NativeThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.withLock {
                    if bytes.count < StandardErrorCollector.limit {
                        bytes += buffer[0..<min(count, StandardErrorCollector.limit - bytes.count)]
                    }
                }
            }
        }
    }

    /// Waits for end of file; the text with git's lines joined by "; ".
    func finish() -> String {
        thread?.join()
        return lock.withLock {
            String(decoding: bytes, as: UTF8.self)
                .split(separator: "\n").map { $0.trimming(.whitespaces) }.filter { !$0.isEmpty }
                .joined(separator: "; ")
        }
    }
}
