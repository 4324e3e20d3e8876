import Foundation
import XCTest
import FixtureKit

/// The release artifacts the release tests examine. `TOKENSCAN_DIST` names a directory a real
/// `scripts/release` wrote (`.ci/run` sets it); without it the debug build is packaged once per
/// test run with `scripts/release --binary`, stripped first (its DWARF would make a wheel of
/// hundreds of megabytes and minutes of compression), into `.build/test-dist`.
enum ReleaseDist {
    static let repositoryRoot = RepositorySnapshot.repositoryRoot

    /// VERSION, the one place the version is written.
    static let version: String = {
        let text = (try? String(contentsOf: repositoryRoot.appendingPathComponent("VERSION"), encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// True when the artifacts come from a real release build (TOKENSCAN_DIST).
    static var isRealRelease: Bool { ProcessInfo.processInfo.environment["TOKENSCAN_DIST"] != nil }

    struct Failure: Error, CustomStringConvertible { var description: String }

    private static let packaged: Result<URL, Error> = Result {
        if let dist = ProcessInfo.processInfo.environment["TOKENSCAN_DIST"] {
            let url = URL(fileURLWithPath: dist)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("SHA256SUMS").path) else {
                throw Failure(description: "TOKENSCAN_DIST=\(dist) holds no SHA256SUMS: run scripts/release first")
            }
            return url
        }
        let work = repositoryRoot.appendingPathComponent(".build/test-dist")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let binary = work.appendingPathComponent("tokenscan")
        let started = Date()
        let strip = try Command.run(["strip", "-o", binary.path, CLITests.binary.path], in: work)
        guard strip.status == 0 else { throw Failure(description: "strip failed: \(strip.output)") }
        let release = try Command.run(["bash", repositoryRoot.appendingPathComponent("scripts/release").path,
                                       "--binary", binary.path, "--out", work.appendingPathComponent("dist").path], in: work)
        guard release.status == 0 else { throw Failure(description: "scripts/release --binary exited \(release.status): \(release.output)") }
        print("scripts/release --binary packaged the debug build in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        return work.appendingPathComponent("dist")
    }

    /// The dist directory (packaged on first use).
    static func directory() throws -> URL { try packaged.get() }

    /// The one artifact in dist whose name ends with `suffix`.
    static func artifact(endingWith suffix: String) throws -> URL {
        let dist = try directory()
        let names = try FileManager.default.contentsOfDirectory(atPath: dist.path).filter { $0.hasSuffix(suffix) }
        guard names.count == 1 else { throw Failure(description: "dist holds \(names.count) artifacts ending with \(suffix): \(names)") }
        return dist.appendingPathComponent(names[0])
    }

    /// Runs a Python snippet (`python3 -c`) with arguments; the output, or a failure naming it.
    static func python(_ script: String, _ arguments: [String], in directory: URL) throws -> String {
        let result = try Command.run(["python3", "-c", script] + arguments, in: directory)
        guard result.status == 0 else { throw Failure(description: "python3 exited \(result.status): \(result.output)") }
        return result.output
    }

    /// Extracts the binary the wheel carries to `target`.
    static func extractWheelBinary(to target: URL) throws {
        let wheel = try artifact(endingWith: ".whl")
        _ = try python("""
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as wheel, open(sys.argv[3], "wb") as out:
                out.write(wheel.read(sys.argv[2]))
            """, [wheel.path, "tokenscan-\(version).data/scripts/tokenscan", target.path], in: target.deletingLastPathComponent())
    }

    /// The highest GLIBC_x.y symbol version a binary asks for, from `objdump -T`.
    static func glibcFloor(of binary: URL) throws -> (major: Int, minor: Int) {
        let dump = try Command.run(["objdump", "-T", binary.path], in: binary.deletingLastPathComponent())
        guard dump.status == 0 else { throw Failure(description: "objdump -T failed: \(dump.output)") }
        let regex = try NSRegularExpression(pattern: #"\bGLIBC_(\d+)\.(\d+)"#)
        let text = dump.output as NSString
        let versions = regex.matches(in: dump.output, range: NSRange(location: 0, length: text.length)).map {
            (Int(text.substring(with: $0.range(at: 1)))!, Int(text.substring(with: $0.range(at: 2)))!)
        }
        guard let highest = versions.max(by: { $0 < $1 }) else { throw Failure(description: "\(binary.path) asks for no GLIBC version") }
        return highest
    }
}
