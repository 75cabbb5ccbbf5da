import WireFormat
import PacketDecoding

/// Everything the reassembler does that does not touch a handler: the connection table, the clock, the limits
/// and counters. Not generic, so it is compiled (and optimized) once; `TCPReassembler` is the thin generic shell
/// that owns the handlers, one per live connection, at the same index as `table.live`.
@usableFromInline
struct ReassemblyCore {
    @usableFromInline var table = ConnectionTable()
    @usableFromInline var context: ReassemblyContext
    /// Out-of-order bytes held by all connections.
    @usableFromInline var bufferedBytes = 0
    /// Capture time as far as the packets have told it (never going back).
    @usableFromInline private(set) var clock: Timestamp?
    /// Nothing expires before the clock passes this, so most packets skip the expiry check: the earlier deadline
    /// of the two activity lists' least recently active entries when last worked out, lowered when an entry joins
    /// a list (activity and removal only move deadlines later).
    @usableFromInline private(set) var quietUntil = ReassemblyCore.never
    /// Closed connections past their grace period, by key hash.
    private var forgotten: ForgottenConnections

    @usableFromInline
    init(limits: ReassemblyLimits) {
        context = ReassemblyContext(limits: limits)
        forgotten = ForgottenConnections(slots: limits.forgottenConnectionSlots)
    }

    @usableFromInline var limits: ReassemblyLimits { context.limits }
    @usableFromInline var statistics: ReassemblyStatistics { context.statistics }
    @usableFromInline var count: Int { table.count }
    @usableFromInline var liveCount: Int { table.live.count }
    /// The least recently active live connection or tombstone of an ignored connection (closed tombstones are
    /// not on this list).
    @usableFromInline var oldest: Int { table.active.oldest }

    @usableFromInline static let never = Timestamp(seconds: .max, nanoseconds: 0)

    /// Whether some entry may have passed its deadline.
    @inlinable var mayExpire: Bool {
        guard let clock else { return false }
        return quietUntil < clock
    }

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
    @inlinable @inline(__always)
    mutating func lookUpAndTouch(_ key: ConnectionKey) -> Int? {
        // Most packets (four in five of the benchmark capture's) belong to the live connection of the packet
        // before, the most recently active entry: one key comparison, inlined into the reassembler's `process`
        // (the key is still in registers there), instead of a call that hashes and probes; nothing to touch.
        let newest = table.active.newest
        if newest >= 0, ConnectionTable.isLive(newest), table.live[newest >> 1].key == key { return newest }
        return lookUpOtherAndTouch(key)
    }

    /// `lookUpAndTouch` for a key that is not the most recently active live connection's.
    @usableFromInline
    mutating func lookUpOtherAndTouch(_ key: ConnectionKey) -> Int? {
        let newest = table.active.newest
        if newest >= 0, table.key(newest) == key { return newest }
        guard let ref = table.ref(for: key) else { return nil }
        table.touch(ref)
        return ref
    }

    /// Inlined into the reassembler's `process` (it runs for nearly every packet): one call fewer, with its
    /// arguments, between the packet and its connection.
    @inlinable
    mutating func processLive(_ slot: Int, _ header: TCPHeader, _ bytes: ArraySlice<UInt8>, side: Side, frame: Int,
                              timestamp: Timestamp, now: Timestamp, _ sink: EventSink) -> LiveConnection.Outcome {
        if let outcome = processUneventful(slot, header, side: side, frame: frame, timestamp: timestamp, now: now) {
            return outcome
        }
        let before = table.live[slot].bufferedBytes
        context.otherBufferedBytes = bufferedBytes - before
        let outcome = table.live[slot].process(header, bytes, from: side, frame: frame, timestamp: timestamp,
                                               context: &context, sink)
        bufferedBytes += table.live[slot].bufferedBytes - before
        return outcome
    }

    /// The short path of `processLive` (`LiveConnection.processUneventful`): nil, with nothing changed but the
    /// connection's last activity, when the segment takes the long one.
    @inlinable @inline(__always)
    mutating func processUneventful(_ slot: Int, _ header: TCPHeader, side: Side, frame: Int, timestamp: Timestamp,
                                    now: Timestamp) -> LiveConnection.Outcome? {
        table.live[slot].lastActivity = now
        return table.live[slot].processUneventful(header, from: side, frame: frame, timestamp: timestamp)
    }

