import Testing
import WireFormat
import TLSDissector
import Diagnosis
import Analysis
@testable import Reports

@Suite struct TextReportTests {
    static let text = ReportRenderer.render(Fixtures.incident(), as: .text, toolVersion: "0.1.0", trustRootCount: 146)
    static let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    func index(of prefix: String, from start: Int = 0) -> Int? {
        Self.lines[start...].firstIndex { $0.hasPrefix(prefix) }
    }

    @Test func headerLeadsWithCaptureCountsAndTrust() {
        #expect(Self.lines[0].hasPrefix("tlsdiag 0.1.0 · incident-0300.pcap · 2,114 packets (1.2 MB)"))
        #expect(Self.text.contains("2026-11-29 02:41:07.118 – 03:06:07.902 UTC · link type \(LinkType.ethernet.description)"))
        #expect(Self.lines.contains("7 TLS connections: 2 established, 5 failed"))
        #expect(Self.lines.contains("Trust judged against /etc/ssl/certs/ca-certificates.crt (146 roots)"))
    }

    @Test func trustNotJudgedWithoutBundle() {
        var report = Fixtures.incident()
        report.trustSource = nil
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(text.contains("\nTrust not judged: no CA bundle"))
        #expect(!text.contains("Trust judged against"))
    }

    @Test func incidentSummaryGroupsByServerSNIAndCauseMostFrequentFirst() throws {
        let start = try #require(index(of: "Incident summary: 5 failed connections in 4 groups"))
        let groupLines = Self.lines[(start + 1)...].prefix { !$0.isEmpty }.filter { $0.contains(" × ") }
        let causes = groupLines.map { $0.split(separator: "×")[1].split(separator: " ")[0] }
        // unknown_ca twice (same server and SNI, two clients); the rest once each, earliest first.
        #expect(causes == ["unknown_ca", "tcp_refused", "no_server_response", "certificate_rejected"])
        #expect(groupLines[0].hasPrefix("  2 × unknown_ca"))
        #expect(groupLines[0].contains("SNI api.example.test  02:41:17 – 03:05:07  2 clients"))
        #expect(groupLines[1].contains("no ClientHello  at 02:41:27  1 client"))
        #expect(groupLines[2].contains("no SNI  at 02:41:37"))
    }

    @Test(arguments: [
        ("unknown_ca", "the client sent fatal alert 48"),
        ("unknown_ca", "after ServerHelloDone; see #2, #4"),
        ("tcp_refused", "the server answered the SYN with a reset; see #3"),
        ("no_server_response", "the server never answered the ClientHello; see #5"),
        ("certificate_rejected", "the client sent an encrypted alert after the server's encrypted flight; see #6"),
    ])
    func incidentSummaryWordsEachSymptom(cause: String, wording: String) throws {
        let line = try #require(Self.lines.firstIndex { $0.contains(" × \(cause)") })
        #expect(Self.lines[line + 1].contains(wording), "\(Self.lines[line + 1])")
    }

    @Test func failuresInFullFirstThenHealthyConnectionsOneLineEach() throws {
        let failed = try #require(index(of: "Failed connections (5)"))
        let healthy = try #require(index(of: "Established connections (2)"))
        #expect(failed < healthy)
        let blockStarts = Self.lines.indices.filter { Self.lines[$0].hasPrefix("#") }
        let ids = blockStarts.map { Self.lines[$0].prefix { $0 != " " } }
        #expect(ids == ["#2", "#3", "#4", "#5", "#6", "#1", "#7"])
        // One short block each: the header line, wrapped once at most where real addresses make it long.
        #expect(Self.lines[healthy + 1].hasPrefix("#1  "))
        let okBlock = Self.lines[(healthy + 1)...].prefix { !$0.hasPrefix("#7") }.joined(separator: " ")
        #expect(okBlock.hasSuffix("OK: \(ProtocolVersion.tls13), \(CipherSuite(rawValue: 0x1301)), h2"))
        #expect(Self.lines.count <= healthy + 5)
    }

