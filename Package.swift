// swift-tools-version:6.0
import PackageDescription

/// The targets linked into `tokenscan` import FoundationEssentials, never full Foundation (which
/// would bring ICU's 47 MB into the static binary). A dependency that imports Foundation (TOMLKit)
/// would otherwise make Foundation's extensions (`String(format:)`, `padding(toLength:)`) resolve
/// silently in every module above it; with member import visibility they must be imported where
/// they are used, so a use of full Foundation is a compile error.
let binarySettings: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

/// scripts/build-binary links `tokenscan` against a directory that holds only static archives
/// (libstdc++, zlib, PCRE2; see there). Only `tokenscan`'s link may search it: the build tool that
/// parses Rules/ (embed-resources) links the shared Swift runtime, which loads libstdc++.so, and a
/// second, static libstdc++ in the same process broke toml++'s number parsing ('4.0' could not be
/// interpreted as a value).
let staticArchiveLinking: [LinkerSetting] = Context.environment["TOKENSCAN_STATIC_ARCHIVES"].map { [.unsafeFlags(["-L\($0)"])] } ?? []

/// `--no-export-dynamic`: the static Swift runtime's link arguments (`--static-swift-stdlib`) export
/// every symbol of the binary (`-export-dynamic`): 17,000 entries in the dynamic symbol table, which
/// the loader hashes and the runtime's one `dladdr` at start-up (finding its own path) walks —
/// about 0.4 ms of a one-file scan's start-up, and a dynamic symbol table that `strip` keeps.
/// Nothing looks a tokenscan symbol up by name. Every build gets it, so that the binary
/// `scripts/bench` times starts like the one `scripts/build-binary` ships.
let executableLinking: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]

let package = Package(
    name: "tokenscan",
    products: [
        .executable(name: "tokenscan", targets: ["tokenscan"]),
        .library(name: "TokenScanApp", targets: ["TokenScanApp"]),
        // The bodies of the libFuzzer targets (Fuzz/, built by scripts/fuzz), shared with the tests.
        .library(name: "FuzzKit", targets: ["FuzzKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // PCRE2 through pkg-config (Debian: libpcre2-dev). The shim fixes the code unit width and
        // exposes the macros Swift cannot import.
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        // zlib for gzip input (Debian: zlib1g-dev).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Declarations of the glibc extensions that starting git needs (pipe2, closefrom for
        // posix_spawn), which Swift's Glibc module hides.
        .systemLibrary(name: "CSpawn"),
        // Turns Rules/ into Swift source at build time, so the binary carries its default rules and
        // Rules/ stays the single source of truth: the files' text, and the rules and vocabularies
        // already parsed (literal tables, so that no TOML is parsed when tokenscan starts).
        .executableTarget(name: "embed-resources", dependencies: ["TokenScanRules"]),
        .plugin(
            name: "EmbedResources",
            capability: .buildTool(),
            dependencies: ["embed-resources"]
        ),
        // VERSION (the one place the version is written) and the git commit, as Swift source: the
        // version for every layer's reports, the commit for `tokenscan --version` only, so a new
        // commit rebuilds one file of the executable rather than every library.
        .executableTarget(name: "embed-build-info"),
        .plugin(name: "EmbedVersion", capability: .buildTool(), dependencies: ["embed-build-info"]),
        .plugin(name: "EmbedCommit", capability: .buildTool(), dependencies: ["embed-build-info"]),
        // The layers of design §1, each a target so that the compiler refuses a dependency that
        // runs the wrong way: every target below imports only the ones above it in this list.
        //
        // Token formats as values: base64, JSON, JWT parsing, checksums, minting.
        .target(
            name: "TokenFormats",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: binarySettings
        ),
        // What every layer speaks: findings, severities, reasons, the summary, byte sources, errors.
        .target(name: "TokenScanModel", dependencies: ["TokenFormats"], swiftSettings: binarySettings, plugins: ["EmbedVersion"]),
        // Rules and vocabularies as values and their TOML loaders: a target of its own because the
        // build tool that turns Rules/ into tables links it too (the engine, which carries those tables, cannot be
        // a dependency of the tool that generates them).
        .target(
            name: "TokenScanRules",
            dependencies: ["TokenScanModel", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: binarySettings
        ),
        // PCRE2 patterns, the keyword automaton and the matcher. Carries the built-in rule files
        // (Rules/) and the rules and vocabularies parsed from them as generated source.
        .target(
            name: "TokenScanEngine",
            dependencies: ["TokenScanRules", "CPCRE2"],
            swiftSettings: binarySettings,
            plugins: ["EmbedResources"]
        ),
        // The one chunked search loop and the decoding layers behind it.
        .target(name: "TokenScanSearch", dependencies: ["TokenScanEngine"], swiftSettings: binarySettings),
        // From a hit to a judged finding: validation, token facts, the risk model, redaction.
        .target(
            name: "TokenScanJudge",
            dependencies: [
                "TokenScanSearch",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: binarySettings
        ),
        // Every way of accepting a finding, in one stage.
        .target(name: "TokenScanSuppression", dependencies: ["TokenScanJudge"], swiftSettings: binarySettings),
        // What is scanned: the file walk, stdin, git, archives and compressed streams.
        .target(name: "TokenScanSources", dependencies: ["TokenScanSuppression", "CZlib", "CSpawn"], swiftSettings: binarySettings),
        // One reporter per format, and the output file.
        .target(name: "TokenScanReport", dependencies: ["TokenScanSources"], swiftSettings: binarySettings),
        // The pipeline every command runs, and configuration discovery.
        .target(name: "TokenScanApp", dependencies: ["TokenScanReport"], swiftSettings: binarySettings),
        .executableTarget(
            name: "tokenscan",
            dependencies: [
                "TokenScanApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: binarySettings,
            linkerSettings: staticArchiveLinking + executableLinking,
            plugins: ["EmbedCommit"]
        ),
        // Mints the labelled fixture corpus from Fixtures/templates (tests and `swift run fixturegen`).
        .target(name: "FixtureKit", dependencies: ["TokenScanApp"]),
        .executableTarget(name: "fixturegen", dependencies: ["FixtureKit"]),
        // One input through a parser, invariants checked: what each fuzz target runs, and what the
        // tests replay for every input a fuzzer once failed on (Fixtures/fuzz-regressions/).
        .target(name: "FuzzKit", dependencies: ["TokenScanApp"]),
        .testTarget(
            name: "TokenScanCoreTests",
            dependencies: [
                "TokenScanApp", "FixtureKit", "FuzzKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Golden", "Schemas"]
        ),
        // Runs the built `tokenscan` binary: exit codes, stdin, files, formats.
        .testTarget(
            name: "TokenScanCLITests",
            dependencies: ["TokenScanApp", "FixtureKit", "tokenscan"]
        ),
    ]
)
