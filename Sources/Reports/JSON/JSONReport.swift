import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis
import Analysis

// The report contract's JSON (schema_version 1), key for key and in its order. Keys the contract lists are
// always present (null where unknown); keys it does not list come after them.

public enum JSONReport {
    public static let schemaVersion = 1

    public static func document(_ report: AnalysisReport, toolVersion: String, trustRootCount: Int? = nil) -> JSONValue {
        var root = head(report)
        root.append("connections", .array(report.connections.map(connection)))
        root.members += tail(report, toolVersion: toolVersion, trustRootCount: trustRootCount).members
        return .object(root)
    }

    /// `document`'s text (pretty), written a connection at a time: the document of a large capture is never
    /// built whole.
    static func write(_ report: AnalysisReport, toolVersion: String, trustRootCount: Int?,
                      to stream: inout ReportStream) {
        var writer = JSONWriter(pretty: true, stream: stream.take())
        defer { stream = writer.stream }
        writer.openObject()
        writer.members(head(report), indent: 1, first: true)
        writer.member("connections", indent: 1)
        writer.array(count: report.connections.count, indent: 1) { writer, index in
            report.connections.withReport(at: index) { writer.writeConnection($0, indent: 2) }
            writer.stream.flushIfFull()
            return !writer.stream.isClosed
        }
        writer.members(tail(report, toolVersion: toolVersion, trustRootCount: trustRootCount), indent: 1, first: false)
        writer.closeObject(indent: 0)
    }

    /// The root's members before `connections`.
    static func head(_ report: AnalysisReport) -> JSONObject {
        [
            "schema_version": .int(schemaVersion),
            "capture": capture(report.capture),
            "summary": summary(report.totals),
        ]
    }

    /// The root's members after `connections`.
    static func tail(_ report: AnalysisReport, toolVersion: String, trustRootCount: Int?) -> JSONObject {
        [
            "tool": ["name": "tlsdiag", "version": .string(toolVersion)],
            "trust_source": JSONValue(report.trustSource),
            "trust_roots": JSONValue(report.trustSource == nil ? nil : trustRootCount),
            "findings": JSONValue(report.crossConnectionFindings),
        ]
    }

    static func capture(_ capture: CaptureSummary) -> JSONValue {
        [
            "file": .string(capture.file),
            "format": .string(capture.format),
            "link_type": .string(capture.linkType.name),
            "packets": .int(capture.packets),
            "bytes": .int(capture.bytes),
            "first_packet": JSONValue(capture.firstPacket?.rfc3339),
            "last_packet": JSONValue(capture.lastPacket?.rfc3339),
            "warnings": JSONValue(capture.warnings),
            "link_type_number": .int(Int(capture.linkType.rawValue)),
        ]
    }

    /// Counts every connection judged, those not listed (a capture of millions) included.
    static func summary(_ totals: ConnectionCounts) -> JSONValue {
        var byCause = JSONObject()
        for (cause, count) in causeCounts(totals) {
            byCause.append(cause.rawValue, .int(count))
        }
        return [
            "connections": .int(totals.connections),
            "established": .int(totals.established),
            "failed": .int(totals.failed),
            "by_cause": .object(byCause),
        ]
    }

    static func summary(_ connections: [ConnectionReport]) -> JSONValue {
        summary(ConnectionCounts(connections))
    }

