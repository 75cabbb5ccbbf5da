import Testing
import Diagnosis
import Analysis
@testable import Reports

/// A capture of millions of connections lists only the first ones; the summary still counts every one.
@Suite struct UnlistedConnectionsTests {
    /// The incident report plus 1,000 unanswered SYNs and 20 healthy connections that were counted, not listed.
    static func report() -> AnalysisReport {
        var report = Fixtures.incident()
        var unlisted = ConnectionCounts()
        for index in 0..<1_000 { unlisted.add(Fixtures.unanswered(id: 100 + index, at: 60)) }
        for index in 0..<20 { unlisted.add(Fixtures.ok(id: 2_000 + index, at: 70)) }
        report.unlistedConnections = unlisted
        return report
    }

    @Test func jsonSummaryCountsUnlistedConnections() throws {
        guard case .object(let root) = JSONReport.document(Self.report(), toolVersion: "0.1.0"),
              case .object(let summary)? = root["summary"], case .object(let byCause)? = summary["by_cause"],
              case .array(let connections)? = root["connections"]
        else { Issue.record("shape"); return }
        #expect(connections.count == 7)
        #expect(summary["connections"] == 1_027)
        #expect(summary["established"] == 22)
        #expect(summary["failed"] == 1_005)
        #expect(byCause.members.map(\.key) == ["no_server_response", "ok", "unknown_ca", "certificate_rejected",
                                               "tcp_refused"])
        #expect(byCause.members.map(\.value) == [1_001, 22, 2, 1, 1])
    }

    @Test func textHeaderCountsEveryConnectionAndSaysWhatIsNotListed() {
        let text = ReportRenderer.render(Self.report(), as: .text, toolVersion: "0.1.0")
        #expect(text.contains("1,027 TLS connections: 22 established, 1,005 failed"), "\(text)")
        let unlisted = text.components(separatedBy: "\nNot listed: ").last ?? ""
        let words = unlisted.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.hasPrefix("1,020 more connections (1,000 failed), counted above only: "
                                + "1,000 no_server_response, 20 ok"), "\(text)")
    }

    @Test func markdownCountsEveryConnection() {
        let markdown = ReportRenderer.render(Self.report(), as: .markdown, toolVersion: "0.1.0")
        #expect(markdown.contains("1,027 TLS connections: 22 established, 1,005 failed."), "\(markdown)")
        #expect(markdown.contains("| `no_server_response` | 1,001 |"), "\(markdown)")
    }

    /// Only unlisted connections failed: the summary must not claim that no handshake failed, and the exit
    /// status (from `anyFailed`) is 1.
    @Test func failuresOnlyAmongUnlistedConnectionsStillCount() {
        var report = Fixtures.incident()
        report.connections = [Fixtures.ok(id: 1, at: 0)]
        var unlisted = ConnectionCounts()
        unlisted.add(Fixtures.unanswered(id: 2, at: 10))
        report.unlistedConnections = unlisted
        #expect(report.anyFailed)
        let text = ReportRenderer.render(report, as: .text, toolVersion: "0.1.0")
        #expect(!text.contains("no handshake failed"), "\(text)")
        let markdown = ReportRenderer.render(report, as: .markdown, toolVersion: "0.1.0")
        #expect(!markdown.contains("No handshake failed."), "\(markdown)")
    }
}
