import Foundation
import XCTest

/// A directory that holds one binary and only the shared libraries `ldd` lists for it, at their
/// usual paths: what a scratch container image or a CI job's bare root gives tokenscan. Entered
/// with `chroot`, so it needs root; `/proc` is mounted only when a test asks for it, as a
/// container runtime would.
struct MinimalRoot {
    let directory: URL
    /// The binary's path inside the root.
    let binary = "/tokenscan"

    /// Skips (naming why) unless this process may `chroot` and `mount`.
    static func requireRoot() throws {
        guard getuid() == 0 else { throw XCTSkip("chroot and mount need root (CI runs the suite as root)") }
        for tool in ["/usr/sbin/chroot", "/usr/bin/mount", "/usr/bin/umount", "/usr/bin/ldd"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is missing")
        }
    }

    /// The absolute paths of the libraries `ldd` says `binary` loads (vdso excluded: the kernel maps it).
    static func libraries(of binary: URL) throws -> [String] {
        let result = try MinimalRoot.execute("/usr/bin/ldd", [binary.path])
        guard result.status == 0 else { throw MinimalRootError("ldd \(binary.path) failed: \(result.stderr)") }
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { $0.hasPrefix("/") }.map(String.init)
        }
    }

    /// Copies (or hard-links, which is cheaper on one file system) `binary` and its libraries into `directory`.
    init(binary: URL, in directory: URL) throws {
        self.directory = directory
        let files = [(binary.path, binary)] + (try MinimalRoot.libraries(of: binary)).map { ($0, URL(fileURLWithPath: $0)) }
        for (index, (path, source)) in files.enumerated() {
            let target = directory.appendingPathComponent(index == 0 ? String(self.binary.dropFirst()) : String(path.dropFirst()))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let resolved = source.resolvingSymlinksInPath()
            if (try? FileManager.default.linkItem(at: resolved, to: target)) == nil {
                try FileManager.default.copyItem(at: resolved, to: target)
            }
        }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("proc"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    }

    /// Runs the binary inside the root (working directory `/`), with `/proc` mounted for the run
    /// when `withProc`, and unmounted afterwards whatever happened.
    func run(_ arguments: [String], withProc: Bool) throws -> CLIRun {
        let proc = directory.appendingPathComponent("proc").path
        if withProc {
            let mount = try MinimalRoot.execute("/usr/bin/mount", ["-t", "proc", "proc", proc])
            guard mount.status == 0 else { throw MinimalRootError("mount -t proc failed: \(mount.stderr)") }
        }
        defer { if withProc { _ = try? MinimalRoot.execute("/usr/bin/umount", ["-l", proc]) } }
        return try MinimalRoot.execute("/usr/sbin/chroot", [directory.path, binary] + arguments,
                                       environment: ["PATH": "/", "HOME": "/tmp"])
    }

    static func execute(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> CLIRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Standard error is small; standard output (a report) is read first so the child never blocks on it.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRun(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}

struct MinimalRootError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
