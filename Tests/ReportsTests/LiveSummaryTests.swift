import Testing
import WireFormat
import PacketDecoding
import Diagnosis
@testable import Reports

@Suite("Live incident summary: grouped, counted, bounded")
struct LiveSummaryTests {
    /// The incident's connections, as live capture reports them one by one.
    static func summary(of connections: [ConnectionReport]) -> LiveSummary {
        var summary = LiveSummary()
        for connection in connections { summary.add(connection) }
        return summary
    }

    @Test func countsAndGroupsLikeTheFileReport() throws {
        let summary = Self.summary(of: Array(Fixtures.incident().connections))
        #expect(summary.connections == 7)
        #expect(summary.established == 2)
        #expect(summary.failed == 5)
        #expect(summary.byCause[.unknownCA] == 2)
        let lines = summary.textLines()
        #expect(lines.first == "7 TLS connections: 2 established, 5 failed")
        #expect(lines.contains("Incident summary: 5 failed connections in 4 groups (server, SNI, cause), most frequent first"))
        let groupLines = lines.filter { $0.contains(" × ") }
        #expect(groupLines.count == 4)
        #expect(groupLines.first?.hasPrefix("  2 × unknown_ca") == true)
        #expect(groupLines.first?.contains("SNI api.example.test  02:41:17 – 03:05:07 UTC  2 clients") == true)
        #expect(lines.contains { $0.contains("after ServerHelloDone; see #2, #4") })
        #expect(lines.last == "By cause: unknown_ca 2, certificate_rejected 1, no_server_response 1, tcp_refused 1")
    }

    @Test func noFailures() {
        #expect(Self.summary(of: [Fixtures.ok(id: 1)]).textLines()
                == ["1 TLS connection: 1 established, 0 failed", "Incident summary: no handshake failed."])
        #expect(LiveSummary().textLines() == ["No TLS connections seen."])
    }

    @Test("hours of the same failure: one group, a few ids, counts exact")
    func repeatedFailureStaysSmall() throws {
        var summary = LiveSummary()
        for id in 1...10_000 {
            summary.add(Fixtures.unknownCA(id: id, client: UInt32(id % 300), at: Int64(id)))
        }
        #expect(summary.failed == 10_000)
        let lines = summary.textLines()
        let group = try #require(lines.first { $0.contains(" × unknown_ca") })
        #expect(group.hasPrefix("  10,000 × unknown_ca"))
        #expect(lines.contains { $0.contains("at least 256 clients") })   // 300 distinct clients, 256 counted
        let words = lines.joined(separator: " ").split(separator: " ").joined(separator: " ")   // unwrapped
        #expect(words.contains("after ServerHelloDone; see #1, #2, #3, #4, #5, #6, #7, #8 and 9,992 more"))
    }

    @Test("groups past the cap are counted by cause only")
    func groupCap() {
        var summary = LiveSummary()
        for id in 1...(LiveSummary.maxGroups + 5) {
            var report = Fixtures.refused(id: id, at: 0)
            report.server = Endpoint(address: IPAddress(ipv4: 0x0A00_0000 + UInt32(id)), port: 443)
            summary.add(report)
        }
        #expect(summary.ungroupedFailures == 5)
        #expect(summary.textLines().contains("  5 more failures in groups past the first 1,000 (counted by cause only)"))
        #expect(summary.byCause[.tcpRefused] == LiveSummary.maxGroups + 5)
    }
}
