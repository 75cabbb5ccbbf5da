// swift-tools-version:6.0
import PackageDescription

// The pipeline, one module per stage:
// CPcap → PacketCapture → PacketDecoding → StreamReassembly → TLSDissector → Diagnosis → Reports → tlsdiag
// WireFormat holds what every stage shares (the byte cursor, timestamps, link types). TLSDecryption opens
// records with an NSS key log (`--keylog`), for Analysis.
let package = Package(
    name: "tlsdiag",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tlsdiag", targets: ["tlsdiag"]),
        .library(name: "TLSDiagKit", targets: ["Analysis", "Reports", "TLSDecryption"]),
        // Every stage on its own, for the fuzz package in Fuzz/ (it depends on this package by path).
        .library(
            name: "TLSDiagStages",
            targets: ["WireFormat", "PacketCapture", "PacketDecoding", "StreamReassembly", "TLSDissector",
                      "TLSDecryption", "CertificateAnalysis", "Diagnosis", "Analysis", "Reports"]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // 4.x: 3.12.3 double-frees an RSA public key that BoringSSL rejects (found by Fuzz/fuzz-certificate).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // glibc's mallopt, for the executable's memory policy (Sources/tlsdiag/MemoryPolicy.swift).
        .systemLibrary(name: "CMalloc"),
        .target(name: "WireFormat"),
        .target(name: "PacketCapture", dependencies: ["CPcap", "WireFormat"]),
        .target(name: "PacketDecoding", dependencies: ["WireFormat"]),
        .target(name: "StreamReassembly", dependencies: ["WireFormat", "PacketDecoding"]),
        .target(name: "TLSDissector", dependencies: ["WireFormat"]),
        .target(
            name: "TLSDecryption",
            dependencies: [
                "WireFormat", "TLSDissector",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CertificateAnalysis",
            dependencies: [
                "WireFormat",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Diagnosis", dependencies: ["WireFormat", "PacketDecoding", "TLSDissector", "CertificateAnalysis"]),
        .target(name: "Analysis", dependencies: ["WireFormat", "PacketDecoding", "StreamReassembly", "TLSDissector", "TLSDecryption", "CertificateAnalysis", "Diagnosis"]),
        .target(name: "Reports", dependencies: ["WireFormat", "Diagnosis", "Analysis"]),
        .executableTarget(
            name: "tlsdiag",
            dependencies: [
                "PacketCapture", "Analysis", "Reports", "TLSDecryption", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"]),
        .testTarget(name: "PacketCaptureTests", dependencies: ["PacketCapture"]),
        // Test-only helpers shared by test targets: a classic-pcap reader (no libpcap), a seeded generator.
        .target(name: "TestSupport", dependencies: ["WireFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding", "TestSupport"]),
        .testTarget(name: "StreamReassemblyTests", dependencies: ["StreamReassembly", "TestSupport"]),
        .testTarget(name: "TLSDissectorTests", dependencies: ["TLSDissector"]),
        .testTarget(name: "TLSDecryptionTests", dependencies: ["TLSDecryption", "TLSDissector"]),
        .testTarget(
            name: "CertificateAnalysisTests",
            dependencies: ["CertificateAnalysis", "WireFormat"],
            exclude: ["Fixtures/make-fixtures.sh"]
        ),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "PacketCapture", "TLSDecryption", "Reports", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        // Runs the built executable (.build/debug/tlsdiag): exit statuses, errors, live capture in a namespace.
        .testTarget(name: "CommandLineTests"),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds optimize across modules: the stages' generic code (the reassembler over its connection
// handler, the byte cursor's integer reads) is then specialized into its callers instead of going through
// metadata and witness tables on every packet: about half the instructions per capture byte (issue 5, Speed).
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? [])
        + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
