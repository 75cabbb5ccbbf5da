import WireFormat
import PacketDecoding

/// Everything the reassembler does that does not touch a handler: the connection table, the clock, the limits
/// and counters. Not generic, so it is compiled (and optimized) once; `TCPReassembler` is the thin generic shell
/// that owns the handlers, one per live connection, at the same index as `table.live`.
@usableFromInline
struct ReassemblyCore {
    var table = ConnectionTable()
    var context: ReassemblyContext
    /// Out-of-order bytes held by all connections.
    @usableFromInline private(set) var bufferedBytes = 0
    /// Capture time as far as the packets have told it (never going back).
    private var clock: Timestamp?
    /// No entry can be idle until the clock passes this (the least recently active entry's deadline when it was
    /// last asked; entries only become more recent), so most packets skip the idle check.
    private var noneIdleUntil: Timestamp?

    @usableFromInline
    init(limits: ReassemblyLimits) {
        context = ReassemblyContext(limits: limits)
    }

    @usableFromInline var limits: ReassemblyLimits { context.limits }
    @usableFromInline var statistics: ReassemblyStatistics { context.statistics }
    @usableFromInline var count: Int { table.count }
    @usableFromInline var liveCount: Int { table.live.count }
    @usableFromInline var oldest: Int { table.oldest }

    @usableFromInline
    static func isLive(_ ref: Int) -> Bool { ConnectionTable.isLive(ref) }

    @usableFromInline
    func info(_ slot: Int) -> TCPConnectionInfo { table.live[slot].info }

    @usableFromInline
    func isIgnored(_ slot: Int) -> Bool { table.live[slot].ignored }

    /// Moves the clock forward (never back) and returns it.
    @usableFromInline
    mutating func advanceClock(to timestamp: Timestamp) -> Timestamp {
        if let clock, timestamp < clock { return clock }
        clock = timestamp
        return timestamp
    }

    /// The entry for `key`, marked as the most recently active.
    @usableFromInline
    mutating func lookUpAndTouch(_ key: ConnectionKey) -> Int? {
        guard let ref = table.index[key] else { return nil }
        table.touch(ref)
        return ref
    }

    @usableFromInline
    mutating func processLive(_ slot: Int, _ segment: TCPSegment, side: Side, frame: Int, timestamp: Timestamp,
                              now: Timestamp, _ sink: EventSink) -> LiveConnection.Outcome {
        table.live[slot].lastActivity = now
        let before = table.live[slot].bufferedBytes
        context.otherBufferedBytes = bufferedBytes - before
        let outcome = table.live[slot].process(segment, from: side, frame: frame, timestamp: timestamp,
                                               context: &context, sink)
        bufferedBytes += table.live[slot].bufferedBytes - before
        return outcome
    }

    /// A late packet of an ignored or closed connection; true when it is a SYN that starts a new one (the
    /// tombstone is then gone).
    @usableFromInline
    mutating func processTombstone(_ slot: Int, flags: TCPFlags, side: Side, now: Timestamp) -> Bool {
        table.tombstones[slot].lastActivity = now
        guard table.tombstones[slot].process(flags, from: side) else { return false }
        table.removeTombstone(at: slot)
        return true
    }

    @usableFromInline
    mutating func removeTombstone(_ slot: Int) {
        table.removeTombstone(at: slot)
    }

    /// Room for one more connection? (Else the caller evicts the oldest entry.)
    @usableFromInline
    var isFull: Bool { table.count >= max(1, context.limits.maxConnections) }

    /// Roles from the first packet: SYN sender or SYN-ACK receiver is the client, else the lower port is the
    /// server (on a tie, the first packet's destination).
    @usableFromInline
    static func connectionInfo(for segment: TCPSegment, frame: Int, timestamp: Timestamp) -> TCPConnectionInfo {
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
        return TCPConnectionInfo(client: client, server: server, roleSource: roleSource,
                                 firstFrame: frame, firstTimestamp: timestamp)
    }

    /// Adds a live connection; its slot is `liveCount - 1`.
    @usableFromInline
    mutating func insertLive(key: ConnectionKey, info: TCPConnectionInfo, now: Timestamp) {
        _ = table.insertLive(LiveConnection(key: key, info: info, now: now))
        context.statistics.connectionsSeen += 1
    }

    /// Removes a live connection (the last live slot moves into `slot`) and returns it.
    @usableFromInline
    mutating func removeLive(_ slot: Int) -> LiveConnection {
        let connection = table.removeLive(at: slot)
        bufferedBytes -= connection.bufferedBytes
        return connection
    }

    /// Leaves a tombstone for a connection that was ignored or has closed.
    @usableFromInline
    mutating func bury(_ connection: LiveConnection) {
        table.insertTombstone(connection.tombstone)
    }

    @usableFromInline
    mutating func flushForClose(_ slot: Int, _ sink: EventSink) {
        let before = table.live[slot].bufferedBytes
        table.live[slot].flushForClose(sink)
        bufferedBytes += table.live[slot].bufferedBytes - before
    }

    /// True when the entry has had no packet for the idle timeout.
    @usableFromInline
    mutating func isIdle(_ ref: Int) -> Bool {
        guard let clock else { return false }
        if let notBefore = noneIdleUntil, !(notBefore < clock) { return false }
        let last = table.lastActivity(ref)
        let (deadline, overflow) = last.seconds.addingReportingOverflow(max(0, context.limits.idleTimeoutSeconds))
        let idleAfter = overflow ? Timestamp(seconds: .max, nanoseconds: 0) : Timestamp(seconds: deadline, nanoseconds: last.nanoseconds)
        guard idleAfter < clock else {
            // `ref` is the least recently active entry when the caller asks: nothing else can be idle before it.
            if ref == table.oldest { noneIdleUntil = idleAfter }
            return false
        }
        return true
    }

    @usableFromInline
    mutating func countEviction() { context.statistics.connectionsEvicted += 1 }

    @usableFromInline
    mutating func countIdle() { context.statistics.connectionsIdledOut += 1 }

    /// Live slots in order of their first frame.
    @usableFromInline
    var liveSlotsByFirstFrame: [Int] {
        table.live.indices.sorted { table.live[$0].info.firstFrame < table.live[$1].info.firstFrame }
    }

    @usableFromInline
    mutating func removeAll() {
        noneIdleUntil = nil
        table = ConnectionTable()
        bufferedBytes = 0
    }
}
