// swift-tools-version:6.0
import PackageDescription

// The pipeline, one module per stage:
// CPcap → PacketCapture → PacketDecoding → StreamReassembly → TLSDissector → Diagnosis → Reports → tlsdiag
// WireFormat holds what every stage shares (the byte cursor, timestamps, link types).
let package = Package(
    name: "tlsdiag",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tlsdiag", targets: ["tlsdiag"]),
        .library(name: "TLSDiagKit", targets: ["Analysis", "Reports"]),
        // Every stage on its own, for the fuzz package in Fuzz/ (it depends on this package by path).
        .library(
            name: "TLSDiagStages",
            targets: ["WireFormat", "PacketCapture", "PacketDecoding", "StreamReassembly", "TLSDissector",
                      "CertificateAnalysis", "Diagnosis", "Analysis", "Reports"]
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
        .target(name: "WireFormat"),
        .target(name: "PacketCapture", dependencies: ["CPcap", "WireFormat"]),
        .target(name: "PacketDecoding", dependencies: ["WireFormat"]),
        .target(name: "StreamReassembly", dependencies: ["WireFormat", "PacketDecoding"]),
        .target(name: "TLSDissector", dependencies: ["WireFormat"]),
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
        .target(name: "Analysis", dependencies: ["WireFormat", "PacketDecoding", "StreamReassembly", "TLSDissector", "CertificateAnalysis", "Diagnosis"]),
        .target(name: "Reports", dependencies: ["WireFormat", "Diagnosis", "Analysis"]),
        .executableTarget(
            name: "tlsdiag",
            dependencies: [
                "PacketCapture", "Analysis", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"]),
        .testTarget(name: "PacketCaptureTests", dependencies: ["PacketCapture"]),
        .testTarget(name: "PacketDecodingTests", dependencies: ["PacketDecoding"]),
        .testTarget(name: "StreamReassemblyTests", dependencies: ["StreamReassembly"]),
        .testTarget(name: "TLSDissectorTests", dependencies: ["TLSDissector"]),
        .testTarget(
            name: "CertificateAnalysisTests",
            dependencies: ["CertificateAnalysis", "WireFormat"],
            exclude: ["Fixtures/make-fixtures.sh"]
        ),
        .testTarget(name: "DiagnosisTests", dependencies: ["Diagnosis"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "PacketCapture", "Reports"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
    ],
    swiftLanguageModes: [.v6]
)