    @Test func failedBlockReadsVerdictCauseStepsCertificatesTimeline() throws {
        let start = try #require(index(of: "#2  "))
        let block = Self.lines[start...].prefix { !$0.isEmpty }
        let expected = [
            "    FAILED after ServerHelloDone: the client sent fatal alert 48",
            "    Cause unknown_ca: The client does not trust the CA that issued the server's certificate",
            "    Next steps:",
            "      - Check which CA bundle the client uses",
            "        `openssl s_client -connect 10.0.0.9:443 -servername api.example.test -showcerts`.",
            "    Trust: unknown_ca: chain ends at CN=Example Root, which is not a trusted root",
            "    Certificates (1, as sent):",
            "      1. CN=api.example.test, issued by CN=Example Intermediate CA",
            "         valid 2026-02-02 – 2027-11-29 · SAN api.example.test, www.example.test, 10.0.0.9",
            "    Handshake  C SYN ",
            "               C ClientHello (TLS 1.3, 1.2; 1 suite; SNI api.example.test)  frame 44",
            "               C Alert (fatal unknown_ca) ",
        ]
        var position = block.startIndex
        for prefix in expected {
            let found = block[position...].firstIndex { $0.hasPrefix(prefix) }
            #expect(found != nil, "missing or out of order: \(prefix)")
            if let found { position = found + 1 }
        }
        #expect(block.contains { $0.hasPrefix("    FAILED") && $0.hasSuffix("(frame 50)") })
        #expect(block.first?.hasSuffix("02:41:17.118  frames 41–52") == true)
    }

