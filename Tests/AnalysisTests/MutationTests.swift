import TestSupport
import Foundation
import Testing
import PacketCapture
import Analysis
import Reports

/// Every sample capture, damaged on purpose in seeded, reproducible ways (flipped bits, cuts at every kind of
/// boundary, lying length fields, packets shuffled or repeated): the pipeline must neither crash nor hang, and must
/// end in a report or in a `CaptureError` (what `tlsdiag analyze` turns into exit status 2).
@Suite struct MutationTests {
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: CaptureFixtures.samples.path)) ?? [])
        .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()

    /// One file's worth of analysis must stay far below this (the largest sample takes milliseconds).
    static let timeLimit = Duration.seconds(10)

    @Test func samplesAreThere() {
        #expect(Self.files.count >= 40)
    }

    @Test(arguments: files, Mutation.allCases)
    func damagedCaptureIsReportedOrRefused(_ file: String, _ mutation: Mutation) throws {
        let original = try [UInt8](Data(contentsOf: CaptureFixtures.samples.appendingPathComponent(file)))
        let layout = try #require(CaptureLayout(original), "\(file): cannot find its records")
        // Fewer variants of the large captures keep the suite fast; every file still gets every kind of damage.
        let variants = mutation.variants(of: original, layout: layout, seed: Self.seed(file, mutation),
                                         budget: original.count > 50_000 ? 4 : 12)
        #expect(!variants.isEmpty)
        var reports = 0
        for (index, bytes) in variants.enumerated() where try Self.analyze(bytes, name: "\(file)-\(mutation)-\(index)") {
            reports += 1
        }
        // The damage is local: some variants of every kind still read as captures and get a report.
        #expect(reports > 0, "\(file): every \(mutation) variant was refused")
    }

    /// Analyzes the bytes as a capture file and checks the outcome is one `tlsdiag analyze` can print; true when
    /// it was a report, false when the file was refused.
    static func analyze(_ bytes: [UInt8], name: String) throws -> Bool {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mutation-\(getpid())-\(name)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let start = ContinuousClock.now
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: url.path)
        } catch {
            #expect(!error.message.isEmpty && !error.message.contains("\n"), "\(name): \(error.message)")
            return false
        }
        var analyzer = Analyzer(options: AnalysisOptions())
        var packets = 0
        while let packet = reader.nextPacket() {
            packets += 1
            analyzer.process(packet)
            if packets & 0xff == 0 { #expect(ContinuousClock.now - start < timeLimit, "\(name): too slow") }
        }
        let report = analyzer.finish(capture: CaptureSummary(file: name, format: reader.format, linkType: reader.linkType,
                                                             packets: packets, warnings: reader.warnings))
        #expect(report.connections.map(\.id) == Array(0..<report.connections.count).map { $0 + 1 }, "\(name)")
        #expect(report.totals.connections == report.connections.count, "\(name)")
        for format in ReportFormat.allCases {
            #expect(!ReportRenderer.render(report, as: format, toolVersion: "test").isEmpty, "\(name)")
        }
        #expect(ContinuousClock.now - start < timeLimit, "\(name): took too long")
        return true
    }

    /// The debug binary that `swift build` (or `swift test`) leaves beside the sources.
    static let binary = CaptureFixtures.packageRoot.appendingPathComponent(".build/debug/tlsdiag")

    /// A smaller set through the real command: exit status 0, 1 or 2, and exit 2 only with one line on stderr.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path),
                   "no .build/debug/tlsdiag: run `swift build` first"),
          arguments: ["tls13-ok.pcap", "unknown-ca.pcap", "tls13-dumpcap.pcapng", "truncated-file.pcap",
                      "tls13-any-sll2.pcap", "incident.pcap"])
    func commandExitsWithAStatusTheContractKnows(_ file: String) throws {
        let original = try [UInt8](Data(contentsOf: CaptureFixtures.samples.appendingPathComponent(file)))
        let layout = try #require(CaptureLayout(original))
        var variants: [[UInt8]] = []
        for mutation in Mutation.allCases {
            variants += mutation.variants(of: original, layout: layout, seed: Self.seed(file, mutation), budget: 4).prefix(1)
        }
        variants.append(Array(original.prefix(10)))        // not even a file header
        for (index, bytes) in variants.enumerated() {
            let name = "\(file)-\(index)"
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("mutation-cli-\(getpid())-\(name)")
            try Data(bytes).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            let (status, stderr) = try Self.run(["analyze", url.path, "--format", index.isMultiple(of: 2) ? "json" : "text"])
            #expect([0, 1, 2].contains(status), "\(name): exit status \(status); stderr: \(stderr)")
            if status == 2 {
                #expect(stderr.hasPrefix("tlsdiag: ") && stderr.hasSuffix("\n") && stderr.filter { $0 == "\n" }.count == 1,
                        "\(name): \(stderr)")
            }
        }
    }

    /// Runs the binary with a deadline; returns its exit status (-1 when killed) and standard error.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        // Standard error goes to a file, not a pipe: a child that hangs must not block the reader.
        let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("mutation-cli-\(UUID().uuidString).err")
        #expect(FileManager.default.createFile(atPath: errorURL.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: errorURL) }
        let errorFile = try FileHandle(forWritingTo: errorURL)
        defer { try? errorFile.close() }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardError = errorFile
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeLimit
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                Issue.record("\(arguments) did not finish within \(timeLimit)")
                return (-1, "")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return (process.terminationStatus, try String(contentsOf: errorURL, encoding: .utf8))
    }

    static func seed(_ file: String, _ mutation: Mutation) -> UInt64 {
        // FNV-1a: stable across runs and platforms (Hasher is seeded per process).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (file + "/" + mutation.rawValue).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }
}

