import Analysis
import Diagnosis

/// The output formats of `--format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text
    case json
    case markdown
}

/// Renders an `AnalysisReport` as text, JSON (the report contract) or markdown.
/// Results carry no trailing newline; the caller prints them as one line or block.
public enum ReportRenderer {
    public static func render(_ report: AnalysisReport, as format: ReportFormat, toolVersion: String) -> String {
        render(report, as: format, toolVersion: toolVersion, trustRootCount: report.trustRootCount)
    }

    /// `trustRootCount`: how many roots the CA bundle held, for the "Trust judged against …" line
    /// (`AnalysisReport` carries only the bundle's path).
    public static func render(_ report: AnalysisReport, as format: ReportFormat, toolVersion: String,
                              trustRootCount: Int?) -> String {
        switch format {
        case .json:
            JSONReport.document(report, toolVersion: toolVersion, trustRootCount: trustRootCount)
                .serialized(pretty: true)
        case .text:
            TextReport(report: report, toolVersion: toolVersion, trustRootCount: trustRootCount).render()
        case .markdown:
            MarkdownReport(report: report, toolVersion: toolVersion, trustRootCount: trustRootCount).render()
        }
    }

    /// One connection as a JSON object on one line (live `--format json`, JSON Lines).
    public static func jsonLine(_ connection: ConnectionReport) -> String {
        JSONReport.connection(connection).serialized(pretty: false)
    }

    /// One connection as a short text block (live text output): a failure in full, a healthy handshake
    /// on one line. Times are UTC.
    public static func textBlock(_ connection: ConnectionReport) -> String {
        let clock = Clock(showsDate: false)
        let lines = connection.failed
            ? ConnectionText.block(connection, clock: clock, timeSuffix: " UTC")
            : ConnectionText.oneLine(connection, clock: clock, timeSuffix: " UTC")
        return lines.joined(separator: "\n")
    }
}
