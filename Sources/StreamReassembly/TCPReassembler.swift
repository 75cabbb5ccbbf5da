import WireFormat
import PacketDecoding

/// Bounds on what a hostile or huge capture can make the reassembler hold.
public struct ReassemblyLimits: Sendable, Hashable {
    /// Out-of-order bytes buffered per direction; past it the reassembler skips the gap (reported as missing).
    public var maxBufferedBytesPerDirection: Int = 1 << 20
    /// Out-of-order segments held per direction.
    public var maxBufferedSegmentsPerDirection: Int = 512
    /// Out-of-order bytes buffered by all connections together; past it the connection being buffered into
    /// skips its gaps.
    public var maxBufferedBytesTotal: Int = 256 << 20
    /// Connections (and tombstones of ignored or closed ones) held at once; past it the least recently active one
    /// is closed (reason `.evicted`).
    public var maxConnections: Int = 200_000
    /// A connection without packets for this long (capture time) is closed and handed back (reason `.idle`).
    public var idleTimeoutSeconds: Int64 = 300

    public init() {}
}

/// A connection that the reassembler has let go of, with its handler's final state.
public struct ClosedConnection<Handler: TCPStreamHandler> {
    public enum Reason: Sendable, Hashable {
        /// Both directions finished (FIN each way, or RST).
        case closed
        /// No packet for `idleTimeoutSeconds`.
        case idle
        /// Evicted because `maxConnections` was reached.
        case evicted
        /// The capture ended with the connection still open.
        case captureEnd
    }
    public var info: TCPConnectionInfo
    public var handler: Handler
    public var reason: Reason

    public init(info: TCPConnectionInfo, handler: Handler, reason: Reason) {
        self.info = info
        self.handler = handler
        self.reason = reason
    }
}

extension ClosedConnection: Sendable where Handler: Sendable {}

/// Counters and cap hits, for the capture's warnings.
public struct ReassemblyStatistics: Sendable, Hashable {
    public var connectionsSeen = 0
    public var connectionsEvicted = 0
    /// Connections closed because they were idle for `idleTimeoutSeconds`.
    public var connectionsIdledOut = 0
    public var bytesSkippedForBufferCap = 0
    /// Bytes given up because the receiver acknowledged them although the capture never had them.
    public var bytesAcknowledgedUnseen = 0
    public var retransmittedBytes = 0
    public init() {}
}

/// Puts each TCP connection's two byte streams back in order, after gopacket's `reassembly.Assembler`.
/// Memory is bounded by `ReassemblyLimits`; closed connections leave at once through `drainClosed()`.
///
/// Per packet the cost is one dictionary lookup and O(1) list upkeep; in-order payload is handed to the handler
/// as the segment's own slice. Only out-of-order bytes are copied (and bounded by the limits).
public struct TCPReassembler<Handler: TCPStreamHandler> {
    public private(set) var limits: ReassemblyLimits
    public var statistics: ReassemblyStatistics { context.statistics }

    private var context: ReassemblyContext
    private var table = ConnectionTable<Handler>()
    private var closed: [ClosedConnection<Handler>] = []
    /// Out-of-order bytes held by all connections.
    public private(set) var bufferedBytes = 0
    /// Capture time as far as the packets have told it (never going back).
    private var clock: Timestamp?
    private let makeHandler: (TCPConnectionInfo) -> Handler

    /// With a factory, for handlers that need more than the connection to start (options, shared sinks).
    public init(limits: ReassemblyLimits = ReassemblyLimits(), makeHandler: @escaping (TCPConnectionInfo) -> Handler) {
        self.limits = limits
        self.context = ReassemblyContext(limits: limits)
        self.makeHandler = makeHandler
    }

    /// Connections held, tombstones included.
    public var connectionCount: Int { table.count }

