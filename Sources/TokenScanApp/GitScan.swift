import TokenFormats
import TokenScanModel
import TokenScanSources
import TokenScanSuppression

/// Sets up a scan of a git repository's staged changes or commits: the one place `git` and `hook`
/// start git, so both trust the same configuration and ignore files and run git the same safe way.
///
/// A range trusts its base revision's configuration, never the commits it scans (design §8): it is
/// exported (`base`) for configuration discovery; what the range changes in it is named, not
/// applied; fingerprints the range adds to its `.tokenscanignore` files and inline allows accept,
/// but each such acceptance is listed for review. `--staged` and all history read the repository's.
public final class GitScan {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let source: GitSource
    /// The base revision's configuration, exported; nil unless a range is scanned with the
    /// repository's configuration.
    public let base: BaseRevisionConfiguration?
    /// `--no-repo-config` not given.
    public let readsRepositoryConfiguration: Bool

    /// - Parameters:
    ///   - repository: `--repo` (a directory inside the work tree, or a bare repository).
    public init(repository: String, selection: GitSource.Selection, environment: [String: String],
                readsRepositoryConfiguration: Bool) throws(Failure) {
        do {
            let runner = try GitRunner(repository: repository, environment: environment, keepIndexFile: selection == .staged)
            try runner.verifyRepository()
            source = GitSource(runner: runner, selection: selection)
        } catch {
            throw Failure(description: "\(error)")
        }
        self.readsRepositoryConfiguration = readsRepositoryConfiguration
        if let ends = source.rangeEnds, readsRepositoryConfiguration {
            do {
                base = try BaseRevisionConfiguration(source: source, base: ends.base)
            } catch {
                throw Failure(description: "\(error)")
            }
        } else {
            base = nil
        }
    }

    /// Adds the source, the trusted ignore files and the range's configuration changes to
    /// `request` (whose configuration was discovered in `base`'s directory, if any).
    /// - Parameter paths: only these files (relative to the current directory, as pre-commit
    ///   passes them from the repository root); nil: every file.
    /// - Parameter shard: `--shard K/N`: only the commits whose id is this shard's are read (git
    ///   diffs no other), and the report records where they stand in the whole range.
    public func prepare(_ request: inout ScanRequest, paths: [String]?, shard: Shard? = nil, warn: (String) -> Void) throws(Failure) {
        do {
            if let base, let ends = source.rangeEnds {
                let changes = try source.changes(from: ends.base, to: ends.tip, touching: base.watchedPaths)
                request.configuration.changedInRange = changes
                for change in changes {
                    warn("warning: the scanned commits change \(change.path) (\(change.change)); this scan used the base revision's (\(base.sourceDescription)): the change takes effect once it is merged")
                }
            }
            // Each line a range scan sees is added by the change under review (design §8).
            if source.rangeEnds != nil { request.options.suppressions.inlineAllowIsInChange = true }
            if readsRepositoryConfiguration {
                let trusted = try source.ignoreFiles()
                request.acceptIgnoreFiles(trusted)
                if let ends = source.rangeEnds {
                    request.acceptIgnoreFiles(addedBy: try source.ignoreFiles(at: ends.tip), to: trusted)
                }
            }
            var repositoryPaths: Set<String>?
            if let paths {
                // Blob names are relative to the repository's top; the files passed are relative
                // to here (pre-commit runs hooks from the top, where the prefix is empty).
                let prefix = String(decoding: try source.runner.output(["rev-parse", "--show-prefix"]), as: UTF8.self)
                    .trimming(.newlines)
                repositoryPaths = Set(paths.map { prefix + Walker.normalize($0) })
            }
            var source = source
            if var shard {
                guard source.selection != .staged else {
                    throw Failure(description: "--shard splits history by commit; --staged has no commits to split")
                }
                shard.by = .commit
                let ordered = try source.orderedCommits()
                let mine = ordered.indices.filter { shard.contains(ordered[$0].utf8) }
                source.commits = mine.map { ordered[$0] }
                request.commitOrder = Dictionary(mine.map { (ordered[$0], $0) }, uniquingKeysWith: { first, _ in first })
                request.shard = shard
            }
            request.sources = [PathFilteredSource(source, paths: repositoryPaths)]
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(error)")
        }
        request.options.reportRepeatsOnce = true
    }

    /// Removes the exported base configuration.
    public func remove() { base?.remove() }
}
