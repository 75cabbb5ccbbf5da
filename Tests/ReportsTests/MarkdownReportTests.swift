import Testing
import Diagnosis
import Analysis
@testable import Reports

@Suite struct MarkdownReportTests {
    static let markdown = ReportRenderer.render(Fixtures.incident(), as: .markdown, toolVersion: "0.1.0",
                                                trustRootCount: 146)
    static let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    @Test func documentOutline() {
        let headings = Self.lines.filter { $0.hasPrefix("#") }
        #expect(headings == [
            "# TLS handshake report: `incident-0300.pcap`",
            "## Incident summary",
            "## Connections by cause",
            "## Capture warnings",
            "## Findings across connections",
            "## Failed connections",
            "### Connection 2: `\(Fixtures.client(2, 50_068))` → `\(Fixtures.server)` · SNI `api.example.test`",
            "### Connection 3: `\(Fixtures.v6Client)` → `\(Fixtures.v6Server)` · no ClientHello",
            "### Connection 4: `\(Fixtures.client(3, 50_068))` → `\(Fixtures.server)` · SNI `api.example.test`",
            "### Connection 5: `\(Fixtures.client(7, 40_000))` → `\(Fixtures.otherServer)` · no SNI",
            "### Connection 6: `\(Fixtures.client(8, 40_100))` → `\(Fixtures.server)` · SNI `api.example.test`",
            "## Established connections",
        ])
        #expect(Self.markdown.contains("**7 TLS connections: 2 established, 5 failed.** Trust judged against "
                                       + "`/etc/ssl/certs/ca-certificates.crt` (146 roots)."))
    }

    @Test func incidentTableRowsMostFrequentFirst() throws {
        let header = try #require(Self.lines.firstIndex { $0.hasPrefix("| Count | Cause |") })
        let rows = Self.lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        #expect(rows.count == 4)
        #expect(rows.first?.hasPrefix("| 2 | `unknown_ca` | `\(Fixtures.server)` | `api.example.test` | "
                                      + "the client sent fatal alert 48") == true)
        #expect(rows.first?.hasSuffix("| 02:41:17 – 03:05:07 | 2 | 2, 4 |") == true)
        #expect(rows.dropFirst().first?.contains("| (no ClientHello) |") == true)
    }

    @Test func causeTableCountsEveryConnection() throws {
        let header = try #require(Self.lines.firstIndex { $0 == "| Cause | Connections |" })
        let rows = Array(Self.lines[(header + 2)...].prefix { $0.hasPrefix("|") })
        #expect(rows == ["| `ok` | 2 |", "| `unknown_ca` | 2 |", "| `certificate_rejected` | 1 |",
                         "| `no_server_response` | 1 |", "| `tcp_refused` | 1 |"])
    }

    @Test func connectionSectionKeepsCommandsAsCodeAndTimelineInAFence() throws {
        let start = try #require(Self.lines.firstIndex { $0.hasPrefix("### Connection 2: ") })
        let section = Self.lines[start...].prefix { !$0.hasPrefix("### Connection 3:") }
        #expect(section.contains { $0.hasPrefix("- **Verdict:** FAILED after ServerHelloDone: the client sent fatal alert 48") })
        #expect(section.contains("- Confirm with `openssl s_client -connect 10.0.0.9:443 -servername api.example.test -showcerts`."))
        #expect(section.contains("- **Cause:** `unknown_ca` — The client does not trust the CA that issued the server's "
                                 + "certificate (CN=Example Root)."))
        let fence = try #require(section.firstIndex(of: "```text"))
        #expect(section[fence + 1].hasPrefix("C SYN "))
        #expect(section.contains { $0.hasPrefix("| 1 | `CN=api.example.test, O=Example` | `CN=Example Intermediate CA, O=Example` | 2026-02-02 | 2027-11-29 |") })
    }

    @Test func healthyConnectionsAreOneTableRowEach() throws {
        let header = try #require(Self.lines.firstIndex { $0.hasPrefix("| # | Client | Server | SNI |") })
        let rows = Self.lines[(header + 2)...].prefix { $0.hasPrefix("|") }
        #expect(rows.count == 2)
        #expect(rows.first?.hasPrefix("| 1 | ") == true)
    }

    @Test func pipesAndNewlinesInCellsAreEscaped() {
        var connection = Fixtures.unknownCA(id: 1, client: 2, at: 0)
        connection.sni = "a|b\nc"
        connection.certificates = [Fixtures.certificate(subject: "CN=x|y", dnsNames: ["p|q"])]
        let report = AnalysisReport(capture: Fixtures.capture(warnings: []), connections: [connection], trustSource: nil)
        let markdown = ReportRenderer.render(report, as: .markdown, toolVersion: "0.1.0")
        #expect(markdown.contains("| `a\\|b\\nc` |"))
        #expect(markdown.contains("| `CN=x\\|y` |"))
        #expect(markdown.contains("`p\\|q`"))
        // Outside tables (the heading) the pipe stays as is inside its code span.
        #expect(markdown.contains("· SNI `a|b\\nc`"))
    }

    @Test func proseWithCodeEscapesEachPart() {
        #expect(MarkdownText.proseWithCode("run `a_b | c` then *x*") == "run `a_b | c` then \\*x\\*")
        #expect(MarkdownText.proseWithCode("run `a|b` now", inTable: true) == "run `a\\|b` now")
        #expect(MarkdownText.proseWithCode("odd ` tick_x") == "odd \\` tick\\_x")
        #expect(MarkdownText.proseWithCode("`# x` first") == "`# x` first")
        #expect(MarkdownText.proseWithCode("# not a heading `x`") == "\\# not a heading `x`")
    }
}