/// The kinds of damage.
enum Mutation: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case bitFlips
    case truncation
    case recordLengths
    case protocolLengths
    case shuffled
    case duplicated
    case mixed

    var testDescription: String { rawValue }

    func variants(of bytes: [UInt8], layout: CaptureLayout, seed: UInt64, budget: Int) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        switch self {
        case .bitFlips:
            return (0..<budget).map { index in
                var copy = bytes
                // 1, 2, 4, ... flipped bits; half of the variants spare the file header so that packets are read.
                let start = index.isMultiple(of: 2) ? 0 : min(layout.dataStart, copy.count - 1)
                for _ in 0..<(1 << (index % 7)) {
                    let position = start + rng.below(copy.count - start)
                    copy[position] ^= 1 << UInt8(rng.below(8))
                }
                return copy
            }
        case .truncation:
            return layout.cutPoints(rng: &rng, records: budget).map { Array(bytes.prefix($0)) }
        case .recordLengths:
            return (0..<budget).compactMap { _ in layout.withLyingRecordLength(bytes, rng: &rng) }
        case .protocolLengths:
            return (0..<budget).compactMap { _ in layout.withLyingProtocolLength(bytes, rng: &rng) }
        case .shuffled:
            return (0..<max(1, budget / 4)).map { _ in layout.rearranged(bytes, order: layout.records.indices.shuffled(using: &rng)) }
        case .duplicated:
            return (0..<max(1, budget / 4)).map { _ in
                var order = Array(layout.records.indices)
                for _ in 0..<max(1, order.count / 5) {
                    guard !order.isEmpty else { break }
                    let record = order[rng.below(order.count)]
                    order.insert(record, at: rng.below(order.count + 1))
                }
                return layout.rearranged(bytes, order: order)
            }
        case .mixed:
            // Several kinds at once: shuffled, one lying length, a cut somewhere in the second half, flipped bits.
            return (0..<max(1, budget / 4)).map { _ in
                var copy = layout.rearranged(bytes, order: layout.records.indices.shuffled(using: &rng))
                let shuffledLayout = CaptureLayout(copy) ?? layout
                copy = shuffledLayout.withLyingProtocolLength(copy, rng: &rng) ?? copy
                for _ in 0..<8 { let p = rng.below(copy.count); copy[p] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
                return Array(copy.prefix(copy.count / 2 + rng.below(copy.count / 2 + 1)))
            }
        }
    }
}

