import Foundation
import Testing
import WireFormat
import PacketDecoding
import PacketCapture
import TLSDissector
import CertificateAnalysis
import Diagnosis
@testable import Analysis
import Reports

/// Past `maxResidentReports`, reports wait in a temporary file until they are rendered. A report must read back
/// exactly as it was, whatever the capture, the number of workers, or whether a temporary file can be made.
@Suite struct SpilledReportsTests {
    @Test(arguments: ShardingTests.captures)
    func spilledReportsReadBackAsKept(_ url: URL) throws {
        guard let kept = try ShardingTests.analyzeIfReadable(url) else { return }
        var options = AnalysisOptions()
        options.maxResidentReports = 0
        let expected = ShardingTests.text(kept)
        for workers in [nil, 2] as [Int?] {
            let spilled = try ShardingTests.analyze(url, options: options, workers: workers)
            #expect(ShardingTests.text(spilled) == expected, "\(url.lastPathComponent), workers \(String(describing: workers))")
        }
    }

    /// Text and markdown give a healthy connection, and a failure past the first few of its group, one line:
    /// without what they do not show (`keepsUnshownDetails` false: healthy timelines and explanations, the
    /// words of those failures), held in memory or spilled, they read the same.
    @Test(arguments: ShardingTests.captures)
    func unshownDetailsAreNotNeededForTextOrMarkdown(_ url: URL) throws {
        guard let kept = try ShardingTests.analyzeIfReadable(url) else { return }
        for (residentLimit, workers) in [(0, nil), (20_000, nil), (20_000, 2)] as [(Int, Int?)] {
            var options = AnalysisOptions()
            options.keepsUnshownDetails = false
            options.maxResidentReports = residentLimit
            let lean = try ShardingTests.analyze(url, options: options, workers: workers)
            for format in [ReportFormat.text, .markdown] {
                #expect(ReportRenderer.render(lean, as: format, toolVersion: "test")
                        == ReportRenderer.render(kept, as: format, toolVersion: "test"),
                        "\(url.lastPathComponent), \(format), resident limit \(residentLimit), workers \(String(describing: workers))")
            }
            for (leanReport, keptReport) in zip(lean.connections, kept.connections) {
                let dropped = !keptReport.failed && (keptReport.sni != nil || !keptReport.offeredVersions.isEmpty)
                #expect(leanReport.timeline.isEmpty == (dropped || keptReport.timeline.isEmpty))
                if !keptReport.failed { #expect(leanReport.explanation.isEmpty) }
            }
        }
    }

    /// The words of a failure are kept for the first three of its group only (in listing order, whatever
    /// order the connections close in): the incident capture has groups larger than that.
    @Test func wordsAreKeptForTheFirstFailuresOfEachGroup() throws {
        let url = CaptureFixtures.samples.appendingPathComponent("incident.pcap")
        let kept = try ShardingTests.analyze(url, workers: nil)
        var options = AnalysisOptions()
        options.keepsUnshownDetails = false
        let lean = try ShardingTests.analyze(url, options: options, workers: nil)
        var seen: [FailureGroupKey: Int] = [:]
        var spared = 0
        for (leanReport, keptReport) in zip(lean.connections, kept.connections) where keptReport.failed {
            let key = FailureGroupKey(keptReport)
            seen[key, default: 0] += 1
            if seen[key]! <= FailureGroupKey.fullReportsPerGroup {
                #expect(leanReport.explanation == keptReport.explanation)
                #expect(leanReport.nextSteps == keptReport.nextSteps)
            } else if leanReport.explanation.isEmpty && leanReport.nextSteps.isEmpty {
                spared += 1
            }
        }
        #expect(spared > 0)
    }

    /// Reports past `maxResidentReportBytes` (as `ResidentSize` counts them) are spilled, however few are kept.
    @Test func theResidentByteLimitSpills() throws {
        let reports = Self.reports()
        let limit = ResidentSize.bytes(of: reports[0]) + ResidentSize.bytes(of: reports[1])
        var builder = ConnectionListBuilder(residentLimit: 100, residentByteLimit: limit)
        for report in reports { builder.append(report) }
        let part = builder.take()
        #expect(part.resident.count == 2)
        #expect(ConnectionList(parts: [part]).map(Self.dumped) == reports.map(Self.dumped))
    }

