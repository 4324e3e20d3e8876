import Foundation

/// Runs a helper program for a test (git, python3, pre-commit): found on PATH through
/// `/usr/bin/env`, standard output and error together in the order written, no standard input.
/// One runner, so that every test starts its helpers the same way.
public enum Command {
    /// `environment`: the whole environment of the child; nil inherits the test's.
    public static func run(_ arguments: [String], in directory: URL, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
