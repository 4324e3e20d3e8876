import TokenScanModel

/// The tracked files of a git work tree that its ignore files list, relative to a scan root.
///
/// Why: git applies `.gitignore` to untracked files only; a file added with `git add -f` (a
/// `.env` someone forced in) is committed and pushed like any other. The walker left it out
/// because `.gitignore` lists it, so the one file most likely to hold a secret was never read.
/// git is asked (`ls-files --cached --ignored --exclude-standard`, through `GitRunner`: nothing
/// of the repository runs, and the index is only read) only when a walk meets a path that a git
/// ignore file leaves out, so a tree with nothing ignored starts no process.
package struct TrackedIgnoredPaths: Sendable {
    /// Files, relative to the scan root, as the walker names them (`RawPath.display`).
    package let files: Set<String>
    /// Every directory above one of `files` (the walker must enter it to reach them).
    package let directories: Set<String>

    package init(paths: [String]) {
        files = Set(paths)
        var directories: Set<String> = []
        for path in paths {
            var parent = PathName.parent(of: path)
            while !parent.isEmpty && parent != "/" && directories.insert(parent).inserted {
                parent = PathName.parent(of: parent)
            }
        }
        self.directories = directories
    }

    package func contains(_ relative: String, isDirectory: Bool) -> Bool {
        isDirectory ? directories.contains(relative) : files.contains(relative)
    }

    /// The tracked ignored files below `root` (a directory inside a work tree); nil outside a
    /// work tree, where nothing changes and git is not run.
    package static func load(root: String, environment: [String: String]) throws(GitError) -> TrackedIgnoredPaths? {
        guard let real = Walker.realPath(root), Walker.enclosingRepository(of: real) != nil else { return nil }
        let runner = try GitRunner(repository: root, environment: environment)
        // Paths come relative to `git -C root`, NUL-separated and unquoted (any bytes).
        let output = try runner.output(["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"])
        return TrackedIgnoredPaths(paths: output.split(separator: 0).map { RawPath(bytes: Array($0)).display })
    }
}