    /// A late packet of an ignored or closed connection; true when it is a SYN that starts a new one (the
    /// tombstone is then gone).
    @usableFromInline
    mutating func processTombstone(_ slot: Int, flags: TCPFlags, side: Side, now: Timestamp) -> Bool {
        table.setLastActivity(ofTombstone: slot, now)
        guard table.processTombstone(slot, flags: flags, side: side) else {
            // It may have closed now, joining the `closing` list.
            if table.list(of: slot << 1 | 1) == .closing { expect(Self.deadline(now, after: limits.closedGraceSeconds)) }
            return false
        }
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
    static func connectionInfo(for segment: TCPHeader, frame: Int, timestamp: Timestamp) -> TCPConnectionInfo {
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
        expect(Self.deadline(now, after: limits.idleTimeoutSeconds))
        context.statistics.connectionsSeen += 1
    }

    /// Removes a live connection (the last live slot moves into `slot`), leaving a tombstone in its place when
    /// `buried` (it was ignored or has closed), and returns its info unless it was ignored (nothing to report).
    /// What is needed of it is read in place: the connection (about 400 bytes, with its buffers) is not copied.
    @usableFromInline
    mutating func removeLive(_ slot: Int, buried: Bool) -> TCPConnectionInfo? {
        let info = table.live[slot].ignored ? nil : table.live[slot].info
        bufferedBytes -= table.live[slot].bufferedBytes
        let tombstone = buried ? table.live[slot].tombstone : nil
        table.removeLive(at: slot)
        if let tombstone { bury(tombstone) }
        return info
    }

    private mutating func bury(_ tombstone: Tombstone) {
        table.insertTombstone(tombstone)
        let wait = tombstone.closed ? limits.closedGraceSeconds : limits.idleTimeoutSeconds
        expect(Self.deadline(tombstone.lastActivity, after: wait))
    }

    @usableFromInline
    mutating func flushForClose(_ slot: Int, _ sink: EventSink) {
        let before = table.live[slot].bufferedBytes
        table.live[slot].flushForClose(sink)
        bufferedBytes += table.live[slot].bufferedBytes - before
    }

    /// The least recently active live connection or ignored tombstone, if it has had no packet for the idle
    /// timeout.
    @usableFromInline
    func idleOldest() -> Int? {
        let ref = table.active.oldest
        guard ref >= 0, let clock,
              Self.deadline(table.lastActivity(ref), after: limits.idleTimeoutSeconds) < clock else { return nil }
        return ref
    }

    /// Closed tombstones without a packet for `closedGraceSeconds` leave (no handler to tell).
    @usableFromInline
    mutating func expireClosedTombstones() {
        guard let clock else { return }
        while table.closing.oldest >= 0,
              Self.deadline(table.lastActivity(table.closing.oldest), after: limits.closedGraceSeconds) < clock {
            forget(table.removeTombstone(at: table.closing.oldest >> 1))
        }
    }

    /// After expiry: the next deadline, from both lists' least recently active entries.
    @usableFromInline
    mutating func workOutQuietUntil() {
        quietUntil = Self.never
        if table.active.oldest >= 0 {
            expect(Self.deadline(table.lastActivity(table.active.oldest), after: limits.idleTimeoutSeconds))
        }
        if table.closing.oldest >= 0 {
            expect(Self.deadline(table.lastActivity(table.closing.oldest), after: limits.closedGraceSeconds))
        }
    }

    /// Something will expire at `deadline`: check no later than that.
    private mutating func expect(_ deadline: Timestamp) {
        if deadline < quietUntil { quietUntil = deadline }
    }

    /// Makes room by dropping the least recently active closed tombstone, if there is one: losing it costs
    /// least (its connection is still remembered in `forgotten`).
    @usableFromInline
    mutating func evictClosedTombstone() -> Bool {
        guard table.closing.oldest >= 0 else { return false }
        forget(table.removeTombstone(at: table.closing.oldest >> 1))
        return true
    }

    private mutating func forget(_ tombstone: Tombstone) {
        forgotten.remember(tombstone.key, until: Self.deadline(tombstone.lastActivity, after: context.limits.idleTimeoutSeconds))
    }

    /// A packet for a key the table does not hold: true when it belongs to a closed connection forgotten since
    /// (it is dropped, as its tombstone would have), false when it opens a connection (a SYN does, as it would
    /// have after the tombstone).
    @usableFromInline
    mutating func isLatePacketOfForgottenConnection(_ key: ConnectionKey, flags: TCPFlags, now: Timestamp) -> Bool {
        let startsNew = flags.contains(.syn) && !flags.contains(.ack)
        return forgotten.absorbs(key, now: now, startsNew: startsNew,
                                 renewedUntil: Self.deadline(now, after: context.limits.idleTimeoutSeconds))
    }

    /// `last` plus `seconds` (negative counts as 0), saturating far in the future.
    static func deadline(_ last: Timestamp, after seconds: Int64) -> Timestamp {
        let (deadline, overflow) = last.seconds.addingReportingOverflow(max(0, seconds))
        return overflow ? never : Timestamp(seconds: deadline, nanoseconds: last.nanoseconds)
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
        quietUntil = Self.never
        forgotten = ForgottenConnections(slots: context.limits.forgottenConnectionSlots)
        table = ConnectionTable()
        bufferedBytes = 0
    }
}
