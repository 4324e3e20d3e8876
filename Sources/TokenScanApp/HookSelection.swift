import TokenScanModel
import TokenScanSources

/// What one run of the pre-commit hook scans, decided from how pre-commit (or git) started it
/// (design §8).
///
/// Why: pre-commit runs the same hook inside `git commit`, for `pre-commit run --all-files` and
/// for `pre-commit run --from-ref A --to-ref B` (CI, pre-push). A hook that always read the staged
/// diff reported "Passed" for the last two however many live tokens were committed: outside a
/// commit nothing is staged.
public enum HookSelection: Sendable, Equatable {
    /// `PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF` are set: the lines the commits of `from..to` add,
    /// limited to `paths` when pre-commit passed files (it splits long lists over several runs).
    case range(from: String, to: String, paths: [String])
    /// Inside a commit (git sets `GIT_INDEX_FILE` for its hooks), or no file was passed: the lines
    /// the staged changes add, from the index — never the work tree, so a partially staged file is
    /// judged by what is committed — limited to `paths` when files were passed.
    case staged(paths: [String])
    /// Anything else (`pre-commit run --all-files`, `--files …`): the files passed, whole.
    case files([String])

    /// `environment`: the hook's; `files`: the file names pre-commit passed.
    public static func decide(environment: [String: String], files: [String]) -> HookSelection {
        // pre-commit 2 and later; 1.x named them PRE_COMMIT_ORIGIN (from) and PRE_COMMIT_SOURCE
        // (to), which pre-commit still sets beside the new names.
        let from = nonEmpty(environment["PRE_COMMIT_FROM_REF"]) ?? nonEmpty(environment["PRE_COMMIT_ORIGIN"])
        let to = nonEmpty(environment["PRE_COMMIT_TO_REF"]) ?? nonEmpty(environment["PRE_COMMIT_SOURCE"])
        if let from, let to { return .range(from: from, to: to, paths: files) }
        if nonEmpty(environment["GIT_INDEX_FILE"]) != nil || files.isEmpty { return .staged(paths: files) }
        return .files(files)
    }

    /// What the stderr note and `--verbose` call it.
    public var description: String {
        switch self {
        case .range(let from, let to, _): "the commits \(from)..\(to)"
        case .staged: "the staged changes"
        case .files(let files): "\(files.count) file\(files.count == 1 ? "" : "s")"
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}

/// Passes on only the items whose path is in `paths` (and every item when `paths` is nil).
///
/// Why: pre-commit passes the files its `files`/`exclude` filters select, and splits a long list
/// over several runs of the hook; a git diff limited to them keeps the runs disjoint and honours
/// the filters. Filtering here, rather than with a git pathspec, leaves no file name on git's
/// command line to be read as pathspec magic.
public struct PathFilteredSource<Base: InputSource>: InputSource {
    public let base: Base
    public let paths: Set<String>?

    public init(_ base: Base, paths: Set<String>?) {
        self.base = base
        self.paths = paths
    }

    public func produce(into sink: InputSink) throws(Base.Failure) {
        guard let paths else { return try base.produce(into: sink) }
        let filtered = InputSink(emit: { item in
            switch item {
            case .blob(let blob) where !paths.contains(blob.name): return
            case .skipped(let skipped) where !paths.contains(skipped.path): return
            default: sink.emit(item)
            }
        }, walk: { sink.walk($0) })
        try base.produce(into: filtered)
    }
}
