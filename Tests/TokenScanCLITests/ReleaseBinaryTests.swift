import Foundation
import XCTest

/// The self-contained release binary (`scripts/build-binary`), named by `TOKENSCAN_RELEASE_BINARY`:
/// nothing dynamic beyond glibc, no glibc symbol newer than the floor we promise, small enough to
/// download in seconds, and working in a root that holds only it and the libraries `ldd` lists.
/// A release build takes minutes, so only `scripts/release` and CI (`.ci/run`) set the variable.
final class ReleaseBinaryTests: XCTestCase {
    /// RHEL 9, Ubuntu 22.04, Debian 12 and Amazon Linux 2023 ship glibc 2.34 or newer.
    static let glibcFloor = [2, 34]
    static let sizeLimit = 25_000_000
    /// What glibc consists of for the loader; everything else must be linked in.
    static let allowedLibraries: Set<String> = ["linux-vdso.so.1", "libc.so.6", "libm.so.6", "/lib64/ld-linux-x86-64.so.2"]

    var binary: URL {
        get throws {
            guard let path = ProcessInfo.processInfo.environment["TOKENSCAN_RELEASE_BINARY"], !path.isEmpty else {
                throw XCTSkip("TOKENSCAN_RELEASE_BINARY is not set: the release binary is built and tested by "
                              + "scripts/release and .ci/run (scripts/build-binary DIR, then TOKENSCAN_RELEASE_BINARY=DIR/tokenscan)")
            }
            // Set but wrong is a failure, not a skip: CI asked for these checks.
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw MinimalRootError("TOKENSCAN_RELEASE_BINARY=\(path) is not an executable file")
            }
            return URL(fileURLWithPath: path)
        }
    }

    func testLinksNothingDynamicButGlibc() throws {
        let result = try MinimalRoot.execute("/usr/bin/ldd", [try binary.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let names = result.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) }
        XCTAssertFalse(names.isEmpty, result.stdout)
        XCTAssertEqual(Set(names).subtracting(ReleaseBinaryTests.allowedLibraries), [], result.stdout)
    }

    func testNeedsNoNewerGlibcThanTheFloorAndNoCxxRuntime() throws {
        let result = try MinimalRoot.execute("/usr/bin/objdump", ["-T", try binary.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        var glibcVersions: [[Int]] = []
        var offenders: [String] = []
        for line in result.stdout.split(separator: "\n") {
            for word in line.split(separator: " ") {
                let version = word.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
                if version.hasPrefix("GLIBC_2.") {
                    let number = version.dropFirst("GLIBC_".count).split(separator: ".").compactMap { Int($0) }
                    glibcVersions.append(number)
                    if ReleaseBinaryTests.glibcFloor.lexicographicallyPrecedes(number) { offenders.append(String(line)) }
                } else if version.hasPrefix("GLIBCXX_") || version.hasPrefix("CXXABI_") || version.hasPrefix("GCC_") {
                    offenders.append(String(line))
                }
            }
        }
        XCTAssertFalse(glibcVersions.isEmpty, "objdump -T listed no GLIBC version at all:\n\(result.stdout.prefix(2000))")
        XCTAssertEqual(offenders, [], "symbols newer than GLIBC_2.34, or from the C++ or GCC runtime")
    }

    /// The binary exports nothing (Package.swift's `--no-export-dynamic`): a dynamic symbol
    /// table of the whole static Swift runtime cost start-up time in the loader and in the
    /// runtime's `dladdr`. What remains is what the binary imports from glibc.
    func testExportsNoSymbols() throws {
        let result = try MinimalRoot.execute("/usr/bin/objdump", ["-T", try binary.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let defined = result.stdout.split(separator: "\n").filter { $0.contains(" DF ") || $0.contains(" DO ") }
            .filter { !$0.contains("*UND*") }
        XCTAssertLessThan(defined.count, 20, defined.prefix(20).joined(separator: "\n"))
    }

    /// toml++ (inside TOMLKit) reports malformed TOML by throwing a C++ exception; with the C++
    /// runtime and the unwinder linked statically (and the unwinder's object lookup answered by
    /// build-binary.d/glibc-floor.c), that must still be a clean error, not a terminate.
    func testMalformedTOMLIsAnErrorNotACrash() throws {
        let directory = try temporaryDirectory()
        let config = directory.appendingPathComponent("bad.toml")
        try "[table\nkey = 1\n".write(to: config, atomically: true, encoding: .utf8)
        let result = try MinimalRoot.execute(try binary.path, ["scan", config.path, "--config", config.path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("bad.toml:1: invalid TOML"), result.stderr)
    }

    func testIsAtMost25MB() throws {
        let size = try FileManager.default.attributesOfItem(atPath: try binary.path)[.size] as? Int ?? .max
        XCTAssertLessThanOrEqual(size, ReleaseBinaryTests.sizeLimit, "\(size) bytes")
    }

    func testRunsInARootWithOnlyItsLibraries() throws {
        let binary = try binary
        try MinimalRoot.requireRoot()
        let root = try MinimalRoot(binary: binary, in: try temporaryDirectory())

        let demo = try root.run(["demo"], withProc: true)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertTrue(demo.stdout.contains("CRITICAL") && demo.stdout.contains("INFO"), demo.stdout)

        let refused = try root.run(["--version"], withProc: false)
        XCTAssertEqual(refused.status, 2, refused.stdout + refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertTrue(refused.stderr.contains("tokenscan: error: cannot read the command line"), refused.stderr)
    }
}
