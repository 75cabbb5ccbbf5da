import WireFormat
import PacketDecoding

/// The two endpoints of a connection's key: `a` is the lower endpoint.
@usableFromInline
enum Side {
    case a, b
    var other: Side { self == .a ? .b : .a }
}

/// The handler of the connection being worked on: called for every event, answers with a decision.
@usableFromInline
typealias EventSink = (TCPStreamEvent, TCPConnectionInfo) -> StreamHandlerDecision

/// What a connection needs from the reassembler while it handles a packet.
@usableFromInline
struct ReassemblyContext {
    var limits: ReassemblyLimits
    var statistics = ReassemblyStatistics()
    /// Bytes buffered by all other connections, for the total cap.
    @usableFromInline var otherBufferedBytes = 0
}

/// A connection being reassembled: both directions' state and the event logic. Not generic: the handler lives
/// in the reassembler's shell and is reached through the `EventSink` passed in; every call goes through `emit`,
/// which applies the handler's decision at once.
@usableFromInline
struct LiveConnection {
    @usableFromInline
    enum Outcome { case open, closed, ignored, restart }

    @usableFromInline var key: ConnectionKey
    @usableFromInline var info: TCPConnectionInfo
    /// The handler asked to forget the connection: stop everything, the table makes it a tombstone.
    @usableFromInline var ignored = false
    var aIsClient: Bool
    @usableFromInline var a = HalfStream()
    @usableFromInline var b = HalfStream()
    var bufferA = OutOfOrderBuffer()
    var bufferB = OutOfOrderBuffer()
    var links = LRULinks()
    /// The reassembler's clock at the last packet (capture time, never going back).
    @usableFromInline var lastActivity: Timestamp
    var rstSeen = false

    init(key: ConnectionKey, info: TCPConnectionInfo, now: Timestamp) {
        self.key = key
        self.info = info
        self.lastActivity = now
        self.aIsClient = info.client == key.a
    }

    /// What stays when the connection is ignored or closed.
    var tombstone: Tombstone {
        var tombstone = Tombstone(key: key, lastActivity: lastActivity)
        tombstone.finSeenA = a.finSeen
        tombstone.finSeenB = b.finSeen
        tombstone.closed = rstSeen || (a.finSeen && b.finSeen)
        return tombstone
    }

    /// One direction, changed in place (no copy of its buffer when it is modified).
    subscript(side: Side) -> HalfStream {
        get { side == .a ? a : b }
        _modify {
            if side == .a { yield &a } else { yield &b }
        }
    }

    /// Changes one direction in place, for the changes made at nearly every packet or connection (data, SYN, FIN):
    /// inlined with its closure, where the subscript's `_modify` is a coroutine call (about 20 instructions) each
    /// time.
    @inline(__always)
    mutating func update(_ side: Side, _ change: (inout HalfStream) -> Void) {
        if side == .a { change(&a) } else { change(&b) }
    }

    /// One direction's out-of-order segments; change them only through the methods below, which keep the
    /// direction's counters in step.
    subscript(buffer side: Side) -> OutOfOrderBuffer {
        get { side == .a ? bufferA : bufferB }
        _modify {
            if side == .a { yield &bufferA } else { yield &bufferB }
        }
    }

    @inlinable var bufferedBytes: Int { a.bufferedBytes + b.bufferedBytes }

    private mutating func syncCounters(_ side: Side) {
        let buffer = self[buffer: side]
        self[side].bufferedSegments = buffer.segments.count
        self[side].bufferedBytes = buffer.bytes
    }

    mutating func dropBuffered(_ side: Side) {
        guard self[side].bufferedSegments > 0 else { return }
        self[buffer: side].removeAll()
        syncCounters(side)
    }

    mutating func buffer(_ bytes: ArraySlice<UInt8>, missing: Int, at start: Int64, side: Side) -> Int {
        let already = self[buffer: side].insert(bytes, missing: missing, at: start)
        syncCounters(side)
        return already
    }

    mutating func takeContiguous(_ side: Side) -> [BufferedSegment] {
        let run = self[buffer: side].takeContiguous(from: self[side].nextOffset)
        syncCounters(side)
        return run
    }

    func direction(of side: Side) -> StreamDirection { (side == .a) == aIsClient ? .clientToServer : .serverToClient }
    func side(of direction: StreamDirection) -> Side { (direction == .clientToServer) == aIsClient ? .a : .b }

    /// Whether payload of `side` is still wanted.
    func accepting(_ side: Side) -> Bool { !ignored && !self[side].stopped }

    /// A SYN (without ACK) that cannot belong to this connection: both FINs were seen, or a new initial sequence
    /// number after data.
    func isNewConnection(_ sequence: TCPSequence, from side: Side) -> Bool {
        if a.finSeen && b.finSeen { return true }
        let half = self[side]
        return half.synSeen && half.dataSeen && half.initialSequence != sequence
    }

