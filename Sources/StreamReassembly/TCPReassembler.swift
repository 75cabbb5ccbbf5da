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
    /// Connections (and tombstones of ignored or closed ones) held at once; past it a closed tombstone leaves
    /// (the least recently active), or when there is none the least recently active live connection or ignored
    /// tombstone (a live connection is closed with reason `.evicted`).
    public var maxConnections: Int = 200_000
    /// A connection without packets for this long (capture time) is closed and handed back (reason `.idle`).
    public var idleTimeoutSeconds: Int64 = 300
    /// How long (capture time, since its last packet) a closed connection's tombstone waits for late packets:
    /// the final ACK comes one round trip after the last FIN, a FIN whose ACK was lost is sent again after the
    /// retransmission timeout (1 s at first, RFC 6298 §2.1, then doubling: 1 + 2 + 4 + 8 = 15 s for four tries),
    /// and each late packet starts the wait again. Far shorter than the idle timeout, so that tombstones do not
    /// pile up with every connection a capture closes. After it, the connection is remembered by
    /// `forgottenConnectionSlots` until the idle timeout.
    public var closedGraceSeconds: Int64 = 30
    /// Closed connections past their grace period are remembered by their key's hash only, 16 bytes each, in
    /// this many slots (a later one may take an earlier one's slot), until the idle timeout: a late packet of
    /// one is dropped instead of opening a connection that the report would show as one that never got an
    /// answer. A fixed size, so memory does not grow with the connections a capture closes.
    public var forgottenConnectionSlots: Int = 8_192

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
    /// Resets whose sequence number was far outside the connection's (RFC 5961 §3), not taken as its end.
    public var resetsIgnored = 0
    public init() {}
}

/// Puts each TCP connection's two byte streams back in order, after gopacket's `reassembly.Assembler`.
/// Memory is bounded by `ReassemblyLimits`; closed connections leave at once through `drainClosed()`.
///
/// Per packet the cost is one dictionary lookup and O(1) list upkeep; in-order payload is handed to the handler
/// as the segment's own slice. Only out-of-order bytes are copied (and bounded by the limits).
///
/// This generic type is a thin `@inlinable` shell (so that it is specialized for the caller's handler) around
/// the non-generic `ReassemblyCore`; handlers are stored in place, at the index of their live connection.
public struct TCPReassembler<Handler: TCPStreamHandler> {
    @usableFromInline var core: ReassemblyCore
    /// One per live connection, at the same index as the core's live connections.
    @usableFromInline var handlers: [Handler] = []
    @usableFromInline var closed: [ClosedConnection<Handler>] = []
    @usableFromInline let makeHandler: (TCPConnectionInfo) -> Handler

    /// With a factory, for handlers that need more than the connection to start (options, shared sinks).
    public init(limits: ReassemblyLimits = ReassemblyLimits(), makeHandler: @escaping (TCPConnectionInfo) -> Handler) {
        self.core = ReassemblyCore(limits: limits)
        self.makeHandler = makeHandler
    }

    public var limits: ReassemblyLimits { core.limits }
    public var statistics: ReassemblyStatistics { core.statistics }
    /// Out-of-order bytes held by all connections.
    public var bufferedBytes: Int { core.bufferedBytes }
    /// Connections held, tombstones included.
    public var connectionCount: Int { core.count }

    /// Feeds one decoded segment. Packets must come in capture order.
    @inlinable
    public mutating func process(_ segment: TCPSegment, frame: Int, timestamp: Timestamp) {
        process(segment.header, in: segment.payload, frame: frame, timestamp: timestamp)
    }

    /// Feeds one segment by its header and the bytes its `payloadRange` indexes (the frame it was decoded
    /// from): the payload is cut from them only when there is one. Packets must come in capture order.
    @inlinable
    public mutating func process(_ header: TCPHeader, in bytes: ArraySlice<UInt8>, frame: Int, timestamp: Timestamp) {
        let now = core.advanceClock(to: timestamp)
        let (key, side) = ConnectionKey.of(header.source, header.destination)
        dispatch(core.lookUpAndTouch(key), header, bytes, key: key, side: side, frame: frame, timestamp: timestamp,
                 now: now)
    }

