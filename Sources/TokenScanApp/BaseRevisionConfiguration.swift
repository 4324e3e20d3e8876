import FoundationEssentials
import Glibc
import TokenScanModel
import TokenScanSources

/// The configuration a range scan trusts: its base revision's `.tokenscan.toml`, `.gitleaks.toml`,
/// `.gitleaksignore` and the rule files its configuration names, exported into a private
/// directory that `ConfigurationDiscovery` reads (`confinedTo`); and the changes the range makes
/// to any of them or to a `.tokenscanignore`, which are named, not applied.
///
/// Why: in CI the work tree is the pull request's. A pull request that adds an allowlist, disables
/// a rule or adds a fingerprint must not switch its own gate off; the change takes effect once it
/// is merged into the base (design §8). Nothing is run; files are read with `ls-tree`/`cat-file`.
public final class BaseRevisionConfiguration {
    /// The exported files (mode 0700; removed by `remove()`).
    public let directory: String
    /// The base's commit id, for reports (`revision 1a2b3c4d…`).
    public let commit: String
    /// The files of the base that shape the scan, repository-relative (watched for changes).
    public private(set) var watchedPaths: [String] = BaseRevisionConfiguration.rootFiles

    static let rootFiles = [Configuration.fileName, GitleaksConfig.fileName, ".gitleaksignore"]

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Exports the base revision's configuration files.
    public init(source: GitSource, base: String) throws(Failure) {
        var template = Array((FileManager.default.temporaryDirectory.path + "/tokenscan-base-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Failure(description: "cannot create a private directory for the base revision's configuration: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: created)
        self.directory = directory
        do {
            commit = try source.commitID(base)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw Failure(description: "cannot read the base revision '\(base)': \(error)")
        }
        do {
            for name in BaseRevisionConfiguration.rootFiles { try export(source.files(at: commit, under: name)) }
            // The rule files the base's configuration names, relative to it (the repository root).
            let configPath = directory + "/" + Configuration.fileName
            if FileManager.default.fileExists(atPath: configPath), let configuration = try? Configuration.load(path: configPath) {
                var named = configuration.ruleSources
                if case .path(let gitleaks)? = configuration.gitleaks { named.append(gitleaks) }
                for path in named where path.hasPrefix(directory + "/") {
                    let relative = String(path.dropFirst(directory.count + 1))
                    try export(source.files(at: commit, under: relative))
                    watchedPaths.append(relative)
                }
            }
        } catch let error as GitError {
            remove()
            throw Failure(description: "cannot read the base revision '\(base)': \(error)")
        } catch {
            remove()
            throw Failure(description: "\(error)")
        }
    }

    /// How the report names a file read from here.
    public var sourceDescription: String { "revision \(commit.prefix(12))" }

    private func export(_ files: [(path: String, contents: [UInt8])]) throws {
        for file in files {
            // git never stores `..` or absolute paths; refuse them anyway rather than write outside.
            guard !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else { continue }
            let target = URL(fileURLWithPath: directory).appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents).write(to: target)
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
