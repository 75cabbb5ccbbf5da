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
    /// The reassembler's limits, with at most 65,536 connections held at once: a flood of a million SYNs from
    /// distinct ports then peaks below 200 MB (a held connection costs about 1.6 kB). Past the cap the least recently
    /// active connection is judged early, which seldom matters: a handshake is over within seconds.
    public var reassemblyLimits = AnalysisOptions.defaultReassemblyLimits
    public var parserLimits = TLSParserLimits()
    /// Live capture: a ClientHello (or SYN) without an answer for this long is reported as unanswered.
    public var handshakeTimeoutSeconds: Int64 = 10
    /// Live capture: report each connection as soon as its handshake concludes.
    public var reportEarly = false
    /// Connections reported in full; those judged after this many are counted in the summary only (with a
    /// capture warning), so that a capture of millions of connections keeps memory bounded: the pretty JSON of
    /// 20,000 connections is already about 40 MB, and a person reads the incident summary, not the list.
    public var maxReportedConnections = 20_000

    public init() {}

    public static var defaultReassemblyLimits: ReassemblyLimits {
        var limits = ReassemblyLimits()
        limits.maxConnections = 65_536
        return limits
    }
}

/// The pipeline after the capture layer: decode → reassemble → dissect → diagnose. Pure; one thread.
public struct Analyzer {
    public private(set) var options: AnalysisOptions
    private var reassembler: TCPReassembler<TrackerHandle>
    private var certificates = CertificateCache()
    private var sink: ConclusionSink?
    /// Judged connections, in order of closing; numbered by first packet at the end.
    private var reports: [ConnectionReport] = []
    /// Judged past `maxReportedConnections`: counted only.
    private var unlisted = ConnectionCounts()
    private var concludedForLive: [ConnectionReport] = []
    private var nextLiveID = 1
    private var counters = PacketCounters()
    private var lastTimeoutCheck: Int64 = 0

    public init(options: AnalysisOptions) {
        self.options = options
        let sink: ConclusionSink? = options.reportEarly ? ConclusionSink() : nil
        self.sink = sink
        let ports = options.ports
        let parserLimits = options.parserLimits
        self.reassembler = TCPReassembler(limits: options.reassemblyLimits) { info in
            TrackerHandle(ConnectionTracker(connection: info, ports: ports, parserLimits: parserLimits, sink: sink))
        }
    }

    /// Feeds one captured packet, in capture order.
    public mutating func process(_ packet: CapturedPacket) {
        counters.count(packet)
        switch PacketDecoder.decode(packet.bytes, linkType: packet.linkType) {
        case .tcp(let segment):
            reassembler.process(segment, frame: packet.frameNumber, timestamp: packet.timestamp)
        case .other:
            break
        case .malformed(let reason):
            counters.malformed(reason, frame: packet.frameNumber)
        case .unsupportedLinkType(let type):
            counters.unsupported(type)
        }
        collectClosed()
        collectConcluded()
    }

    /// Capture time has reached `now` even without packets (live capture): handshakes waiting longer than
    /// `handshakeTimeoutSeconds` conclude as unanswered.
    public mutating func advanceTime(to now: Timestamp) {
        guard options.reportEarly, now.seconds > lastTimeoutCheck else { return }
        lastTimeoutCheck = now.seconds
        let deadline = options.handshakeTimeoutSeconds
        reassembler.forEachHandler { info, handle in
            if handle.tracker.awaitingConclusion, now.seconds - info.lastTimestamp.seconds >= deadline {
                handle.tracker.concludeForTimeout()
            }
        }
        collectConcluded()
    }

    /// Connections whose handshake concluded since the last call (live reporting), ids assigned in order.
    public mutating func takeConcluded() -> [ConnectionReport] {
        defer { concludedForLive.removeAll() }
        return concludedForLive
    }

    /// Ends the analysis: every open connection is judged as of the capture's end.
    public mutating func finish(capture: CaptureSummary) -> AnalysisReport {
        for var closed in reassembler.finish() {
            closed.handler.tracker.markOpenAtEnd()
            judge(closed.handler.tracker)
        }
        collectConcluded()
        var all = reports
        reports = []
        all.sort { ($0.firstFrame, $0.lastFrame) < ($1.firstFrame, $1.lastFrame) }
        for index in all.indices { all[index].id = index + 1 }
        PeerContext.annotate(&all)
        var summary = capture
        summary.warnings += counters.warnings + reassemblyWarnings
        if unlisted.connections > 0 {
            summary.warnings.append("\(unlisted.connections) connections are counted in the summary but not listed: "
                                    + "only the first \(options.maxReportedConnections) judged are reported in full")
        }
        return AnalysisReport(capture: summary, connections: all, trustSource: options.trustStore?.source,
                              trustRootCount: options.trustStore?.rootCount,
                              crossConnectionFindings: CertificateConsistency.findings(all),
                              unlistedConnections: unlisted)
    }

    /// Warnings for packets the analyzer could not use, for `CaptureSummary.warnings`.
    public var packetWarnings: [String] { counters.warnings }

    private var reassemblyWarnings: [String] {
        let stats = reassembler.statistics
        var result: [String] = []
        if stats.connectionsEvicted > 0 {
            result.append("\(stats.connectionsEvicted) connections were dropped from memory before they ended (more than \(options.reassemblyLimits.maxConnections) open at once)")
        }
        if stats.bytesSkippedForBufferCap > 0 {
            result.append("\(stats.bytesSkippedForBufferCap) out-of-order bytes were skipped: the per-connection buffer limit was reached")
        }
        return result
    }

    private mutating func collectClosed() {
        for var closed in reassembler.drainClosed() {
            if closed.reason != .closed { closed.handler.tracker.markOpenAtEnd() }
            judge(closed.handler.tracker)
        }
    }

    private mutating func judge(_ tracker: ConnectionTracker) {
        guard tracker.isReportable, !tracker.reportedEarly else { return }
        let report = diagnose(tracker.observation, id: 0)
        if reports.count < options.maxReportedConnections { reports.append(report) } else { unlisted.add(report) }
    }

    private mutating func collectConcluded() {
        guard let sink, !sink.concluded.isEmpty else { return }
        for observation in sink.concluded {
            let report = diagnose(observation, id: nextLiveID)
            nextLiveID += 1
            // Live capture runs for hours: reported connections are not kept.
            concludedForLive.append(report)
        }
        sink.concluded.removeAll()
    }

    private mutating func diagnose(_ observation: ConnectionObservation, id: Int) -> ConnectionReport {
        let (summaries, unreadable) = certificates.summaries(observation.serverCertificates)
        let time = observation.serverCertificateAt?.timestamp ?? observation.first.timestamp
        let trust = summaries.isEmpty ? nil : options.trustStore.map { certificates.trust($0, summaries, at: time) }
        let findings = CertificateFindings(summaries: summaries, unreadable: unreadable,
                                           sni: observation.clientHello?.serverName,
                                           serverAddress: observation.server.address.description,
                                           captureTime: time, trust: trust)
        return Diagnoser(observation: observation, certificates: findings).report(id: id)
    }
}