    @Test func everyFieldSurvivesTheRoundTrip() throws {
        var table = CertificateTable()
        for report in Self.reports() {
            var bytes: [UInt8] = []
            ReportCoding.encode(report, certificates: &table, into: &bytes)
            let decoded = try #require(ReportCoding.decode(bytes[...], certificates: table))
            #expect(Self.dumped(decoded) == Self.dumped(report))
            // Cut anywhere, the bytes never decode into something else, and never trap.
            for cut in stride(from: 0, to: bytes.count, by: 7) {
                #expect(ReportCoding.decode(bytes[..<cut], certificates: table) == nil)
            }
        }
    }

    /// Reports written one after another into one buffer read back from their slices (indexed from where each
    /// starts, not from 0).
    @Test func reportsReadBackFromTheMiddleOfABuffer() throws {
        var table = CertificateTable()
        var bytes: [UInt8] = [0xee]
        var starts: [Int] = []
        for report in Self.reports() {
            starts.append(bytes.count)
            ReportCoding.encode(report, certificates: &table, into: &bytes)
        }
        let ends = starts.dropFirst() + [bytes.count]
        for (report, (start, end)) in zip(Self.reports(), zip(starts, ends)) {
            let decoded = try #require(ReportCoding.decode(bytes[start..<end], certificates: table))
            #expect(Self.dumped(decoded) == Self.dumped(report))
        }
    }

    /// A damaged byte anywhere (a disk gone bad under the temporary file) gives nil or some report, never a
    /// trap or a read past the end.
    @Test func damagedBytesNeverTrap() throws {
        var table = CertificateTable()
        var bytes: [UInt8] = []
        let report = Self.reports()[3]
        ReportCoding.encode(report, certificates: &table, into: &bytes)
        var unreadable = 0
        for position in bytes.indices {
            for value: UInt8 in [0x00, 0x7f, 0xff] where bytes[position] != value {
                var damaged = bytes
                damaged[position] = value
                if ReportCoding.decode(damaged[...], certificates: table) == nil { unreadable += 1 }
            }
        }
        #expect(unreadable > 0)
        // The last byte is `decrypted`: damaged to 0 it reads back as false, the rest unchanged.
        var last = bytes
        last[last.count - 1] = 0
        let decoded = try #require(ReportCoding.decode(last[...], certificates: table))
        #expect(!decoded.decrypted)
        #expect(decoded.explanation == report.explanation)
    }

    @Test func withoutATemporaryDirectoryReportsStayInMemory() throws {
        let url = CaptureFixtures.samples.appendingPathComponent("incident.pcap")
        let expected = ShardingTests.text(try ShardingTests.analyze(url, workers: nil))
        #expect(SpillFile(directory: "/nonexistent/tlsdiag-test") == nil)
        var options = AnalysisOptions()
        options.maxResidentReports = 0
        options.temporaryDirectory = "/nonexistent/tlsdiag-test"
        #expect(ShardingTests.text(try ShardingTests.analyze(url, options: options, workers: nil)) == expected)
    }

    @Test func theListKeepsOnlyItsDigestsInMemory() throws {
        var builder = ConnectionListBuilder(residentLimit: 1)
        for report in Self.reports() { builder.append(report) }
        let part = builder.take()
        #expect(part.resident.count == 1)
        #expect(part.store.file != nil)
        let list = ConnectionList(parts: [part])
        #expect(list.count == Self.reports().count)
        #expect(list.map(Self.dumped) == Self.reports().map(Self.dumped))
    }

    // MARK: Helpers

    static func dumped(_ report: ConnectionReport) -> String {
        var text = ""
        dump(report, to: &text)
        return text
    }

