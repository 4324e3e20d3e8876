// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tokenscan",
    products: [
        .executable(name: "tokenscan", targets: ["tokenscan"]),
        .library(name: "TokenScanCore", targets: ["TokenScanCore"]),
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
        // Turns Rules/ into Swift source at build time, so the binary carries its default rules and
        // Rules/ stays the single source of truth.
        .executableTarget(name: "embed-resources"),
        .plugin(
            name: "EmbedResources",
            capability: .buildTool(),
            dependencies: ["embed-resources"]
        ),
        .target(
            name: "TokenScanCore",
            dependencies: [
                "CPCRE2",
                "CZlib",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            plugins: ["EmbedResources"]
        ),
        .executableTarget(
            name: "tokenscan",
            dependencies: [
                "TokenScanCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Mints the labelled fixture corpus from Fixtures/templates (tests and `swift run fixturegen`).
        .target(name: "FixtureKit", dependencies: ["TokenScanCore"]),
        .executableTarget(name: "fixturegen", dependencies: ["FixtureKit"]),
        // One input through a parser, invariants checked: what each fuzz target runs, and what the
        // tests replay for every input a fuzzer once failed on (Fixtures/fuzz-regressions/).
        .target(name: "FuzzKit", dependencies: ["TokenScanCore"]),
        .testTarget(
            name: "TokenScanCoreTests",
            dependencies: [
                "TokenScanCore", "FixtureKit", "FuzzKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Golden"]
        ),
        // Runs the built `tokenscan` binary: exit codes, stdin, files, formats.
        .testTarget(
            name: "TokenScanCLITests",
            dependencies: ["TokenScanCore", "FixtureKit", "tokenscan"]
        ),
    ]
)
