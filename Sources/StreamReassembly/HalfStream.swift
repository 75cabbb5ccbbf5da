import WireFormat

/// One direction of a connection: the bytes one endpoint sends. Positions are 64-bit stream offsets, so only
/// sequence numbers near `nextSequence` need wrap-around arithmetic. Plain data (no references), so reading it
/// on the per-packet path costs no reference counting; the out-of-order bytes live in an `OutOfOrderBuffer`.
@usableFromInline
struct HalfStream {
    @usableFromInline var started = false
    var synSeen = false
    /// Payload (or cut payload) seen: a SYN with a new initial sequence number is then a new connection.
    @usableFromInline var dataSeen = false
    /// The handler asked for no more payload: only FIN/RST are reported.
    @usableFromInline var stopped = false
    var initialSequence = TCPSequence(0)
    /// The next byte expected, as a sequence number and as a stream offset.
    var nextSequence = TCPSequence(0)
    var nextOffset: Int64 = 0
    /// One past the highest offset seen sent (data or FIN): how far an acknowledgment may skip holes.
    var sentEnd: Int64 = 0
    /// The receiver acknowledged up to here, past a hole: given up at this direction's next packet.
    @usableFromInline var acknowledgedEnd: Int64?
    @usableFromInline var fin: PendingFIN?
    @usableFromInline var finDelivered = false
    /// Mirrors of the direction's `OutOfOrderBuffer`, kept in step by `LiveConnection`.
    @usableFromInline var bufferedSegments = 0
    @usableFromInline var bufferedBytes = 0

    /// A FIN flag was seen (delivered or waiting behind a hole).
    var finSeen: Bool { fin != nil || finDelivered }

    /// Something is waiting behind a hole.
    @inlinable var hasWaiting: Bool { bufferedSegments > 0 || (fin != nil && !finDelivered) }

    func offset(of sequence: TCPSequence) -> Int64 {
        nextOffset + Int64(nextSequence.distance(to: sequence))
    }

    mutating func advance(by count: Int) {
        nextOffset += Int64(count)
        nextSequence = nextSequence.advanced(by: count)
    }

    /// Starts (or restarts, for a retried SYN) the direction at `sequence`. The caller empties the buffer.
    mutating func start(at sequence: TCPSequence, isSYN: Bool) {
        started = true
        synSeen = synSeen || isSYN
        initialSequence = sequence
        nextSequence = sequence
        nextOffset = 0
        sentEnd = 0
        acknowledgedEnd = nil
        fin = nil
    }
}

/// A FIN seen at `offset`, delivered once every byte before it has been delivered or given up.
@usableFromInline
struct PendingFIN {
    var offset: Int64
    var frame: Int
    var timestamp: Timestamp
}

/// Bytes that arrived ahead of a hole, copied (the capture layer may reuse its buffer).
struct BufferedSegment {
    /// Stream offset of the first byte.
    var start: Int64
    var bytes: [UInt8]
    /// Bytes after `bytes` that the snap length cut off: delivered as a gap.
    var missing: Int

    var end: Int64 { start + Int64(bytes.count + missing) }
}

/// One direction's out-of-order segments: sorted by `start`, never overlapping, all after the next offset.
struct OutOfOrderBuffer {
    private(set) var segments: [BufferedSegment] = []
    private(set) var bytes = 0

    var first: BufferedSegment? { segments.first }

    mutating func removeAll() {
        segments.removeAll()
        bytes = 0
    }

    /// Buffers the parts of `bytes` + `missing` (starting at `start`) that are not buffered yet: on overlap the
    /// first-seen bytes stay. Returns how many bytes were already there.
    mutating func insert(_ newBytes: ArraySlice<UInt8>, missing: Int, at start: Int64) -> Int {
        let end = start + Int64(newBytes.count + missing)
        let dataEnd = start + Int64(newBytes.count)
        func piece(_ from: Int64, _ to: Int64) -> BufferedSegment {
            let dataTo = min(to, dataEnd)
            let base = newBytes.startIndex
            let data: [UInt8] = from < dataTo
                ? Array(newBytes[(base + Int(from - start))..<(base + Int(dataTo - start))]) : []
            return BufferedSegment(start: from, bytes: data, missing: Int(to - from) - data.count)
        }
        // The first buffered segment that ends after `start` (binary search: sorted and disjoint).
        var low = 0, high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].end <= start { low = mid + 1 } else { high = mid }
        }
        var index = low
        var cursor = start
        var added = 0
        var merged: [BufferedSegment] = []
        func add(_ new: BufferedSegment) {
            added += Int(new.end - new.start)
            bytes += new.bytes.count
            merged.append(new)
        }
        while index < segments.count, segments[index].start < end {
            if segments[index].start > cursor { add(piece(cursor, segments[index].start)) }
            cursor = max(cursor, segments[index].end)
            merged.append(segments[index])
            index += 1
        }
        if cursor < end { add(piece(cursor, end)) }
        segments.replaceSubrange(low..<index, with: merged)
        return newBytes.count + missing - added
    }

    /// Removes and returns the segments that continue the stream at `offset`.
    mutating func takeContiguous(from offset: Int64) -> [BufferedSegment] {
        var count = 0
        var expected = offset
        while count < segments.count, segments[count].start == expected {
            expected = segments[count].end
            count += 1
        }
        guard count > 0 else { return [] }
        let run = Array(segments.prefix(count))  // a copy, so that removing stays in place
        segments.removeFirst(count)
        for segment in run { bytes -= segment.bytes.count }
        return run
    }
}