    /// Reports with every optional field present (IPv6, escapes and non-ASCII in strings, every trust verdict).
    static func reports() -> [ConnectionReport] {
        let client = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 50_000)
        let server = Endpoint(address: IPAddress(10, 0, 0, 2), port: 443)
        let time = Timestamp(seconds: 1_764_000_000, nanoseconds: 123_456_789)
        let certificate = CertificateSummary(
            subject: "CN=\u{1b}[31mevil, O=Ex\u{e4}mple", issuer: "CN=CA", subjectCommonName: "evil",
            issuerCommonName: nil, notBefore: time, notAfter: Timestamp(seconds: -5, nanoseconds: 0),
            dnsNames: ["a.example", "*.b.example"], ipAddresses: ["10.0.0.2"], isSelfSigned: true, isCA: false,
            subjectKeyIdentifier: [1, 2, 3], authorityKeyIdentifier: nil, sha256: "ab" + String(repeating: "0", count: 62),
            der: [0x30, 0x82, 0x01])
        let verdicts: [TrustVerdict?] = [
            nil, .trusted(root: "CN=Root"), .unknownCA(root: "CN=Other"), .incompleteChain(missing: "CN=Inter"),
            .expired(subject: "CN=x", notAfter: time), .notYetValid(subject: "CN=y", notBefore: time),
            .undetermined(reason: "RSA-PSS"),
        ]
        let summaries: [TimelineSummary] = [
            .none, .text("the server asks for a client certificate"), .byteCount(0), .encryptedByteCount(1 << 40),
            .certificateCount(3),
            .clientHello(.init(versions: [.tls13, ProtocolVersion(rawValue: 0x0a0a)], suites: 17,
                               serverName: "x\u{1b}]8;;", alpn: ["h2", ""], offersPreSharedKey: true, isSSLv2Format: false)),
            .clientHello(.init(versions: [], suites: 0, serverName: nil, alpn: [], offersPreSharedKey: false,
                               isSSLv2Format: true)),
            .serverHello(.init(isHelloRetryRequest: true, keyShareGroup: NamedGroup(rawValue: 0x11ec), version: .tls13,
                               cipherSuite: CipherSuite(rawValue: 0x1302), alpn: nil, acceptsPreSharedKey: false)),
            .serverHello(.init(isHelloRetryRequest: false, keyShareGroup: nil, version: .tls12,
                               cipherSuite: CipherSuite(rawValue: 0xc030), alpn: "http/1.1", acceptsPreSharedKey: true)),
            .alert(Alert(level: .fatal, description: AlertDescription(rawValue: 255)), decrypted: true),
        ]
        return verdicts.enumerated().map { index, verdict in
            var report = ConnectionReport(id: index + 1, client: client, server: server, firstFrame: index,
                                          lastFrame: index + 40, firstPacket: time, lastPacket: time)
            report.sni = index == 0 ? nil : "api.example.test\n#2 fake line"
            report.offeredVersions = [.tls13, .tls12, ProtocolVersion(rawValue: 0x7f17)]
            report.version = .tls12
            report.offeredCipherSuites = [CipherSuite(rawValue: 0x1301), CipherSuite(rawValue: 0xc02f)]
            report.cipherSuite = CipherSuite(rawValue: 0xc02f)
            report.alpnOffered = ["h2", ""]
            report.alpn = "h2"
            report.timeline = [
                TimelineEntry(from: .client, kind: .handshakeMessage, message: "ClientHello", frame: 3, timestamp: time,
                              detail: "TLS 1.3, 1.2; 2 suites"),
                TimelineEntry(from: .server, kind: .tcp, message: "RST", frame: 9, timestamp: time),
                TimelineEntry(from: .server, kind: .other, message: "0x77 (a name without a code)", frame: 10,
                              timestamp: time, detail: ""),
            ] + summaries.map {
                // Every kind of fact a detail is worded from: spilled as facts, they must come back as facts.
                TimelineEntry(from: .server, kind: .handshakeMessage, message: "Certificate", frame: 11, timestamp: time,
                              summary: $0)
            }
            report.established = index % 2 == 0
            report.stage = "after ServerHello"
            report.alert = AlertReport(from: .server, level: index == 1 ? nil : .fatal,
                                       description: AlertDescription(rawValue: 48), encrypted: index == 1, frame: 7)
            report.endedBy = .captureEnd
            report.cause = Cause(rawValue: "a_cause_\(index)")
            report.explanation = "Why, in \u{1F600} words."
            report.nextSteps = ["openssl s_client -connect 10.0.0.2:443", "check"]
            report.certificates = index == 0 ? [] : [certificate, certificate]
            report.warnings = ["w"]
            report.resumed = true
            report.helloRetryRequest = index == 3
            report.trust = verdict
            report.decrypted = true
            return report
        }
    }
}
