import WireFormat
import PacketDecoding
import StreamReassembly
import TLSDissector
import CertificateAnalysis
import Diagnosis

/// What the user chose.
public struct AnalysisOptions: Sendable {
    /// Server ports analyzed (443 by default). Flows on other ports are analyzed when the client's first
    /// bytes are a ClientHello.
    public var ports: Set<UInt16> = [443]
    public var trustStore: TrustStore? = nil
    public var reassemblyLimits = ReassemblyLimits()
    public var parserLimits = TLSParserLimits()
    /// Live capture: a ClientHello (or SYN) without an answer for this long is reported as unanswered.
    public var handshakeTimeoutSeconds: Int64 = 10

    public init() {}
}

/// The pipeline after the capture layer: decode → reassemble → dissect → diagnose. Pure; one thread.
public struct Analyzer {
    public private(set) var options: AnalysisOptions

    public init(options: AnalysisOptions) {
        self.options = options
    }

    /// Feeds one captured packet, in capture order.
    public mutating func process(_ packet: CapturedPacket) {
    }

    /// Tells the analyzer that capture time has reached `now` even without packets (live capture): handshakes
    /// waiting longer than `handshakeTimeoutSeconds` conclude as unanswered.
    public mutating func advanceTime(to now: Timestamp) {
    }

    /// Connections whose handshake concluded since the last call (for live reporting), ids assigned.
    public mutating func takeConcluded() -> [ConnectionReport] {
        []
    }

    /// Ends the analysis: every open connection is judged as of the capture's end.
    public mutating func finish(capture: CaptureSummary) -> AnalysisReport {
        AnalysisReport(capture: capture, connections: [], trustSource: options.trustStore?.source)
    }
}
