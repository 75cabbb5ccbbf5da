// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for tlsdiag's parsers. Not part of the main build: `scripts/fuzz SECONDS` builds them with
// `-sanitize=fuzzer,address` and runs each one. Every crash found becomes a regression test in the owning
// module's test target.
let package = Package(
    name: "tlsdiag-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "tlsdiag", path: ".."),
    ],
    targets: [
        .target(name: "LibFuzzerDriver"),
        .executableTarget(name: "fuzz-tls", dependencies: ["LibFuzzerDriver", .product(name: "TLSDiagStages", package: "tlsdiag")]),
        .executableTarget(name: "fuzz-decode", dependencies: ["LibFuzzerDriver", .product(name: "TLSDiagStages", package: "tlsdiag")]),
        .executableTarget(name: "fuzz-pipeline", dependencies: ["LibFuzzerDriver", .product(name: "TLSDiagStages", package: "tlsdiag")]),
        .executableTarget(name: "fuzz-certificate", dependencies: ["LibFuzzerDriver", .product(name: "TLSDiagStages", package: "tlsdiag")]),
    ],
    swiftLanguageModes: [.v6]
)
