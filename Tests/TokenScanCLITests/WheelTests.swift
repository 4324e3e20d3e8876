import Foundation
import XCTest
import FixtureKit

/// The platform wheel scripts/release writes, installed as a user installs it: a fresh venv,
/// `pip install` of the wheel file alone (`--no-index`: nothing else is fetched or built), then
/// the `tokenscan` pip put on the venv's PATH runs `--version` and `demo`. The wheel's RECORD
/// hashes, its tag and the glibc floor the tag promises are checked against its contents.
final class WheelTests: XCTestCase {
    func testFreshVenvInstallsTheWheelAndRunsTokenscan() throws {
        let wheel = try ReleaseDist.artifact(endingWith: ".whl")
        let directory = try temporaryDirectory()
        let venv = directory.appendingPathComponent("venv")
        let created = try Command.run(["python3", "-m", "venv", venv.path], in: directory)
        XCTAssertEqual(created.status, 0, created.output)
        let install = try Command.run([venv.appendingPathComponent("bin/python").path, "-m", "pip", "install",
                                       "--no-index", "--disable-pip-version-check", wheel.path], in: directory)
        XCTAssertEqual(install.status, 0, install.output)

        let tokenscan = venv.appendingPathComponent("bin/tokenscan")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: tokenscan.path), "pip put tokenscan in the venv's bin/")
        let version = try Command.run([tokenscan.path, "--version"], in: directory)
        XCTAssertEqual(version.status, 0, version.output)
        XCTAssertEqual(version.output.split(separator: "\n").first.map(String.init), "tokenscan \(ReleaseDist.version)")
        let demo = try Command.run([tokenscan.path, "demo", "--color", "never"], in: directory)
        XCTAssertEqual(demo.status, 0, demo.output)
        XCTAssertTrue(demo.output.contains("CRITICAL"), demo.output)

        // The tag promises the glibc the installed binary needs, no older.
        let floor = try ReleaseDist.glibcFloor(of: tokenscan)
        XCTAssertEqual(wheel.lastPathComponent,
                       "tokenscan-\(ReleaseDist.version)-py3-none-manylinux_\(floor.major)_\(floor.minor)_x86_64.whl")
    }

    /// Every file's RECORD line carries its sha256 and size; WHEEL declares a platform wheel with
    /// the file name's tag; METADATA has what an index and pip read; the binary is mode 0755; every
    /// entry has the same timestamp (reproducible); RECORD is last.
    func testWheelContentsAgreeWithRecordAndTag() throws {
        let wheel = try ReleaseDist.artifact(endingWith: ".whl")
        let report = try ReleaseDist.python(#"""
            import base64, hashlib, sys, zipfile
            path, version = sys.argv[1], sys.argv[2]
            problems = []
            with zipfile.ZipFile(path) as wheel:
                infos = wheel.infolist()
                names = [info.filename for info in infos]
                info_dir = f"tokenscan-{version}.dist-info"
                if names[-1] != f"{info_dir}/RECORD":
                    problems.append(f"RECORD is not last: {names}")
                if names[:-1] != sorted(names[:-1]):
                    problems.append(f"entries are not sorted: {names}")
                if len({info.date_time for info in infos}) != 1:
                    problems.append("entries carry different timestamps")
                recorded = set()
                for line in wheel.read(f"{info_dir}/RECORD").decode().splitlines():
                    name, digest, size = line.rsplit(",", 2)
                    recorded.add(name)
                    if name == f"{info_dir}/RECORD":
                        if digest or size:
                            problems.append("RECORD lists a hash for itself")
                        continue
                    data = wheel.read(name)
                    expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    if digest != expected or int(size) != len(data):
                        problems.append(f"RECORD disagrees with {name}")
                if recorded != set(names):
                    problems.append(f"RECORD lists {sorted(recorded)}, the wheel holds {names}")
                script = wheel.getinfo(f"tokenscan-{version}.data/scripts/tokenscan")
                if (script.external_attr >> 16) & 0o777 != 0o755:
                    problems.append(f"the binary's mode is {oct((script.external_attr >> 16) & 0o777)}")
                fields = {}
                for line in wheel.read(f"{info_dir}/WHEEL").decode().splitlines():
                    key, _, value = line.partition(": ")
                    fields[key] = value
                tag = path.rsplit("/", 1)[-1][len(f"tokenscan-{version}-"):-len(".whl")]
                if fields.get("Root-Is-Purelib") != "false" or fields.get("Tag") != tag:
                    problems.append(f"WHEEL says {fields}, the file name's tag is {tag}")
                metadata = wheel.read(f"{info_dir}/METADATA").decode().split("\n\n", 1)[0]
                headers = dict(line.split(": ", 1) for line in metadata.splitlines())
                wanted = {"Name": "tokenscan", "Version": version, "License": "MIT"}
                for key, value in wanted.items():
                    if headers.get(key) != value:
                        problems.append(f"METADATA {key}: {headers.get(key)}, want {value}")
                for key in ("Metadata-Version", "Summary", "Requires-Python"):
                    if not headers.get(key):
                        problems.append(f"METADATA has no {key}")
            print("\n".join(problems) or "ok")
            """#, [wheel.path, ReleaseDist.version], in: wheel.deletingLastPathComponent())
        XCTAssertEqual(report.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }

    /// The same binary and SOURCE_DATE_EPOCH give the same wheel, byte for byte.
    func testWheelIsReproducible() throws {
        let directory = try temporaryDirectory()
        let binary = directory.appendingPathComponent("tokenscan")
        try ReleaseDist.extractWheelBinary(to: binary)
        var digests: [String] = []
        for attempt in ["a", "b"] {
            var environment = ProcessInfo.processInfo.environment
            environment["SOURCE_DATE_EPOCH"] = "1764547200"
            let out = directory.appendingPathComponent(attempt)
            let result = try Command.run(["python3", ReleaseDist.repositoryRoot.appendingPathComponent("scripts/release.d/wheel.py").path,
                                          "--binary", binary.path, "--version", ReleaseDist.version, "--out", out.path,
                                          "--license", ReleaseDist.repositoryRoot.appendingPathComponent("LICENSE").path],
                                         in: directory, environment: environment)
            XCTAssertEqual(result.status, 0, result.output)
            let wheel = URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
            digests.append(try Command.run(["sha256sum", wheel.path], in: directory).output.split(separator: " ")[0].description)
        }
        XCTAssertEqual(digests[0], digests[1], "two wheels from the same input differ")
    }
}
