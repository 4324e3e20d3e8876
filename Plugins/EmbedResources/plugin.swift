import Foundation
import PackagePlugin

/// Embeds every file under the package's `Rules/` directory into the target as Swift source, and
/// the rules and vocabularies parsed from them as tables (so that tokenscan parses no TOML for
/// them at start-up).
///
/// Why a plugin and not SwiftPM resources: a resource bundle lives next to the binary, so a copied
/// `tokenscan` would lose its rules. Generated source keeps the binary self-contained while
/// `Rules/` stays the only place the rules are edited.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rules = context.package.directoryURL.appendingPathComponent("Rules")
        let files = (try? FileManager.default.contentsOfDirectory(at: rules, includingPropertiesForKeys: nil)) ?? []
        let inputs = files
            .filter { ["toml", "txt"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let resources = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedResources.swift")
        let tables = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedRules.swift")
        let vocabularies = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedVocabularies.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) rule files",
                executable: try context.tool(named: "embed-resources").url,
                arguments: [resources.path, tables.path, vocabularies.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [resources, tables, vocabularies]
            )
        ]
    }
}
