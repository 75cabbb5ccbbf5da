import WireFormat
import CertificateAnalysis
import Diagnosis
import Analysis

/// The report as a ticket-ready markdown document: the same content as the text report, in headings,
/// tables and a code block per timeline. Strings from the capture go through `MarkdownText`: identifiers as
/// code spans, prose with markdown syntax escaped, table cells with `|` escaped. Connections are
/// "Connection 7", not "#7", which GitHub would link to issue 7.
struct MarkdownReport {
    var report: AnalysisReport
    var toolVersion: String
    var trustRootCount: Int?

    private typealias MD = MarkdownText

    /// Writes the document line by line, handing the stream a chunk at a time to its output.
    func write(to stream: inout ReportStream) {
        let clock = Clock(first: report.capture.firstPacket, last: report.capture.lastPacket)
        let connections = report.connections
        let failures = FailureGroup.summarize(connections)
        let failedCount = failures.full.count + failures.brief.count
        stream.lines(header())
        stream.lines(incidentSummary(clock: clock, groups: failures.groups))
        stream.lines(causeTable())
        stream.lines(bulletSection("Capture warnings", report.capture.warnings))
        stream.lines(bulletSection("Findings across connections", report.crossConnectionFindings))
        if failedCount > 0 {
            stream.lines(["", "## Failed connections"])
            for index in failures.full {
                stream.lines(connections.withReport(at: index) { block($0, clock: clock) })
                stream.flushIfFull()
                if stream.isClosed { return }
            }
            if !failures.brief.isEmpty {
                stream.lines(["", "## More failed connections", "",
                              "Like those above (the first \(FailureGroupKey.fullReportsPerGroup) of each group are shown in full).",
                              ""])
                writeConnectionTable(failures.brief.lazy.map { connections[$0] }, clock: clock, to: &stream)
            }
        }
        if connections.count > failedCount {
            stream.lines(["", "## Established connections", ""])
            writeConnectionTable(connections.indices.lazy.filter { !connections.isFailed(at: $0) }.map { connections[$0] },
                                 clock: clock, to: &stream)
        }
    }

    func header() -> [String] {
        let capture = report.capture
        let totals = report.totals
        let counts = totals.connections == 0
            ? "No TLS connections found."
            : "\(CountText.plural(totals.connections, "TLS connection")): "
              + "\(CountText.grouped(totals.established)) established, \(CountText.grouped(totals.failed)) failed."
        let trust: String
        if let source = report.trustSource {
            let roots = trustRootCount.map { " (\(CountText.plural($0, "root")))" } ?? ""
            trust = "Trust judged against \(MD.code(source))\(roots)."
        } else {
            trust = "Trust not judged: no CA bundle was given (`--ca-bundle FILE`)."
        }
        let facts = [
            "tlsdiag \(MD.prose(toolVersion, lineStart: false))",
            MD.code(capture.file, limit: 120),
            MD.prose(capture.format, lineStart: false),
            "\(CountText.plural(capture.packets, "packet")) (\(CountText.byteCount(capture.bytes)))",
            Clock.span(capture.firstPacket, capture.lastPacket),
            MD.prose(Wording.linkType(capture.linkType), lineStart: false),
        ]
        return [
            "# TLS handshake report: \(MD.code(capture.file, limit: 120))",
            "",
            facts.joined(separator: " · "),
            "",
            "**\(counts)** \(trust)",
        ]
    }

    func incidentSummary(clock: Clock, groups: [FailureGroup]) -> [String] {
        guard !groups.isEmpty else {
            let noneFailed = !report.connections.isEmpty && report.unlistedConnections.failed == 0
            return noneFailed ? ["", "## Incident summary", "", "No handshake failed."] : []
        }
        var lines = [
            "", "## Incident summary", "",
            "Failed connections grouped by server, SNI and cause, most frequent first. Times are UTC.", "",
            "| Count | Cause | Server | SNI | What happened | When | Clients | Connection ids |",
            "| ---: | --- | --- | --- | --- | --- | ---: | --- |",
        ]
        for group in groups {
            let sni = group.sni.map { MD.code($0, inTable: true, limit: ConnectionText.nameLimit) }
                ?? (group.sawClientHello ? "(no SNI)" : "(no ClientHello)")
            var symptom = MD.cell(group.symptom)
            if group.otherSymptoms > 0 { symptom += " (\(group.otherSymptoms) ended differently)" }
            lines.append(row([
                CountText.grouped(group.count),
                MD.code(group.cause.rawValue, inTable: true),
                MD.code(group.server.description, inTable: true),
                sni,
                symptom,
                group.timeRange(clock),
                CountText.grouped(group.clients.count),
                group.idList(prefix: ""),
            ]))
        }
        return lines
    }

    func causeTable() -> [String] {
        let counts = JSONReport.causeCounts(report.totals)
        guard !counts.isEmpty else { return [] }
        var lines = ["", "## Connections by cause", "", "| Cause | Connections |", "| --- | ---: |"]
        for (cause, count) in counts {
            lines.append(row([MD.code(cause.rawValue, inTable: true), CountText.grouped(count)]))
        }
        return lines
    }

