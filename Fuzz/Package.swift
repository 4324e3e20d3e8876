// swift-tools-version:6.0
// libFuzzer targets for tokenscan's parsers, built and run by `scripts/fuzz` only: a package of
// its own, so that the normal `swift build` of the repository never needs libFuzzer. Each target
// is a two-line program around a body in FuzzKit (the root package), which the XCTest suite also
// uses to replay the inputs that once failed.
import PackageDescription

let targets = ["jwt", "decoders", "rules", "searcher"]

let package = Package(
    name: "tokenscan-fuzz",
    dependencies: [.package(name: "tokenscan", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer", .product(name: "FuzzKit", package: "tokenscan")]),
    ] + targets.map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver"], path: "Targets/\(name)")
    }
)
