import WireFormat
import PacketDecoding
import StreamReassembly
import TLSDissector
import TLSDecryption
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
    /// An NSS key log (`--keylog`): connections it has secrets for are decrypted (TLS 1.3 handshakes,
    /// encrypted alerts); connections it lacks get a warning.
    public var keyLog: KeyLog? = nil
    /// Connections reported in full: the first this many to start; the others are counted in the summary only
    /// (with a capture warning), so that a capture of millions of connections keeps memory bounded: the pretty
    /// JSON of 20,000 connections is already about 40 MB, and a person reads the incident summary, not the list.
    public var maxReportedConnections = 20_000
    /// Listed reports held in memory, at most this many and about `maxResidentReportBytes`; those judged later
    /// wait in an unlinked temporary file (in `$TMPDIR`) until they are rendered, so that memory stays flat as
    /// captures grow. 0 spills every report.
    public var maxResidentReports = 20_000
    /// About 5,000 reports with their timelines (`ResidentSize`); twice as many without.
    public var maxResidentReportBytes = 11 << 20
    /// Whether every report keeps what only JSON shows: text and markdown give a healthy connection one line
    /// (no timeline, no explanation), and a failure past the first `FailureGroupKey.fullReportsPerGroup` of its
    /// group one line too (no explanation, no next steps). For them, false spares those words, and lets a
    /// healthy connection's timeline go once judged, so that about twice as many reports stay in memory instead
    /// of going through the temporary file.
    public var keepsUnshownDetails = true
    /// Where that temporary file goes (nil: `$TMPDIR`, else `/tmp`); where no file can be made, reports stay
    /// in memory.
    public var temporaryDirectory: String? = nil

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
    private var listing: ConnectionListBuilder
    /// Not among the first `maxReportedConnections` to start: counted only.
    private var unlisted = ConnectionCounts()
    private var concludedForLive: [ConnectionReport] = []
    /// The first failures judged in each group: whether a failure's words may be shown (`keepsUnshownDetails`).
    private var failureFirsts = FailureGroupFirsts<FailureGroupNumbers>()
    /// The same for live reports, which no list keeps: by their values.
    private var liveFailureFirsts = FailureGroupFirsts<FailureGroupKey>()
    private var nextLiveID = 1
    private var counters = PacketCounters()
    /// The payload of the packet being processed, out of the buffer it was lent in.
    private var scratch = PacketScratch()
    /// Connections handed back by the reassembler are judged in this array, exchanged with its own each time
    /// (`drainClosed(exchanging:)`): its room is reused rather than allocated again for every batch.
    private var closedRoom: [ClosedConnection<TrackerHandle>] = []
    private var lastTimeoutCheck: Timestamp?

    public init(options: AnalysisOptions) {
        self.options = options
        self.listing = ConnectionListBuilder(residentLimit: options.maxResidentReports,
                                             residentByteLimit: options.maxResidentReportBytes,
                                             keepsHealthyTimelines: options.keepsUnshownDetails,
                                             directory: options.temporaryDirectory)
        let sink: ConclusionSink? = options.reportEarly ? ConclusionSink() : nil
        self.sink = sink
        let ports = options.ports
        let parserLimits = options.parserLimits
        let keyLog = options.keyLog
        self.reassembler = TCPReassembler(limits: options.reassemblyLimits) { info in
            TrackerHandle(ConnectionTracker(connection: info, ports: ports, parserLimits: parserLimits, sink: sink, keyLog: keyLog))
        }
    }

    /// Feeds one captured packet, in capture order.
    public mutating func process(_ packet: CapturedPacket) {
        process(packet.header, bytes: packet.bytes.span.bytes)
    }

    /// Feeds one captured packet whose bytes are lent for the call (read in place in the capture layer's
    /// buffer), in capture order. What the reassembler may keep, a segment's payload, it copies when it uses it.
    public mutating func process(_ packet: CapturedPacket.Header, bytes: RawSpan) {
        counters.count(packet, bytes: bytes)
        // Decoded in place (inlined): nearly every frame is Ethernet → IPv4 → TCP.
        if let header = PacketDecoder.commonTCPHeader(bytes, linkType: packet.linkType) {
            reassembler.process(header, lentIn: bytes, copyingInto: &scratch, frame: packet.frameNumber,
                                timestamp: packet.timestamp)
        } else {
            switch PacketDecoder.decode(scratch.copyAll(bytes), linkType: packet.linkType) {
            case .tcp(let segment):
                reassembler.process(segment, frame: packet.frameNumber, timestamp: packet.timestamp)
            case .other:
                break
            case .malformed(let reason):
                counters.malformed(reason, frame: packet.frameNumber)
            case .unsupportedLinkType(let type):
                counters.unsupported(type)
            }
        }
        collectClosed()
        // Checked here: a call per packet to find no sink cost about 20 instructions.
        if sink != nil { collectConcluded() }
    }

    /// Capture time has reached `now` even without packets (live capture): handshakes waiting longer than
    /// `handshakeTimeoutSeconds` conclude as unanswered.
    public mutating func advanceTime(to now: Timestamp) {
        guard options.reportEarly else { return }
        // Checked at most ten times a second: it walks every open connection.
        if let last = lastTimeoutCheck, last.milliseconds(until: now) < 100 { return }
        lastTimeoutCheck = now
        let deadline = Double(options.handshakeTimeoutSeconds) * 1000
        let seconds = options.handshakeTimeoutSeconds
        reassembler.forEachOpenConnection { handle, info in
            if handle.tracker.awaitingConclusion, info.lastTimestamp.milliseconds(until: now) >= deadline {
                handle.tracker.concludeForTimeout(afterSeconds: seconds)
            }
        }
        // Idle connections leave even when no packet arrives to move the clock.
        reassembler.advanceTime(to: now)
        collectClosed()
        collectConcluded()
    }

    /// Connections whose handshake concluded since the last call (live reporting), ids assigned in order.
    public mutating func takeConcluded() -> [ConnectionReport] {
        defer { concludedForLive.removeAll() }
        return concludedForLive
    }

    /// Ends the analysis: every open connection is judged as of the capture's end.
    public mutating func finish(capture: CaptureSummary) -> AnalysisReport {
        var shard = finishShard()
        // Moved out of the shard, so that the list becomes the only owner of its reports and entries: numbering
        // and sorting them then changes them in place instead of copying them all first.
        var listing = ConnectionListBuilder.Part()
        swap(&listing, &shard.listing)
        return Self.assemble(capture: capture, listings: [consume listing], unlisted: shard.unlisted,
                             packetWarnings: counters.warnings, statistics: shard.statistics, options: options)
    }

    /// Warnings for packets the analyzer could not use, for `CaptureSummary.warnings`.
    public var packetWarnings: [String] { counters.warnings }

    /// What one analyzer (or one shard of a sharded analysis) found, before numbering and cross-connection findings.
    struct ShardResult: Sendable {
        var listing: ConnectionListBuilder.Part
        /// Not among the shard's first `maxReportedConnections` to start: counted only.
        var unlisted: ConnectionCounts
        var statistics: ReassemblyStatistics
    }

    /// Sharded analysis: a packet of this shard's connections, after the capture clock (of the whole capture)
    /// reached `clockBefore`, so that idle connections leave exactly when they would in one analyzer.
    mutating func process(_ packet: CapturedPacket.Header, bytes: RawSpan, clockBefore: Timestamp?) {
        if let clockBefore { reassembler.advanceTime(to: clockBefore) }
        process(packet, bytes: bytes)
    }

    /// Judges every open connection as of the capture's end and hands over the reports, in no particular order.
    mutating func finishShard() -> ShardResult {
        var open = reassembler.finish()
        judgeAll(&open, allOpenAtEnd: true)
        collectConcluded()
        return ShardResult(listing: listing.take(), unlisted: unlisted, statistics: reassembler.statistics)
    }

    /// The report: connections in order of first packet and numbered so, the findings across connections, the
    /// capture's warnings.
    static func assemble(capture: CaptureSummary, listings: consuming [ConnectionListBuilder.Part],
                         unlisted: ConnectionCounts, packetWarnings: [String], statistics: ReassemblyStatistics,
                         options: AnalysisOptions) -> AnalysisReport {
        // Consumed, so that sorting the list's entries does not copy them.
        var all = ConnectionList(parts: consume listings)
        var unlisted = unlisted
        all.sortByFirstPacket()
        // Shards each keep up to the cap: the list keeps the earliest connections, the rest are counted.
        all.removeEntries(after: options.maxReportedConnections, countingInto: &unlisted)
        var annotations = ConnectionList.Annotations()
        annotations.captureEndedEarly = capture.endedEarly
        annotations.peerChoices = PeerContext.choices(all.peerOutcomes)
        all.setAnnotations(annotations)
        let answers = all.certificateAnswers
        var summary = capture
        summary.warnings += packetWarnings + reassemblyWarnings(statistics, limits: options.reassemblyLimits)
        if let keyLog = options.keyLog, keyLog.badLines > 0 {
            summary.warnings.append("the key log has \(CountText.plural(keyLog.badLines, "malformed line")) (not `LABEL <64 hex digits> <secret in hex>`), skipped")
        }
        if unlisted.connections > 0 {
            let are = CountText.agreeing(unlisted.connections, "is", "are")
            summary.warnings.append("\(CountText.plural(unlisted.connections, "connection")) \(are) counted in the summary but not "
                                    + "listed: only the first \(CountText.grouped(options.maxReportedConnections)) are reported in full")
        }
        return AnalysisReport(capture: summary, connections: all, trustSource: options.trustStore?.source,
                              trustRootCount: options.trustStore?.rootCount,
                              crossConnectionFindings: CertificateConsistency.findings(answers),
                              unlistedConnections: unlisted)
    }

    private static func reassemblyWarnings(_ stats: ReassemblyStatistics, limits: ReassemblyLimits) -> [String] {
        var result: [String] = []
        if stats.connectionsEvicted > 0 {
            let were = CountText.agreeing(stats.connectionsEvicted, "was", "were")
            let they = CountText.agreeing(stats.connectionsEvicted, "it", "they")
            result.append("\(CountText.plural(stats.connectionsEvicted, "connection")) \(were) dropped from memory before \(they) "
                          + "ended (more than \(CountText.grouped(limits.maxConnections)) open at once)")
        }
        if stats.bytesSkippedForBufferCap > 0 {
            let were = CountText.agreeing(stats.bytesSkippedForBufferCap, "was", "were")
            result.append("\(CountText.plural(stats.bytesSkippedForBufferCap, "out-of-order byte")) \(were) skipped: the "
                          + "per-connection buffer limit was reached")
        }
        return result
    }

    /// The check inlined into `process` (called per packet, it cost about 20 instructions), the judging not.
    @inline(__always)
    private mutating func collectClosed() {
        if reassembler.hasClosedConnections { judgeClosed() }
    }

    @inline(never)
    private mutating func judgeClosed() {
        // Taken out of `self` while judging (which changes `self`), then kept with its room for the next batch.
        var closed: [ClosedConnection<TrackerHandle>] = []
        swap(&closed, &closedRoom)
        reassembler.drainClosed(exchanging: &closed)
        judgeAll(&closed)
        // Unless a sweep of idle connections made it large: memory would stay at the peak.
        guard closed.capacity <= 64 else { return }
        // Emptied one by one: `removeAll(keepingCapacity:)` goes through the generic `replaceSubrange` (about
        // 60 instructions), and a batch is nearly always one connection.
        while closed.popLast() != nil {}
        closedRoom = closed
    }

    /// Judges closed connections in order; those that did not close (or all, at the capture's end) as open at the
    /// end. Marked and taken from in place in the array: a handle copied out would share its tracker, and marking
    /// it would then copy the whole tracker.
    private mutating func judgeAll(_ closed: inout [ClosedConnection<TrackerHandle>], allOpenAtEnd: Bool = false) {
        for index in closed.indices {
            if allOpenAtEnd || closed[index].reason != .closed { closed[index].handler.tracker.markOpenAtEnd() }
            if let observation = closed[index].handler.takeObservationToJudge() { judge(observation) }
        }
    }

    private mutating func judge(_ observation: consuming ConnectionObservation) {
        let limit = options.maxReportedConnections
        guard listing.wouldKeep(firstFrame: observation.first.frame, lastFrame: observation.last.frame, limit: limit) else {
            // Past the cap (a long capture, a flood of SYNs): only its outcome is counted.
            let outcome = Diagnoser.outcome(of: observation, certificates: findings(for: observation))
            unlisted.add(cause: outcome.cause, established: outcome.established)
            return
        }
        listing.add(diagnose(observation, id: 0, listed: true), limit: limit, unlisted: &unlisted)
    }

    private mutating func collectConcluded() {
        guard let sink, !sink.concluded.isEmpty else { return }
        for observation in sink.concluded {
            let report = diagnose(observation, id: nextLiveID, listed: false)
            nextLiveID += 1
            // Live capture runs for hours: reported connections are not kept.
            concludedForLive.append(report)
        }
        sink.concluded.removeAll()
    }

    /// `listed`: the report goes to `listing` (which `judge` checked will keep it).
    private mutating func diagnose(_ observation: consuming ConnectionObservation, id: Int, listed: Bool) -> ConnectionReport {
        let certificates = findings(for: observation)
        // Without every report's words: wordless, the words worked out only for a report that shows them.
        let diagnoser = Diagnoser(observation: observation, certificates: certificates, wordsWanted: options.keepsUnshownDetails)
        guard !options.keepsUnshownDetails else { return diagnoser.report(id: id) }
        return diagnoser.report(id: id) { report in
            guard report.failed else { return false }
            guard listed else { return liveFailureFirsts.mayBeShownInFull(report) }
            // Grouped by the numbers the report's entry will hold: hashed as integers, not as an address and strings.
            let group = listing.groupNumbers(report)
            return failureFirsts.mayBeShownInFull(group, firstFrame: report.firstFrame, lastFrame: report.lastFrame)
        }
    }

    /// What the connection's certificates say (cached by chain, SNI and server).
    private mutating func findings(for observation: ConnectionObservation) -> CertificateFindings {
        let time = observation.serverCertificateAt?.timestamp ?? observation.first.timestamp
        // Most connections show no certificate (TLS 1.3 encrypts it).
        guard !observation.serverCertificates.isEmpty else { return CertificateFindings(noCertificatesAt: time) }
        let chain = certificates.chain(observation.serverCertificates)
        let trust = chain.summaries.isEmpty ? nil : options.trustStore.map { certificates.trust($0, chain, at: time) }
        // Read in place: `clientHello` copies the whole hello for its name.
        let sni = observation.clientHellos.isEmpty ? nil : observation.clientHellos[0].hello.serverName
        return certificates.findings(chain, sni: sni, server: observation.server.address, captureTime: time, trust: trust)
    }
}
