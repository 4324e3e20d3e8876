import Foundation
import PackagePlugin

/// Generates `BuildCommit.sha`, the commit the binary is built from ("unknown" outside git), for
/// `tokenscan --version`.
///
/// Why the git files are declared as inputs: a build command re-runs only when an input changes,
/// so the files that move when HEAD moves are the inputs — `HEAD` itself (a checkout), the branch's
/// loose ref (a commit) and `packed-refs`. Applied to the executable target only, so a new commit
/// recompiles one small file, not the libraries.
@main
struct EmbedCommit: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("BuildCommit.swift")
        var arguments = ["commit", output.path]
        var inputs: [URL] = []
        if let git = GitDirectories(packageRoot: context.package.directoryURL) {
            arguments += [git.gitDirectory.path, git.commonDirectory.path]
            inputs = git.filesThatMoveWithHead.filter { FileManager.default.fileExists(atPath: $0.path) }
        }
        return [
            .buildCommand(
                displayName: "Embedding the git commit",
                executable: try context.tool(named: "embed-build-info").url,
                arguments: arguments,
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

/// Where a checkout keeps HEAD and its refs: `.git/` itself, or for a linked worktree (`.git` is
/// a file `gitdir: …`) the worktree's directory and the main repository's (`commondir`).
struct GitDirectories {
    var gitDirectory: URL
    var commonDirectory: URL

    init?(packageRoot: URL) {
        let dotGit = packageRoot.appendingPathComponent(".git")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit.path, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue {
            gitDirectory = dotGit
            commonDirectory = dotGit
            return
        }
        guard let text = try? String(contentsOf: dotGit, encoding: .utf8),
              let line = text.split(separator: "\n").first, line.hasPrefix("gitdir:") else { return nil }
        // A linked worktree's gitdir is absolute; a submodule's is relative to its directory.
        let path = line.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
        gitDirectory = Self.resolve(path, against: packageRoot)
        if let common = try? String(contentsOf: gitDirectory.appendingPathComponent("commondir"), encoding: .utf8) {
            commonDirectory = Self.resolve(common.trimmingCharacters(in: .whitespacesAndNewlines), against: gitDirectory)
        } else {
            commonDirectory = gitDirectory
        }
    }

    static func resolve(_ path: String, against directory: URL) -> URL {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        return url.standardizedFileURL
    }

    var filesThatMoveWithHead: [URL] {
        let head = gitDirectory.appendingPathComponent("HEAD")
        var files = [head, commonDirectory.appendingPathComponent("packed-refs")]
        if let text = try? String(contentsOf: head, encoding: .utf8), text.hasPrefix("ref:") {
            let ref = text.dropFirst("ref:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            files.append(commonDirectory.appendingPathComponent(ref))
        }
        return files
    }
}
