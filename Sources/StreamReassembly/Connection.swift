import WireFormat
import PacketDecoding

/// The two endpoints of a connection's key: `a` is the lower endpoint.
enum Side {
    case a, b
    var other: Side { self == .a ? .b : .a }
}

/// What a connection needs from the reassembler while it handles a packet.
struct ReassemblyContext {
    var limits: ReassemblyLimits
    var statistics = ReassemblyStatistics()
    /// Bytes buffered by all other connections, for the total cap.
    var otherBufferedBytes = 0
}

/// A connection with a handler: both directions' state and the event logic. Every handler call goes through
/// `emit`, which applies the handler's decision at once.
struct LiveConnection<Handler: TCPStreamHandler> {
    enum Outcome { case open, closed, ignored, restart }

    var key: ConnectionKey
    var info: TCPConnectionInfo
    var handler: Handler
    /// The handler asked to forget the connection: stop everything, the table makes it a tombstone.
    var ignored = false
    var aIsClient: Bool
    var a = HalfStream()
    var b = HalfStream()
    var links = LRULinks()
    /// The reassembler's clock at the last packet (capture time, never going back).
    var lastActivity: Timestamp
    var rstSeen = false

    init(key: ConnectionKey, info: TCPConnectionInfo, handler: Handler) {
        self.key = key
        self.info = info
        self.lastActivity = info.firstTimestamp
        self.handler = handler
        self.aIsClient = info.client == key.a
    }

    subscript(side: Side) -> HalfStream {
        get { side == .a ? a : b }
        _modify {
            if side == .a { yield &a } else { yield &b }
        }
    }

    var bufferedBytes: Int { a.bufferedBytes + b.bufferedBytes }

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

    // MARK: Events

