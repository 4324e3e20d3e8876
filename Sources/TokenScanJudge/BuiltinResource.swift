import TokenScanEngine

/// The rule-data files compiled into the binary from `Rules/` (the EmbedResources plugin): the
/// scope taxonomy and the identity providers (as tables, `built`), weak secrets and documentation
/// tokens (as text). The name vocabulary is built from its tables directly (`BuiltinNames`).
///
/// Why one place: a missing or invalid built-in file is a defect of the build, never of the
/// user's input, so it stops the program with the file's name instead of scanning on with an empty
/// list (a scanner without its weak-secret list would rate forgeable tokens as safe, silently).
enum BuiltinResource {
    /// The text of the embedded file `name`.
    static func text(_ name: String) -> String {
        guard let file = EmbeddedResources.files.first(where: { $0.name == name }) else {
            fatalError("\(name) is not embedded; the build plugin did not run")
        }
        return file.contents
    }

    /// The value built by `build(origin)` from the tables generated from `Rules/name`.
    static func built<T>(_ name: String, _ build: (String) throws -> T) -> T {
        do {
            return try build("builtin:\(name)")
        } catch {
            fatalError("built-in \(name) is invalid: \(error)")
        }
    }
}
