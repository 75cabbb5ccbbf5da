import WireFormat
import Diagnosis
import Analysis

/// The default report: what on-call needs first (what failed, for whom, since when), then each failed
/// connection in full, then the healthy ones one line each. Fits 100 columns where the data allows.
struct TextReport {
    var report: AnalysisReport
    var toolVersion: String
    var trustRootCount: Int?

    /// Writes the report line by line: the summaries, each failed connection in full (or on one line past the
    /// first of its group), then the healthy ones, handing the stream a chunk at a time to its output.
    func write(to stream: inout ReportStream) {
        let clock = Clock(first: report.capture.firstPacket, last: report.capture.lastPacket)
        let connections = report.connections
        let failures = FailureGroup.summarize(connections)
        let failedCount = failures.full.count + failures.brief.count
        let healthyCount = connections.count - failedCount

        stream.lines(header())
        stream.line("")
        stream.lines(incidentSummary(clock: clock, failedCount: failedCount, groups: failures.groups))
        stream.lines(unlistedSummary())
        stream.lines(bulletSection("Capture warnings", report.capture.warnings))
        stream.lines(bulletSection("Findings across connections", report.crossConnectionFindings))

        var fitter = LineFitter(restPrefix: "    ")
        if failedCount > 0 {
            stream.line("")
            stream.line("Failed connections (\(CountText.grouped(failedCount)))")
            for index in failures.full {
                stream.line("")
                connections.withReport(at: index) { ConnectionText.writeBlock($0, clock: clock, to: &stream) }
                stream.flushIfFull()
                if stream.isClosed { return }
            }
            if !failures.brief.isEmpty {
                stream.line("")
                stream.line("More failed connections like those above "
                            + "(the first \(FailureGroupKey.fullReportsPerGroup) of each group are shown in full)")
                for index in failures.brief {
                    connections.withReport(at: index) {
                        ConnectionText.writeOneLine($0, clock: clock, to: &stream, fitter: &fitter)
                    }
                    stream.flushIfFull()
                    if stream.isClosed { return }
                }
            }
        }
        if healthyCount > 0 {
            stream.line("")
            stream.line("Established connections (\(CountText.grouped(healthyCount)))")
            for index in connections.indices where !connections.isFailed(at: index) {
                connections.withReport(at: index) {
                    ConnectionText.writeOneLine($0, clock: clock, to: &stream, fitter: &fitter)
                }
                stream.flushIfFull()
                if stream.isClosed { return }
            }
        }
    }

    /// Tool, file, packets, time span, link type; the connection count; where trust came from.
    func header() -> [String] {
        let capture = report.capture
        var lines = TextLayout.fit(
            [
                "tlsdiag \(TerminalText.escape(toolVersion))",
                TerminalText.escape(capture.file, limit: 120),
                "\(CountText.plural(capture.packets, "packet")) (\(CountText.byteCount(capture.bytes)))",
                Clock.span(capture.firstPacket, capture.lastPacket),
                TerminalText.escape(Wording.linkType(capture.linkType)),
            ],
            separator: " · ", restPrefix: "  ")

        let totals = report.totals
        if totals.connections == 0 {
            lines.append("No TLS connections found.")
        } else {
            lines.append("\(CountText.plural(totals.connections, "TLS connection")): "
                         + "\(CountText.grouped(totals.established)) established, "
                         + "\(CountText.grouped(totals.failed)) failed")
        }
        lines += TextLayout.wrap(trustLine(), firstPrefix: "", restPrefix: "  ")
        return lines
    }

    func trustLine() -> String {
        guard let source = report.trustSource else {
            return "Trust not judged: no CA bundle (--ca-bundle FILE checks chains against trusted roots)"
        }
        let roots = trustRootCount.map { " (\(CountText.plural($0, "root")))" } ?? ""
        return "Trust judged against \(TerminalText.escape(source))\(roots)"
    }

    /// ```
    /// Incident summary: 41 failed connections in 2 groups, most frequent first
    ///   37 × unknown_ca   10.0.0.9:443  SNI api.example.test  02:41:07 – 03:05:55  12 clients
    ///        the client sent fatal alert 48 unknown_ca after ServerHelloDone; #3, #5, #8 and 34 more
    /// ```
    func incidentSummary(clock: Clock, failedCount: Int, groups: [FailureGroup]) -> [String] {
        guard failedCount > 0 else {
            let noneFailed = !report.connections.isEmpty && report.unlistedConnections.failed == 0
            return noneFailed ? ["Incident summary: no handshake failed."] : []
        }
        var lines = ["Incident summary: \(CountText.plural(failedCount, "failed connection")) in "
                     + "\(CountText.plural(groups.count, "group")) (server, SNI, cause), most frequent first"]
        let countWidth = groups.map { CountText.grouped($0.count).count }.max() ?? 1
        let causeWidth = min(24, groups.map { $0.cause.rawValue.count }.max() ?? 0)
        for group in groups {
            let count = CountText.grouped(group.count)
            let lead = "  " + String(repeating: " ", count: countWidth - count.count) + count + " × "
            let detailPrefix = String(repeating: " ", count: lead.count)
            let cause = TextLayout.pad(TerminalText.escape(group.cause.rawValue), to: causeWidth)
            lines += TextLayout.fit(
                [
                    cause + " " + TerminalText.escape(group.server.description),
                    TerminalText.escape(group.sniLabel, limit: ConnectionText.nameLimit),
                    group.timeRange(clock),
                    CountText.plural(group.clients.count, "client"),
                ],
                firstPrefix: lead, restPrefix: detailPrefix)
            var symptom = TerminalText.escape(group.symptom)
            if group.otherSymptoms > 0 { symptom += " (\(group.otherSymptoms) ended differently)" }
            lines += TextLayout.wrap("\(symptom); see \(group.idList())", firstPrefix: detailPrefix,
                                     restPrefix: detailPrefix + "  ")
        }
        return lines
    }

    /// Connections past the listing limit (a capture of millions): counted by cause, not listed.
    func unlistedSummary() -> [String] {
        let unlisted = report.unlistedConnections
        guard unlisted.connections > 0 else { return [] }
        let causes = JSONReport.causeCounts(unlisted)
            .map { "\(CountText.grouped($0.count)) \($0.cause.rawValue)" }.joined(separator: ", ")
        return [""] + TextLayout.wrap(
            "Not listed: \(CountText.plural(unlisted.connections, "more connection")) "
                + "(\(CountText.grouped(unlisted.failed)) failed), counted above only: \(causes)",
            firstPrefix: "", restPrefix: "  ")
    }

    func bulletSection(_ title: String, _ items: [String]) -> [String] {
        guard !items.isEmpty else { return [] }
        var lines = ["", title]
        for item in items {
            lines += TextLayout.wrap(TerminalText.escape(item), firstPrefix: "  - ", restPrefix: "    ")
        }
        return lines
    }
}
