import Foundation
import PackagePlugin

/// Generates `TokenScanVersion.current` from the package's `VERSION` file.
///
/// Why: VERSION is the one place the version is written. scripts/release, the wheel and the
/// pre-commit hook project read it as a file; the Swift code gets it through this plugin, so a
/// release cannot ship a binary that reports another version than its wheel.
@main
struct EmbedVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let version = context.package.directoryURL.appendingPathComponent("VERSION")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("TokenScanVersion.swift")
        return [
            .buildCommand(
                displayName: "Embedding VERSION",
                executable: try context.tool(named: "embed-build-info").url,
                arguments: ["version", output.path, version.path],
                inputFiles: [version],
                outputFiles: [output]
            )
        ]
    }
}
