import Analysis
import Diagnosis

/// The output formats of `--format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text
    case json
    case markdown

    /// Whether the format shows every connection in full: JSON does; text and markdown give a healthy
    /// connection, and a failure past the first few of its group, one line (`AnalysisOptions.keepsUnshownDetails`).
    public var showsEveryDetail: Bool { self == .json }
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
        var stream = ReportStream(output: nil)
        write(report, as: format, toolVersion: toolVersion, trustRootCount: trustRootCount, to: &stream)
        return stream.text
    }

    /// The same bytes as `render`, written to `output` as they are rendered, about 64 kB at a time: memory stays
    /// flat however many connections the report lists. Returns false when the output refused bytes (the reader
    /// went away); the rest of the report is then not rendered.
    @discardableResult
    public static func write(_ report: AnalysisReport, as format: ReportFormat, toolVersion: String,
                             to output: some ReportOutput) -> Bool {
        var stream = ReportStream(output: output)
        write(report, as: format, toolVersion: toolVersion, trustRootCount: report.trustRootCount, to: &stream)
        stream.flush()
        return !stream.isClosed
    }

    static func write(_ report: AnalysisReport, as format: ReportFormat, toolVersion: String, trustRootCount: Int?,
                      to stream: inout ReportStream) {
        switch format {
        case .json:
            JSONReport.write(report, toolVersion: toolVersion, trustRootCount: trustRootCount, to: &stream)
        case .text:
            TextReport(report: report, toolVersion: toolVersion, trustRootCount: trustRootCount).write(to: &stream)
        case .markdown:
            MarkdownReport(report: report, toolVersion: toolVersion, trustRootCount: trustRootCount).write(to: &stream)
        }
    }

    /// One connection as a JSON object on one line (live `--format json`, JSON Lines).
    public static func jsonLine(_ connection: ConnectionReport) -> String {
        var writer = JSONWriter(pretty: false, stream: ReportStream(output: nil))
        writer.writeConnection(connection, indent: 0)
        return writer.stream.text
    }

    /// One connection as a short text block (live text output): a failure in full, a healthy handshake
    /// on one line. Times are UTC.
    public static func textBlock(_ connection: ConnectionReport) -> String {
        let clock = Clock(showsDate: false)
        var stream = ReportStream(output: nil)
        if connection.failed {
            ConnectionText.writeBlock(connection, clock: clock, timeSuffix: " UTC", to: &stream)
        } else {
            var fitter = LineFitter(restPrefix: "    ")
            ConnectionText.writeOneLine(connection, clock: clock, timeSuffix: " UTC", to: &stream, fitter: &fitter)
        }
        return stream.text
    }
}