    /// Feeds one decoded segment. Packets must come in capture order.
    public mutating func process(_ segment: TCPSegment, frame: Int, timestamp: Timestamp) {
        let now = advanceClock(to: timestamp)
        let key = ConnectionKey(segment.source, segment.destination)
        let side: Side = segment.source == key.a ? .a : .b
        if let ref = table.find(key) {
            table.touch(ref)
            let slot = ref >> 1
            if ConnectionTable<Handler>.isLive(ref) {
                if processLive(slot, segment, side: side, frame: frame, timestamp: timestamp, now: now) {
                    leave(slot, reason: .closed)
                    open(segment, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
                }
            } else {
                table.tombstones[slot].lastActivity = now
                if table.tombstones[slot].process(segment.flags, from: side) {
                    table.removeTombstone(at: slot)
                    open(segment, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
                }
            }
        } else {
            open(segment, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
        }
        expireIdle()
    }

    /// Live capture: capture time has reached `now` without packets; idle connections leave.
    public mutating func advanceTime(to now: Timestamp) {
        _ = advanceClock(to: now)
        expireIdle()
    }

    /// Visits every open connection's handler (live capture deadlines). O(open connections): call it rarely.
    public mutating func forEachHandler(_ body: (TCPConnectionInfo, inout Handler) -> Void) {
    }

    /// Whether `drainClosed()` has anything to hand over (cheaper to ask after every packet).
    public var hasClosedConnections: Bool { !closed.isEmpty }

    /// Connections that closed (or idled out, or were evicted) since the last call, in order of closing.
    public mutating func drainClosed() -> [ClosedConnection<Handler>] {
        defer { closed = [] }
        return closed
    }

    /// At the end of the capture: delivers what is still buffered (with gaps), closes every connection.
    /// Returns the connections not drained yet (closed ones with their reason, open ones as `.captureEnd`),
    /// in order of their first frame.
    public mutating func finish() -> [ClosedConnection<Handler>] {
        var result = closed
        closed = []
        for i in table.live.indices.sorted(by: { table.live[$0].info.firstFrame < table.live[$1].info.firstFrame }) {
            table.live[i].flushForClose()
            let connection = table.live[i]
            if !connection.ignored {
                result.append(ClosedConnection(info: connection.info, handler: connection.handler, reason: .captureEnd))
            }
        }
        table = ConnectionTable()
        bufferedBytes = 0
        return result.sorted { $0.info.firstFrame < $1.info.firstFrame }
    }

    /// Lets every open connection's handler look at or change its state (e.g. live-capture deadlines).
    public mutating func forEachOpenConnection(_ body: (inout Handler, TCPConnectionInfo) -> Void) {
        for i in table.live.indices where !table.live[i].ignored {
            let info = table.live[i].info
            body(&table.live[i].handler, info)
        }
    }

    // MARK: Internals

    private mutating func advanceClock(to timestamp: Timestamp) -> Timestamp {
        if let clock, timestamp < clock { return clock }
        clock = timestamp
        return timestamp
    }

    /// Runs the packet through a live connection and acts on the outcome; true when the packet starts a new
    /// connection on the same ports (the caller closes this one and opens the next).
    private mutating func processLive(_ slot: Int, _ segment: TCPSegment, side: Side, frame: Int,
                                      timestamp: Timestamp, now: Timestamp) -> Bool {
        table.live[slot].lastActivity = now
        let before = table.live[slot].bufferedBytes
        context.otherBufferedBytes = bufferedBytes - before
        let outcome = table.live[slot].process(segment, from: side, frame: frame, timestamp: timestamp, context: &context)
        bufferedBytes += table.live[slot].bufferedBytes - before
        switch outcome {
        case .open: return false
        case .restart: return true
        case .closed: retire(slot, report: true)
        case .ignored: retire(slot, report: false)
        }
        return false
    }

    /// Starts a connection with its first packet: roles from SYN / SYN-ACK, else guessed from the ports.
    private mutating func open(_ segment: TCPSegment, key: ConnectionKey, side: Side, frame: Int,
                               timestamp: Timestamp, now: Timestamp) {
        while table.count >= max(1, limits.maxConnections) { evictOldest() }
        let flags = segment.flags
        let client: Endpoint, server: Endpoint, roleSource: RoleSource
        if flags.contains(.syn) && !flags.contains(.ack) {
            (client, server, roleSource) = (segment.source, segment.destination, .syn)
        } else if flags.contains(.syn) {
            (client, server, roleSource) = (segment.destination, segment.source, .synAck)
        } else if segment.source.port < segment.destination.port {
            (client, server, roleSource) = (segment.destination, segment.source, .guessed)
        } else {
            (client, server, roleSource) = (segment.source, segment.destination, .guessed)
        }
        let info = TCPConnectionInfo(client: client, server: server, roleSource: roleSource,
                                     firstFrame: frame, firstTimestamp: timestamp)
        var connection = LiveConnection(key: key, info: info, handler: makeHandler(info))
        connection.lastActivity = now
        let ref = table.insertLive(connection)
        context.statistics.connectionsSeen += 1
        _ = processLive(ref >> 1, segment, side: side, frame: frame, timestamp: timestamp, now: now)
    }

    /// A connection closed (both FINs, RST) or was ignored: report it if wanted, keep a tombstone.
    private mutating func retire(_ slot: Int, report: Bool) {
        let connection = table.removeLive(at: slot)
        bufferedBytes -= connection.bufferedBytes
        if report, !connection.ignored {
            closed.append(ClosedConnection(info: connection.info, handler: connection.handler, reason: .closed))
        }
        var tombstone = Tombstone(key: connection.key, lastActivity: connection.lastActivity)
        tombstone.finSeenA = connection.a.finSeen
        tombstone.finSeenB = connection.b.finSeen
        tombstone.closed = connection.rstSeen || (connection.a.finSeen && connection.b.finSeen)
        table.insertTombstone(tombstone)
    }

    /// A live connection leaves for good (idle, evicted, replaced): flush it and report it.
    private mutating func leave(_ slot: Int, reason: ClosedConnection<Handler>.Reason) {
        table.live[slot].flushForClose()
        let connection = table.removeLive(at: slot)
        bufferedBytes -= connection.bufferedBytes
        if !connection.ignored {
            closed.append(ClosedConnection(info: connection.info, handler: connection.handler, reason: reason))
        }
    }

    private mutating func evictOldest() {
        let ref = table.oldest
        guard ref >= 0 else { return }
        if ConnectionTable<Handler>.isLive(ref) {
            context.statistics.connectionsEvicted += 1
            leave(ref >> 1, reason: .evicted)
        } else {
            table.removeTombstone(at: ref >> 1)
        }
    }

    /// The least recently active entries leave while they are idle: O(1) when none is.
    private mutating func expireIdle() {
        guard let clock else { return }
        let timeout = max(0, limits.idleTimeoutSeconds)
        while table.oldest >= 0 {
            let ref = table.oldest
            let last = table.lastActivity(ref)
            let (deadline, overflow) = last.seconds.addingReportingOverflow(timeout)
            guard !overflow, Timestamp(seconds: deadline, nanoseconds: last.nanoseconds) < clock else { return }
            if ConnectionTable<Handler>.isLive(ref) {
                context.statistics.connectionsIdledOut += 1
                leave(ref >> 1, reason: .idle)
            } else {
                table.removeTombstone(at: ref >> 1)
            }
        }
    }
}