    /// How far from what the capture saw a reset's sequence number may be and still belong to this connection.
    static let resetWindow: Int64 = 1 << 20

    /// RFC 5961 §3: a stack accepts a RST only in its window. One far outside the sender's sequence space
    /// belongs to something else, e.g. the answer to a challenge ACK for an earlier connection on the same
    /// ports, after which the client retries its SYN: it must not end this connection.
    func isPlausibleReset(_ sequence: TCPSequence, from side: Side) -> Bool {
        let half = self[side]
        guard half.started else { return true }
        let offset = half.offset(of: sequence)
        return offset >= half.nextOffset - Self.resetWindow
            && offset <= max(half.sentEnd, half.nextOffset) + Self.resetWindow
    }

    // MARK: Events

    mutating func emit(_ event: TCPStreamEvent, _ sink: EventSink) {
        guard !ignored else { return }
        let decision = sink(event, info)
        switch decision {
        case .continue:
            break
        case .swapRoles:
            aIsClient.toggle()
            let client = info.client
            info.client = info.server
            info.server = client
        case .stopPayload(let direction):
            let side = side(of: direction)
            update(side) { $0.stopped = true }
            dropBuffered(side)
        case .ignoreConnection:
            ignored = true
            dropBuffered(.a)
            dropBuffered(.b)
        }
    }

    /// Delivers captured bytes, then the bytes the snap length cut, at the direction's next offset.
    mutating func deliver(_ bytes: ArraySlice<UInt8>, missing: Int, side: Side, frame: Int, timestamp: Timestamp,
                          _ sink: EventSink) {
        if !bytes.isEmpty {
            update(side) { $0.advance(by: bytes.count) }
            emit(.data(direction(of: side), bytes, frame: frame, timestamp: timestamp), sink)
        }
        if missing > 0, accepting(side) {
            self[side].advance(by: missing)
            emit(.gap(direction(of: side), missingBytes: missing, frame: frame, timestamp: timestamp), sink)
        }
    }

    /// Delivers the buffered segments that now continue the stream, then a FIN that waited for them.
    mutating func flushContiguous(_ side: Side, frame: Int, timestamp: Timestamp, _ sink: EventSink) {
        if accepting(side), self[side].bufferedSegments > 0 {
            for segment in takeContiguous(side) {
                guard accepting(side) else { break }
                deliver(segment.bytes[...], missing: segment.missing, side: side, frame: frame, timestamp: timestamp,
                        sink)
            }
        }
        deliverFINIfReady(side, sink)
    }

    /// Runs after every packet, for both directions: inlined, the usual answer (no FIN waiting) costs no call.
    @inline(__always)
    mutating func deliverFINIfReady(_ side: Side, _ sink: EventSink) {
        if self[side].fin != nil { deliverWaitingFIN(side, sink) }
    }

    private mutating func deliverWaitingFIN(_ side: Side, _ sink: EventSink) {
        guard !ignored, let fin = self[side].fin, !self[side].finDelivered,
              self[side].stopped || self[side].nextOffset >= fin.offset else { return }
        update(side) {
            if $0.nextOffset == fin.offset { $0.advance(by: 1) }  // FIN takes one sequence number
            $0.finDelivered = true
        }
        dropBuffered(side)
        emit(.fin(direction(of: side), frame: fin.frame, timestamp: fin.timestamp), sink)
    }

    /// Gives up the first hole if what follows it (buffered data or the FIN) starts at or before `limit`:
    /// reports it as a gap and delivers what follows. Returns the bytes skipped.
    mutating func skipHole(_ side: Side, upTo limit: Int64, frame: Int, timestamp: Timestamp,
                           _ sink: EventSink) -> Int {
        let half = self[side]
        guard accepting(side) else { return 0 }
        var target = half.bufferedSegments > 0 ? self[buffer: side].first?.start : nil
        if let fin = half.fin, !half.finDelivered { target = min(target ?? fin.offset, fin.offset) }
        guard let target, target <= limit, target > half.nextOffset else { return 0 }
        let gap = Int(target - half.nextOffset)
        self[side].advance(by: gap)
        emit(.gap(direction(of: side), missingBytes: gap, frame: frame, timestamp: timestamp), sink)
        flushContiguous(side, frame: frame, timestamp: timestamp, sink)
        return gap
    }

    /// Delivers everything buffered for `side`, holes as gaps, and a waiting FIN.
    mutating func flushAll(_ side: Side, frame: Int, timestamp: Timestamp, _ sink: EventSink) {
        while skipHole(side, upTo: .max, frame: frame, timestamp: timestamp, sink) > 0 {}
        deliverFINIfReady(side, sink)
    }