    @Test func largeGroupsShowThreeInFullAndTheRestOneLineEach() throws {
        let connections = (1...6).map { Fixtures.unknownCA(id: $0, client: UInt32($0), at: Int64($0)) }
            + [Fixtures.refused(id: 7, at: 10)]
        let report = AnalysisReport(capture: Fixtures.capture(warnings: []), connections: connections, trustSource: nil)
        let lines = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0").split(separator: "\n")
        let more = try #require(lines.firstIndex { $0.hasPrefix("More failed connections like those above") })
        let full = lines[..<more].filter { $0.hasPrefix("#") }.map { $0.prefix { $0 != " " } }
        let brief = lines[more...].filter { $0.hasPrefix("#") }
        #expect(full == ["#1", "#2", "#3", "#7"])
        #expect(brief.map { $0.prefix { $0 != " " } } == ["#4", "#5", "#6"])
        #expect(lines[more...].count { $0.contains("FAILED after ServerHelloDone: the client sent fatal alert 48") } == 3)
        #expect(lines.contains { $0.contains("6 × unknown_ca") })
        let markdown = ReportRenderer.render(report, as: .markdown, toolVersion: "0.1.0")
        #expect(markdown.contains("## More failed connections"))
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("### Connection ") }.count == 4)
        #expect(markdown.contains("| 6 | `"))
    }

    @Test func linesFitOneHundredColumns() {
        var report = Fixtures.incident()
        report.connections[1].explanation = String(repeating: "The chain is incomplete and clients reject it. ", count: 6)
        report.connections[1].nextSteps.append(String(repeating: "Serve the full chain. ", count: 10))
        report.capture.warnings.append(String(repeating: "Packets were cut by the snap length. ", count: 5))
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        for line in text.split(separator: "\n") {
            #expect(line.count <= 100, "\(line.count) columns: \(line)")
        }
    }

    @Test func timelineRunsCollapseWithCountAndFrameRange() {
        let connection = Fixtures.ok(id: 1)
        let lines = TimelineLines.lines(connection.timeline) { $0 }
        #expect(lines.map(\.left) == ["C SYN", "S SYN, ACK", "C ClientHello (TLS 1.3, 1.2; 2 suites; SNI api.example.test)",
                                      "S ServerHello (TLS 1.3)", "S EncryptedRecord ×3", "C EncryptedRecord"])
        #expect(lines.map(\.frames) == ["frame 1", "frame 2", "frame 4", "frame 6", "frames 7–9", "frame 11"])
    }

    @Test func groupWithDifferentSymptomsSaysSo() {
        var reset = Fixtures.unknownCA(id: 3, client: 4, at: 30)
        reset.alert = nil
        reset.endedBy = .rst
        reset.timeline.append(Fixtures.entry(.client, .tcp, "RST", 52, reset.firstPacket))
        let report = AnalysisReport(capture: Fixtures.capture(warnings: []),
                                    connections: [Fixtures.unknownCA(id: 1, client: 2, at: 10),
                                                  Fixtures.unknownCA(id: 2, client: 3, at: 20), reset],
                                    trustSource: nil)
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(text.contains("  3 × unknown_ca"))
        #expect(text.contains("the client sent fatal alert 48 unknown_ca after ServerHelloDone (1 ended differently)"))
        #expect(text.contains("FAILED after ServerHelloDone: the client reset the connection (frame 52)"))
    }

    @Test func emptyCaptureSaysSo() {
        let report = AnalysisReport(capture: CaptureSummary(file: "empty.pcap", format: "pcap", linkType: .raw),
                                    connections: [], trustSource: nil)
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(text.contains("0 packets (0 bytes) · no packets"))
        #expect(text.contains("\nNo TLS connections found.\n"))
        #expect(!text.contains("Incident summary"))
    }

    @Test func allHealthySaysNoFailure() {
        let report = AnalysisReport(capture: Fixtures.capture(warnings: []), connections: [Fixtures.ok(id: 1)],
                                    trustSource: nil)
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(text.contains("1 TLS connection: 1 established, 0 failed"))
        #expect(text.contains("Incident summary: no handshake failed."))
    }

    @Test func datesAppearWhenTheCaptureSpansMidnight() {
        var report = Fixtures.incident()
        report.capture.lastPacket = Fixtures.time(86_400)
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(text.contains("2026-11-29 02:41:07.118 – 2026-11-30 02:41:07.000 UTC"))
        #expect(text.contains("2026-11-29 02:41:17 – 2026-11-29 03:05:07"))
        #expect(text.contains("SNI api.example.test  2026-11-29 02:41:17.118  frames 41–52"))
    }

    @Test func liveTextBlock() {
        let failed = ReportRenderer.textBlock(Fixtures.unknownCA(id: 9, client: 2, at: 10))
        #expect(failed.hasPrefix("#9  "))
        #expect(failed.contains("02:41:17.118 UTC  frames 41–52\n    FAILED after ServerHelloDone"))
        #expect(!failed.hasSuffix("\n"))
        let ok = ReportRenderer.textBlock(Fixtures.ok(id: 1))
        #expect(ok.split(separator: "\n").count <= 2)
        #expect(ok.contains("OK: "))
    }

    @Test func wrapKeepsBacktickedCommandsWhole() {
        let lines = TextLayout.wrap("Run `openssl s_client -connect example.test:443 -servername example.test -showcerts` now",
                                    firstPrefix: "- ", restPrefix: "  ", width: 40)
        #expect(lines == ["- Run", "  `openssl s_client -connect example.test:443 -servername example.test -showcerts`",
                          "  now"])
        // Unbalanced backticks: plain words.
        #expect(TextLayout.wrap("a `b c", firstPrefix: "", restPrefix: "", width: 3) == ["a", "`b", "c"])
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1_000, "1,000"), (2_114, "2,114"), (1_234_567, "1,234,567")])
    func groupedNumbers(value: Int, expected: String) {
        #expect(CountText.grouped(value) == expected)
    }

    @Test(arguments: [(812, "812 bytes"), (1_000, "1.0 kB"), (1_234_567, "1.2 MB"), (999_999, "1.0 MB"),
                      (5_000_000_000, "5.0 GB")])
    func byteCounts(value: Int, expected: String) {
        #expect(CountText.byteCount(value) == expected)
    }

    @Test(arguments: [(0, "0 packets were"), (1, "1 packet was"), (2, "2 packets were"), (1_640, "1,640 packets were")])
    func countsAndTheirVerbs(count: Int, expected: String) {
        #expect("\(CountText.plural(count, "packet")) \(CountText.agreeing(count, "was", "were"))" == expected)
    }

    @Test(arguments: [(0, ""), (1, "n1"), (3, "n1, n2, n3"), (6, "n1, n2, n3, n4, n5, n6"),
                      (7, "n1, n2, n3, n4, n5, n6 and 1 more"), (1_063, "n1, n2, n3, n4, n5, n6 and 1,057 more")])
    func longListsAreCut(count: Int, expected: String) {
        #expect(CountText.list(count == 0 ? [] : (1...count).map { "n\($0)" }) == expected)
    }
}