    /// Every cause seen (`ok` included, so the counts add up to `connections`), most frequent first.
    static func causeCounts(_ totals: ConnectionCounts) -> [(cause: Cause, count: Int)] {
        totals.byCause.map { (cause: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.cause < $1.cause }
    }

    static func causeCounts(_ connections: [ConnectionReport]) -> [(cause: Cause, count: Int)] {
        causeCounts(ConnectionCounts(connections))
    }

    public static func connection(_ c: ConnectionReport) -> JSONValue {
        var object: JSONObject = [
            "id": .int(c.id),
            "client": endpoint(c.client),
            "server": endpoint(c.server),
            "first_frame": .int(c.firstFrame),
            "first_packet": .string(c.firstPacket.rfc3339),
            "duration_ms": .double(milliseconds(c.durationMilliseconds)),
            "sni": JSONValue(c.sni),
            "offered_versions": JSONValue(c.offeredVersions.map(\.description)),
            "version": JSONValue(c.version?.description),
            "offered_cipher_suites": JSONValue(c.offeredCipherSuites.map(\.description)),
            "cipher_suite": JSONValue(c.cipherSuite?.description),
            "alpn_offered": JSONValue(c.alpnOffered),
            "alpn": JSONValue(c.alpn),
            "handshake": .array(c.handshake.map { timelineEntry($0, since: c.firstPacket) }),
            "established": .bool(c.established),
            "stage": .string(c.stage),
            "alert": c.alert.map(alert) ?? .null,
            "ended_by": .string(c.endedBy.rawValue),
            "cause": .string(c.cause.rawValue),
            "explanation": .string(c.explanation),
            "next_steps": JSONValue(c.nextSteps),
            "certificates": .array(c.certificates.map(certificate)),
            "warnings": JSONValue(c.warnings),
        ]
        object.append("last_frame", .int(c.lastFrame))
        object.append("last_packet", .string(c.lastPacket.rfc3339))
        object.append("resumed", .bool(c.resumed))
        object.append("hello_retry_request", .bool(c.helloRetryRequest))
        object.append("decrypted", .bool(c.decrypted))
        object.append("trust", JSONValue(c.trust.map(TrustWording.word)))
        object.append("trust_detail", JSONValue(c.trust.map(TrustWording.detail)))
        object.append("tcp", .array(c.timeline.filter { $0.kind == .tcp }.map { timelineEntry($0, since: c.firstPacket) }))
        return .object(object)
    }

    /// Rounded to the microsecond, which is all a capture timestamp carries.
    static func milliseconds(_ value: Double) -> Double {
        guard value.isFinite, abs(value) < 1e15 else { return value }
        return (value * 1000).rounded() / 1000
    }

    static func endpoint(_ endpoint: Endpoint) -> JSONValue {
        ["ip": .string(endpoint.address.description), "port": .int(Int(endpoint.port))]
    }

    /// `t_ms`: milliseconds since the connection's first packet (a 5000 ms gap before an alert is a timeout).
    static func timelineEntry(_ entry: TimelineEntry, since start: Timestamp) -> JSONValue {
        [
            "from": .string(entry.from.rawValue),
            "message": .string(entry.message),
            "frame": .int(entry.frame),
            "detail": JSONValue(entry.detail),
            "t_ms": .double(milliseconds(start.milliseconds(until: entry.timestamp))),
        ]
    }

    static func alert(_ alert: AlertReport) -> JSONValue {
        [
            "from": .string(alert.from.rawValue),
            "level": JSONValue(levelWord(alert.level)),
            "code": JSONValue(alert.description.map { Int($0.rawValue) }),
            "name": JSONValue(alert.description?.name),
            "encrypted": .bool(alert.encrypted),
            "frame": .int(alert.frame),
        ]
    }

    /// The contract allows `"fatal"`, `"warning"` or null; any other level byte is not a valid alert level.
    static func levelWord(_ level: AlertLevel?) -> String? {
        switch level {
        case .fatal?: "fatal"
        case .warning?: "warning"
        default: nil
        }
    }

    static func certificate(_ certificate: CertificateSummary) -> JSONValue {
        [
            "subject": .string(certificate.subject),
            "issuer": .string(certificate.issuer),
            "not_before": .string(certificate.notBefore.rfc3339),
            "not_after": .string(certificate.notAfter.rfc3339),
            "san": JSONValue(certificate.dnsNames + certificate.ipAddresses),
            "self_signed": .bool(certificate.isSelfSigned),
            "sha256": .string(certificate.sha256),
            "ca": .bool(certificate.isCA),
        ]
    }
}