    /// Before the connection leaves (idle, evicted, restarted, end of capture): flush both directions.
    mutating func flushForClose(_ sink: EventSink) {
        flushAll(.a, frame: info.lastFrame, timestamp: info.lastTimestamp, sink)
        flushAll(.b, frame: info.lastFrame, timestamp: info.lastTimestamp, sink)
    }

    // MARK: Packets

    /// `bytes` holds the payload, at `segment.payloadRange`. A segment that changes nothing but the counters
    /// goes through `processUneventful` instead.
    @usableFromInline
    mutating func process(_ segment: TCPHeader, _ bytes: ArraySlice<UInt8>, from side: Side, frame: Int,
                          timestamp: Timestamp, context: inout ReassemblyContext, _ sink: EventSink) -> Outcome {
        let flags = segment.flags
        let sequence = TCPSequence(segment.sequenceNumber)
        if flags.contains(.syn), !flags.contains(.ack), isNewConnection(sequence, from: side) { return .restart }
        count(frame: frame, timestamp: timestamp)

        // The peer acknowledged bytes of the other direction that the capture does not have: note it, and give
        // them up at that direction's next packet if it does not bring them (captures do reorder an ACK before
        // the data it covers). Only an acknowledgment within what the capture saw sent counts.
        if flags.contains(.ack), self[side.other].started, self[side.other].hasWaiting {
            let acknowledged = self[side.other].offset(of: TCPSequence(segment.acknowledgmentNumber))
            if acknowledged > self[side.other].nextOffset, acknowledged <= self[side.other].sentEnd {
                self[side.other].acknowledgedEnd = max(self[side.other].acknowledgedEnd ?? 0, acknowledged)
            }
        }
        if flags.contains(.rst) {
            guard isPlausibleReset(sequence, from: side) else {
                context.statistics.resetsIgnored += 1
                return .open
            }
            rstSeen = true
            flushAll(side, frame: frame, timestamp: timestamp, sink)
            flushAll(side.other, frame: frame, timestamp: timestamp, sink)
            emit(.rst(direction(of: side), frame: frame, timestamp: timestamp), sink)
            return ignored ? .ignored : .closed
        }
        if flags.contains(.syn) {
            let half = self[side]
            // The first SYN, or a retry with a new initial sequence number, before any data.
            if !half.dataSeen && (!half.synSeen || half.initialSequence != sequence) {
                update(side) { $0.start(at: sequence, isSYN: true) }
                dropBuffered(side)
                update(side) {
                    $0.advance(by: 1)  // SYN takes one sequence number
                    $0.sentEnd = 1
                }
            }
            // A SYN-ACK without the SYN tells where the client's bytes start.
            if flags.contains(.ack), !self[side.other].started {
                update(side.other) { $0.start(at: TCPSequence(segment.acknowledgmentNumber), isSYN: false) }
            }
            emit(.syn(direction(of: side), frame: frame, timestamp: timestamp), sink)
        } else if !self[side].started {
            // Mid-stream start: the first segment seen begins the direction.
            update(side) { $0.start(at: sequence, isSYN: false) }
        }
        let dataSequence = flags.contains(.syn) ? sequence.advanced(by: 1) : sequence
        let missing = segment.missingPayloadBytes
        let length = segment.payloadRange.count + missing
        if length > 0 {
            update(side) { $0.dataSeen = true }
            if accepting(side), !self[side].finDelivered {
                // The payload is cut here, where it is used: a bare ACK makes no slice (no reference counted).
                acceptData(bytes[segment.payloadRange], missing: missing, at: dataSequence, side: side,
                           frame: frame, timestamp: timestamp, context: &context, sink)
                deliverFINIfReady(side, sink)  // a FIN that waited for exactly these bytes
            }
        }
        if flags.contains(.fin), !ignored, !self[side].finDelivered {
            update(side) { half in
                guard half.fin == nil else { return }
                let offset = half.offset(of: dataSequence.advanced(by: length))
                half.fin = PendingFIN(offset: offset, frame: frame, timestamp: timestamp)
                half.sentEnd = max(half.sentEnd, offset + 1)
            }
            deliverFINIfReady(side, sink)
        }
        if let acknowledged = self[side].acknowledgedEnd {
            self[side].acknowledgedEnd = nil
            while true {
                let skipped = skipHole(side, upTo: acknowledged, frame: frame, timestamp: timestamp, sink)
                guard skipped > 0 else { break }
                context.statistics.bytesAcknowledgedUnseen += skipped
            }
        }
        enforceLimits(side, frame: frame, timestamp: timestamp, context: &context, sink)
        deliverFINIfReady(side.other, sink)  // the handler may have stopped that direction's payload meanwhile
        if ignored { return .ignored }
        return a.finDelivered && b.finDelivered ? .closed : .open
    }

