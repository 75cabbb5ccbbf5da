import Analysis
import Diagnosis

/// The output formats of `--format`.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text
    case json
    case markdown
}

/// Renders an `AnalysisReport` as text, JSON (the report contract) or markdown.
public enum ReportRenderer {
    public static func render(_ report: AnalysisReport, as format: ReportFormat, toolVersion: String) -> String {
        // Implemented by the reports stage.
        ""
    }

    /// One connection as a JSON object on one line (live `--format json`, JSON Lines).
    public static func jsonLine(_ connection: ConnectionReport) -> String {
        ""
    }

    /// One connection as a short text block (live text output).
    public static func textBlock(_ connection: ConnectionReport) -> String {
        ""
    }
}