    /// Feeds one segment by its header and the frame it was decoded from, lent for the call (read in place):
    /// the payload is copied into `scratch` only when the segment uses it, not for a bare acknowledgment or data
    /// that its direction no longer wants (the short path, `LiveConnection.processUneventful`), which most
    /// payload bytes of a capture are. Packets must come in capture order.
    @inlinable
    public mutating func process(_ header: TCPHeader, lentIn frameBytes: RawSpan, copyingInto scratch: inout PacketScratch,
                                 frame: Int, timestamp: Timestamp) {
        let now = core.advanceClock(to: timestamp)
        let (key, side) = ConnectionKey.of(header.source, header.destination)
        let ref = core.lookUpAndTouch(key)
        if let ref, ReassemblyCore.isLive(ref),
           let outcome = core.processUneventful(ref >> 1, header, side: side, frame: frame, timestamp: timestamp, now: now) {
            // Nearly always open; never a restart (that takes a SYN).
            if outcome != .open { _ = settle(ref >> 1, outcome) }
            expireIdle()
            return
        }
        var header = header
        header.payloadRange = scratch.copy(header.payloadRange, of: frameBytes)
        // Borrowed from where it is stored (the public `bytes` would hand over a copy, retained and released).
        dispatch(ref, header, scratch.storage, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
    }

    /// The packet to the connection `ref` names (nil: none yet), then idle connections leave.
    @inlinable
    mutating func dispatch(_ ref: Int?, _ header: TCPHeader, _ bytes: ArraySlice<UInt8>, key: ConnectionKey, side: Side,
                           frame: Int, timestamp: Timestamp, now: Timestamp) {
        if let ref {
            if ReassemblyCore.isLive(ref) {
                if processLive(ref >> 1, header, bytes, side: side, frame: frame, timestamp: timestamp, now: now) {
                    leave(ref >> 1, reason: .closed)
                    open(header, bytes, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
                }
            } else if core.processTombstone(ref >> 1, flags: header.flags, side: side, now: now) {
                open(header, bytes, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
            }
        } else {
            open(header, bytes, key: key, side: side, frame: frame, timestamp: timestamp, now: now)
        }
        expireIdle()
    }

    /// Live capture: capture time has reached `now` without packets; idle connections leave.
    @inlinable
    public mutating func advanceTime(to now: Timestamp) {
        _ = core.advanceClock(to: now)
        expireIdle()
    }

    /// Whether `drainClosed()` has anything to hand over (cheaper to ask after every packet).
    public var hasClosedConnections: Bool { !closed.isEmpty }

    /// Connections that closed (or idled out, or were evicted) since the last call, in order of closing.
    @inlinable
    public mutating func drainClosed() -> [ClosedConnection<Handler>] {
        defer { closed = [] }
        return closed
    }

    /// `drainClosed()` by exchange: `spare` (emptied first) becomes the reassembler's list and the closed
    /// connections come back in its place. A caller that keeps the array it is handed, emptied with its room kept,
    /// and passes it back next time spares an allocation for each batch of connections that close.
    @inlinable
    public mutating func drainClosed(exchanging spare: inout [ClosedConnection<Handler>]) {
        if !spare.isEmpty { spare.removeAll(keepingCapacity: true) }
        swap(&closed, &spare)
    }

    /// At the end of the capture: delivers what is still buffered (with gaps), closes every connection.
    /// Returns the connections not drained yet (closed ones with their reason, open ones as `.captureEnd`),
    /// in order of their first frame.
    @inlinable
    public mutating func finish() -> [ClosedConnection<Handler>] {
        var result = closed
        closed = []
        for slot in core.liveSlotsByFirstFrame {
            Self.flushForClose(slot, &core, &handlers)
            if !core.isIgnored(slot) {
                result.append(ClosedConnection(info: core.info(slot), handler: handlers[slot], reason: .captureEnd))
            }
        }
        core.removeAll()
        handlers = []
        return result.sorted { $0.info.firstFrame < $1.info.firstFrame }
    }

    /// Lets every open connection's handler look at or change its state (e.g. live-capture deadlines).
    @inlinable
    public mutating func forEachOpenConnection(_ body: (inout Handler, TCPConnectionInfo) -> Void) {
        for slot in handlers.indices where !core.isIgnored(slot) {
            body(&handlers[slot], core.info(slot))
        }
    }

    // MARK: Internals

    // The core and the handlers are passed as two `inout` arguments (distinct stored properties), so that the
    // sink closure changes a handler in place while the core changes itself: no copy, no exclusivity conflict.

    @inlinable
    static func process(_ slot: Int, _ header: TCPHeader, _ bytes: ArraySlice<UInt8>, side: Side, frame: Int,
                        timestamp: Timestamp, now: Timestamp, _ core: inout ReassemblyCore,
                        _ handlers: inout [Handler]) -> LiveConnection.Outcome {
        core.processLive(slot, header, bytes, side: side, frame: frame, timestamp: timestamp, now: now) { event, info in
            handlers[slot].handle(event, connection: info)
        }
    }

    @inlinable
    static func flushForClose(_ slot: Int, _ core: inout ReassemblyCore, _ handlers: inout [Handler]) {
        core.flushForClose(slot) { event, info in handlers[slot].handle(event, connection: info) }
    }

    /// Runs the packet through a live connection and acts on the outcome; true when the packet starts a new
    /// connection on the same ports (the caller closes this one and opens the next).
    @inlinable
    mutating func processLive(_ slot: Int, _ header: TCPHeader, _ bytes: ArraySlice<UInt8>, side: Side, frame: Int,
                              timestamp: Timestamp, now: Timestamp) -> Bool {
        settle(slot, Self.process(slot, header, bytes, side: side, frame: frame, timestamp: timestamp, now: now,
                                  &core, &handlers))
    }

    /// Acts on a live connection's outcome; true for a restart (see `processLive`).
    @inlinable
    mutating func settle(_ slot: Int, _ outcome: LiveConnection.Outcome) -> Bool {
        switch outcome {
        case .open: return false
        case .restart: return true
        case .closed: retire(slot, report: true)
        case .ignored: retire(slot, report: false)
        }
        return false
    }

    /// Starts a connection with its first packet, unless the packet is a late one of a closed connection that
    /// the table has forgotten since.
    @inlinable
    mutating func open(_ header: TCPHeader, _ bytes: ArraySlice<UInt8>, key: ConnectionKey, side: Side, frame: Int,
                       timestamp: Timestamp, now: Timestamp) {
        guard !core.isLatePacketOfForgottenConnection(key, flags: header.flags, now: now) else { return }
        while core.isFull { evictOldest() }
        let info = ReassemblyCore.connectionInfo(for: header, frame: frame, timestamp: timestamp)
        handlers.append(makeHandler(info))
        core.insertLive(key: key, info: info, now: now)
        _ = processLive(core.liveCount - 1, header, bytes, side: side, frame: frame, timestamp: timestamp, now: now)
    }

    /// Removes a live connection and its handler (the last slot moves into `slot`, in both arrays): its info
    /// unless it was ignored, a tombstone left when `buried`.
    @inlinable
    mutating func removeLive(_ slot: Int, buried: Bool) -> (info: TCPConnectionInfo?, handler: Handler) {
        let info = core.removeLive(slot, buried: buried)
        let last = handlers.count - 1
        if slot != last { handlers.swapAt(slot, last) }
        return (info, handlers.removeLast())
    }

    /// A connection closed (both FINs, RST) or was ignored: report it if wanted, keep a tombstone.
    @inlinable
    mutating func retire(_ slot: Int, report: Bool) {
        let (info, handler) = removeLive(slot, buried: true)
        if report, let info {
            closed.append(ClosedConnection(info: info, handler: handler, reason: .closed))
        }
    }

    /// A live connection leaves for good (idle, evicted, replaced): flush it and report it.
    @inlinable
    mutating func leave(_ slot: Int, reason: ClosedConnection<Handler>.Reason) {
        Self.flushForClose(slot, &core, &handlers)
        let (info, handler) = removeLive(slot, buried: false)
        if let info {
            closed.append(ClosedConnection(info: info, handler: handler, reason: reason))
        }
    }

    @inlinable
    mutating func evictOldest() {
        if core.evictClosedTombstone() { return }
        let ref = core.oldest
        guard ref >= 0 else { return }
        if ReassemblyCore.isLive(ref) {
            core.countEviction()
            leave(ref >> 1, reason: .evicted)
        } else {
            core.removeTombstone(ref >> 1)
        }
    }

    /// Closed tombstones past their grace period leave, then the least recently active entries while they are
    /// idle: O(1), and nothing more than a comparison while no deadline has passed. The comparison is inlined
    /// into `process` (as a call it cost about 30 instructions a packet), the expiry is not.
    @inlinable @inline(__always)
    mutating func expireIdle() {
        if core.mayExpire { expireDue() }
    }

    @inlinable @inline(never)
    mutating func expireDue() {
        core.expireClosedTombstones()
        while let ref = core.idleOldest() {
            if ReassemblyCore.isLive(ref) {
                core.countIdle()
                leave(ref >> 1, reason: .idle)
            } else {
                core.removeTombstone(ref >> 1)
            }
        }
        core.workOutQuietUntil()
    }
}