    /// Takes note of a packet of the connection.
    @inlinable
    mutating func count(frame: Int, timestamp: Timestamp) {
        info.lastFrame = frame
        info.lastTimestamp = timestamp
        info.packets += 1
    }

    /// The outcome of a segment that changes nothing but the counters, else nil (the caller then runs it
    /// through `process`): only the ACK flag (and PSH), no payload or payload that its direction no longer
    /// accepts (the handler stopped it after the handshake), its direction already started with nothing buffered
    /// or acknowledged unseen, and nothing (buffered bytes, a FIN) waiting in the other direction for an
    /// acknowledgment to settle. Most packets of a capture are such segments (two in three of the benchmark
    /// capture's): inlined into the reassembler's per-packet path, they make no call at all.
    @inlinable @inline(__always)
    mutating func processUneventful(_ segment: TCPHeader, from side: Side, frame: Int,
                                    timestamp: Timestamp) -> Outcome? {
        guard segment.flags == .ack || segment.flags == [.ack, .psh] else { return nil }
        let length = segment.payloadRange.count + segment.missingPayloadBytes
        let half = side == .a ? a : b
        let other = side == .a ? b : a
        guard length <= 0 || ignored || half.stopped, half.started, half.bufferedSegments == 0,
              half.acknowledgedEnd == nil, !other.hasWaiting else { return nil }
        count(frame: frame, timestamp: timestamp)
        if length > 0 {
            if side == .a { a.dataSeen = true } else { b.dataSeen = true }
        }
        if ignored { return .ignored }
        return a.finDelivered && b.finDelivered ? .closed : .open
    }

    /// Puts a segment's bytes in order: retransmitted parts are dropped, in-order bytes delivered at once (the
    /// segment's own slice, no copy), out-of-order bytes buffered until the hole fills.
    mutating func acceptData(_ payload: ArraySlice<UInt8>, missing: Int, at sequence: TCPSequence, side: Side,
                             frame: Int, timestamp: Timestamp, context: inout ReassemblyContext, _ sink: EventSink) {
        var bytes = payload
        var missing = missing
        let next = self[side].nextOffset
        var start = self[side].offset(of: sequence)
        let end = start + Int64(bytes.count + missing)
        update(side) { $0.sentEnd = max($0.sentEnd, end) }
        if end <= next {
            // A keep-alive carries (at most) one old byte just below the next expected one: not a retransmission.
            let keepAlive = end == next && bytes.count + missing <= 1
            if !keepAlive { context.statistics.retransmittedBytes += bytes.count + missing }
            return
        }
        if start < next {
            let old = Int(next - start)
            context.statistics.retransmittedBytes += old
            if old <= bytes.count {
                bytes = bytes.dropFirst(old)
            } else {
                missing -= old - bytes.count
                bytes = bytes.suffix(0)
            }
            start = next
        }
        if start == next, self[side].bufferedSegments == 0 {
            deliver(bytes, missing: missing, side: side, frame: frame, timestamp: timestamp, sink)
        } else {
            context.statistics.retransmittedBytes += buffer(bytes, missing: missing, at: start, side: side)
            flushContiguous(side, frame: frame, timestamp: timestamp, sink)
        }
    }

    /// Past a buffer cap, holes are given up (reported as gaps) until the buffered bytes fit again. Runs after
    /// every packet: inlined, the usual answer (nothing buffered) costs no call.
    @inline(__always)
    mutating func enforceLimits(_ side: Side, frame: Int, timestamp: Timestamp, context: inout ReassemblyContext,
                                _ sink: EventSink) {
        if self[side].bufferedSegments > 0 {
            giveUpHolesOverLimits(side, frame: frame, timestamp: timestamp, context: &context, sink)
        }
    }

    private mutating func giveUpHolesOverLimits(_ side: Side, frame: Int, timestamp: Timestamp,
                                                context: inout ReassemblyContext, _ sink: EventSink) {
        let limits = context.limits
        while accepting(side), self[side].bufferedSegments > 0 {
            let half = self[side]
            let over = half.bufferedBytes > limits.maxBufferedBytesPerDirection
                || half.bufferedSegments > limits.maxBufferedSegmentsPerDirection
                || context.otherBufferedBytes + bufferedBytes > limits.maxBufferedBytesTotal
            guard over else { return }
            let skipped = skipHole(side, upTo: .max, frame: frame, timestamp: timestamp, sink)
            guard skipped > 0 else { return }
            context.statistics.bytesSkippedForBufferCap += skipped
        }
    }
}