    mutating func emit(_ event: TCPStreamEvent) {
        guard !ignored else { return }
        let decision = handler.handle(event, connection: info)
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
            self[side].stopped = true
            self[side].dropBuffered()
        case .ignoreConnection:
            ignored = true
            a.dropBuffered()
            b.dropBuffered()
        }
    }

    /// Delivers captured bytes, then the bytes the snap length cut, at the direction's next offset.
    mutating func deliver(_ bytes: ArraySlice<UInt8>, missing: Int, side: Side, frame: Int, timestamp: Timestamp) {
        if !bytes.isEmpty {
            self[side].advance(by: bytes.count)
            emit(.data(direction(of: side), bytes, frame: frame, timestamp: timestamp))
        }
        if missing > 0, accepting(side) {
            self[side].advance(by: missing)
            emit(.gap(direction(of: side), missingBytes: missing, frame: frame, timestamp: timestamp))
        }
    }

    /// Delivers the buffered segments that now continue the stream, then a FIN that waited for them.
    mutating func flushContiguous(_ side: Side, frame: Int, timestamp: Timestamp) {
        if accepting(side), !self[side].pending.isEmpty {
            for segment in self[side].takeContiguous() {
                guard accepting(side) else { break }
                deliver(segment.bytes[...], missing: segment.missing, side: side, frame: frame, timestamp: timestamp)
            }
        }
        deliverFINIfReady(side)
    }

    mutating func deliverFINIfReady(_ side: Side) {
        guard !ignored, let fin = self[side].fin, !self[side].finDelivered,
              self[side].stopped || self[side].nextOffset >= fin.offset else { return }
        if self[side].nextOffset == fin.offset { self[side].advance(by: 1) }  // FIN takes one sequence number
        self[side].finDelivered = true
        self[side].dropBuffered()
        emit(.fin(direction(of: side), frame: fin.frame, timestamp: fin.timestamp))
    }

    /// Gives up the first hole if what follows it (buffered data or the FIN) starts at or before `limit`:
    /// reports it as a gap and delivers what follows. Returns the bytes skipped.
    mutating func skipHole(_ side: Side, upTo limit: Int64, frame: Int, timestamp: Timestamp) -> Int {
        let half = self[side]
        guard accepting(side) else { return 0 }
        var target = half.pending.first?.start
        if let fin = half.fin, !half.finDelivered { target = min(target ?? fin.offset, fin.offset) }
        guard let target, target <= limit, target > half.nextOffset else { return 0 }
        let gap = Int(target - half.nextOffset)
        self[side].advance(by: gap)
        emit(.gap(direction(of: side), missingBytes: gap, frame: frame, timestamp: timestamp))
        flushContiguous(side, frame: frame, timestamp: timestamp)
        return gap
    }

    /// Delivers everything buffered for `side`, holes as gaps, and a waiting FIN.
    mutating func flushAll(_ side: Side, frame: Int, timestamp: Timestamp) {
        while skipHole(side, upTo: .max, frame: frame, timestamp: timestamp) > 0 {}
        deliverFINIfReady(side)
    }

    /// Before the connection leaves (idle, evicted, restarted, end of capture): flush both directions.
    mutating func flushForClose() {
        flushAll(.a, frame: info.lastFrame, timestamp: info.lastTimestamp)
        flushAll(.b, frame: info.lastFrame, timestamp: info.lastTimestamp)
    }

    // MARK: Packets

    mutating func process(_ segment: TCPSegment, from side: Side, frame: Int, timestamp: Timestamp,
                          context: inout ReassemblyContext) -> Outcome {
        let flags = segment.flags
        let sequence = TCPSequence(segment.sequenceNumber)
        if flags.contains(.syn), !flags.contains(.ack), isNewConnection(sequence, from: side) { return .restart }
        info.lastFrame = frame
        info.lastTimestamp = timestamp
        info.packets += 1

        // The peer acknowledged bytes of the other direction that were never captured: they will not come again.
        if flags.contains(.ack), self[side.other].started, self[side.other].hasWaiting {
            let acknowledged = self[side.other].offset(of: TCPSequence(segment.acknowledgmentNumber))
            while true {
                let skipped = skipHole(side.other, upTo: acknowledged, frame: frame, timestamp: timestamp)
                guard skipped > 0 else { break }
                context.statistics.bytesAcknowledgedUnseen += skipped
            }
        }
        if flags.contains(.rst) {
            rstSeen = true
            flushAll(side, frame: frame, timestamp: timestamp)
            flushAll(side.other, frame: frame, timestamp: timestamp)
            emit(.rst(direction(of: side), frame: frame, timestamp: timestamp))
            return ignored ? .ignored : .closed
        }
        if flags.contains(.syn) {
            let half = self[side]
            // The first SYN, or a retry with a new initial sequence number before any data.
            if !half.synSeen || (!half.dataSeen && half.initialSequence != sequence) {
                self[side].start(at: sequence, isSYN: true)
                self[side].advance(by: 1)  // SYN takes one sequence number
            }
            emit(.syn(direction(of: side), frame: frame, timestamp: timestamp))
        } else if !self[side].started {
            // Mid-stream start: the first segment seen begins the direction.
            self[side].start(at: sequence, isSYN: false)
        }
        let dataSequence = flags.contains(.syn) ? sequence.advanced(by: 1) : sequence
        let length = segment.payload.count + segment.missingPayloadBytes
        if length > 0 {
            self[side].dataSeen = true
            if accepting(side), !self[side].finDelivered {
                acceptData(segment.payload, missing: segment.missingPayloadBytes, at: dataSequence, side: side,
                           frame: frame, timestamp: timestamp, context: &context)
                deliverFINIfReady(side)  // a FIN that waited for exactly these bytes
            }
        }
        if flags.contains(.fin), !ignored, !self[side].finDelivered {
            if self[side].fin == nil {
                let offset = self[side].offset(of: dataSequence.advanced(by: length))
                self[side].fin = PendingFIN(offset: offset, frame: frame, timestamp: timestamp)
            }
            deliverFINIfReady(side)
        }
        enforceLimits(side, frame: frame, timestamp: timestamp, context: &context)
        if ignored { return .ignored }
        return a.finDelivered && b.finDelivered ? .closed : .open
    }

    /// Puts a segment's bytes in order: retransmitted parts are dropped, in-order bytes delivered at once (the
    /// segment's own slice, no copy), out-of-order bytes buffered until the hole fills.
    mutating func acceptData(_ payload: ArraySlice<UInt8>, missing: Int, at sequence: TCPSequence, side: Side,
                             frame: Int, timestamp: Timestamp, context: inout ReassemblyContext) {
        var bytes = payload
        var missing = missing
        let next = self[side].nextOffset
        var start = self[side].offset(of: sequence)
        let end = start + Int64(bytes.count + missing)
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
        if start == next, self[side].pending.isEmpty {
            deliver(bytes, missing: missing, side: side, frame: frame, timestamp: timestamp)
        } else {
            context.statistics.retransmittedBytes += self[side].buffer(bytes, missing: missing, at: start)
            flushContiguous(side, frame: frame, timestamp: timestamp)
        }
    }

    /// Past a buffer cap, holes are given up (reported as gaps) until the buffered bytes fit again.
    mutating func enforceLimits(_ side: Side, frame: Int, timestamp: Timestamp, context: inout ReassemblyContext) {
        let limits = context.limits
        while accepting(side) {
            let half = self[side]
            let over = half.bufferedBytes > limits.maxBufferedBytesPerDirection
                || half.pending.count > limits.maxBufferedSegmentsPerDirection
                || context.otherBufferedBytes + bufferedBytes > limits.maxBufferedBytesTotal
            guard over else { return }
            let skipped = skipHole(side, upTo: .max, frame: frame, timestamp: timestamp)
            guard skipped > 0 else { return }
            context.statistics.bytesSkippedForBufferCap += skipped
        }
    }
}