    func block(_ c: ConnectionReport, clock: Clock) -> [String] {
        let sni = c.sni.map { "SNI " + MD.code($0, limit: ConnectionText.nameLimit) }
            ?? (Wording.sawClientHello(c) ? "no SNI" : "no ClientHello")
        var lines = [
            "",
            "### Connection \(c.id): \(MD.code(c.client.description)) → \(MD.code(c.server.description)) · \(sni)",
            "",
            "- **When:** \(clock.precise(c.firstPacket)) UTC, \(Wording.frames(c.firstFrame, c.lastFrame))",
            "- **Verdict:** \(MD.prose(Wording.verdict(c), lineStart: false))",
            "- **Cause:** \(MD.code(c.cause.rawValue))"
                + (c.explanation.isEmpty ? "" : " — " + MD.proseWithCode(c.explanation, lineStart: false)),
        ]
        if let trust = c.trust {
            lines.append("- **Trust:** \(MD.code(TrustWording.word(trust))) — "
                         + MD.prose(TrustWording.detail(trust), lineStart: false))
        }
        if !c.nextSteps.isEmpty {
            lines += ["", "**Next steps**", ""]
            lines += c.nextSteps.map { "- " + MD.proseWithCode($0) }
        }
        if !c.certificates.isEmpty {
            lines += ["", "**Certificates** (as sent, leaf first)", ""]
            lines += certificateTable(c.certificates, at: c.firstPacket)
        }
        if !c.timeline.isEmpty {
            let entries = TimelineLines.lines(c.timeline) { TerminalText.escape($0) }
            let body = TimelineLines.aligned(entries, firstPrefix: "", restPrefix: "")
            lines += ["", "**Handshake**", ""] + codeBlock(body)
        }
        if !c.warnings.isEmpty {
            lines += ["", "**Warnings**", ""]
            lines += c.warnings.map { "- " + MD.proseWithCode($0) }
        }
        return lines
    }

    func certificateTable(_ certificates: [CertificateSummary], at time: Timestamp) -> [String] {
        var lines = [
            "| # | Subject | Issuer | Valid from | Valid to | SAN | Self-signed | SHA-256 |",
            "| ---: | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for (index, certificate) in certificates.enumerated() {
            var validTo = certificate.notAfter.date
            if certificate.notAfter < time { validTo += " (expired at capture time)" }
            var validFrom = certificate.notBefore.date
            if time < certificate.notBefore { validFrom += " (not yet valid at capture time)" }
            let names = certificate.dnsNames + certificate.ipAddresses
            let san = names.isEmpty
                ? "(none)"
                : names.map { MD.code($0, inTable: true, limit: 80) }.joined(separator: ", ")
            lines.append(row([
                String(index + 1),
                MD.code(certificate.subject, inTable: true, limit: ConnectionText.nameLimit),
                MD.code(certificate.issuer, inTable: true, limit: ConnectionText.nameLimit),
                validFrom,
                validTo,
                san,
                certificate.isSelfSigned ? "yes" : "no",
                MD.code(certificate.sha256, inTable: true),
            ]))
        }
        return lines
    }

    /// One row per connection: the verdict for failures, what was negotiated for healthy handshakes.
    func writeConnectionTable(_ connections: some Sequence<ConnectionReport>, clock: Clock,
                              to stream: inout ReportStream) {
        stream.line("| # | Client | Server | SNI | Time (UTC) | Result |")
        stream.line("| ---: | --- | --- | --- | --- | --- |")
        for c in connections {
            writeConnectionRow(c, clock: clock, to: &stream)
            stream.flushIfFull()
            if stream.isClosed { return }
        }
    }

    func connectionRow(_ c: ConnectionReport, clock: Clock) -> String {
        let sni = c.sni.map { MD.code($0, inTable: true, limit: ConnectionText.nameLimit) }
            ?? (Wording.sawClientHello(c) ? "(no SNI)" : "(no ClientHello)")
        var negotiated = MD.cell(c.failed ? Wording.verdict(c) : Wording.negotiated(c))
        if !c.warnings.isEmpty {
            negotiated += "; warnings: " + c.warnings.map { MD.cell($0) }.joined(separator: "; ")
        }
        return row([
            String(c.id),
            MD.code(c.client.description, inTable: true),
            MD.code(c.server.description, inTable: true),
            sni,
            clock.precise(c.firstPacket),
            negotiated,
        ])
    }

    func bulletSection(_ title: String, _ items: [String]) -> [String] {
        guard !items.isEmpty else { return [] }
        return ["", "## \(title)", ""] + items.map { "- " + MD.proseWithCode($0) }
    }

    /// A fenced block whose fence no line inside can close (longer than any backtick run).
    func codeBlock(_ body: [String]) -> [String] {
        var longest = 0
        for line in body {
            var run = 0
            for scalar in line.unicodeScalars {
                run = scalar == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return ["\(fence)text"] + body + [fence]
    }

    /// Cells are escaped by their callers; this only joins them.
    private func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }
}
