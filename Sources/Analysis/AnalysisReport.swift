import WireFormat
import Diagnosis

/// What is known about the capture file as a whole.
public struct CaptureSummary: Sendable {
    /// The path as given (`-` for standard input), or the interface for live capture.
    public var file: String
    /// `"pcap"` or `"pcapng"`.
    public var format: String
    public var linkType: LinkType
    public var packets: Int
    /// Captured bytes of all packets.
    public var bytes: Int
    public var firstPacket: Timestamp?
    public var lastPacket: Timestamp?
    public var warnings: [String]
    /// The file could not be read to its end (cut short or damaged): connections still open then are flagged.
    public var endedEarly: Bool

    public init(file: String, format: String, linkType: LinkType, packets: Int = 0, bytes: Int = 0,
                firstPacket: Timestamp? = nil, lastPacket: Timestamp? = nil, warnings: [String] = [],
                endedEarly: Bool = false) {
        self.endedEarly = endedEarly
        self.file = file
        self.format = format
        self.linkType = linkType
        self.packets = packets
        self.bytes = bytes
        self.firstPacket = firstPacket
        self.lastPacket = lastPacket
        self.warnings = warnings
    }
}

/// The whole result of analyzing a capture: what the reports render.
public struct AnalysisReport: Sendable {
    public var capture: CaptureSummary
    /// In order of first packet; `id` is the 1-based position.
    public var connections: ConnectionList
    /// Where trusted roots came from (`/etc/ssl/certs/ca-certificates.crt`), or nil: trust not judged.
    public var trustSource: String?
    /// How many roots that bundle held.
    public var trustRootCount: Int?
    /// Findings across connections (e.g. one SNI answered with different certificates).
    public var crossConnectionFindings: [String]
    /// Connections judged but not listed (past `AnalysisOptions.maxReportedConnections`): counted only.
    public var unlistedConnections: ConnectionCounts

    public init(capture: CaptureSummary, connections: ConnectionList, trustSource: String?,
                trustRootCount: Int? = nil, crossConnectionFindings: [String] = [],
                unlistedConnections: ConnectionCounts = ConnectionCounts()) {
        self.capture = capture
        self.connections = connections
        self.trustSource = trustSource
        self.trustRootCount = trustRootCount
        self.crossConnectionFindings = crossConnectionFindings
        self.unlistedConnections = unlistedConnections
    }

    /// With the connections as values (tests, reports built by hand).
    public init(capture: CaptureSummary, connections: [ConnectionReport], trustSource: String?,
                trustRootCount: Int? = nil, crossConnectionFindings: [String] = [],
                unlistedConnections: ConnectionCounts = ConnectionCounts()) {
        self.init(capture: capture, connections: ConnectionList(connections), trustSource: trustSource,
                  trustRootCount: trustRootCount, crossConnectionFindings: crossConnectionFindings,
                  unlistedConnections: unlistedConnections)
    }

    /// Every connection judged, listed or not: what the summary counts.
    public var totals: ConnectionCounts { connections.counts + unlistedConnections }

    /// At least one connection failed (exit status 1).
    public var anyFailed: Bool { unlistedConnections.failed > 0 || connections.anyFailed }
}
