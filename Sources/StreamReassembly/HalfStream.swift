import WireFormat

/// Bytes that arrived ahead of a hole, copied (the capture layer may reuse its buffer).
struct BufferedSegment {
    /// Stream offset of the first byte.
    var start: Int64
    var bytes: [UInt8]
    /// Bytes after `bytes` that the snap length cut off: delivered as a gap.
    var missing: Int

    var end: Int64 { start + Int64(bytes.count + missing) }
}

/// A FIN seen at `offset`, delivered once every byte before it has been delivered or given up.
struct PendingFIN {
    var offset: Int64
    var frame: Int
    var timestamp: Timestamp
}

/// One direction of a connection: the bytes one endpoint sends. Positions are 64-bit stream offsets, so only
/// sequence numbers near `nextSequence` need wrap-around arithmetic.
struct HalfStream {
    var started = false
    var synSeen = false
    /// Payload (or cut payload) seen: a SYN with a new initial sequence number is then a new connection.
    var dataSeen = false
    /// The handler asked for no more payload: only FIN/RST are reported.
    var stopped = false
    var initialSequence = TCPSequence(0)
    /// The next byte expected, as a sequence number and as a stream offset.
    var nextSequence = TCPSequence(0)
    var nextOffset: Int64 = 0
    var fin: PendingFIN?
    var finDelivered = false
    /// Out-of-order bytes, sorted by `start`, never overlapping, all after `nextOffset`.
    var pending: [BufferedSegment] = []
    var bufferedBytes = 0

    /// A FIN flag was seen (delivered or waiting behind a hole).
    var finSeen: Bool { fin != nil || finDelivered }

    /// Something is waiting behind a hole.
    var hasWaiting: Bool { !pending.isEmpty || (fin != nil && !finDelivered) }

    func offset(of sequence: TCPSequence) -> Int64 {
        nextOffset + Int64(nextSequence.distance(to: sequence))
    }

    mutating func advance(by count: Int) {
        nextOffset += Int64(count)
        nextSequence = nextSequence.advanced(by: count)
    }

    /// Starts (or restarts, for a retried SYN) the direction at `sequence`.
    mutating func start(at sequence: TCPSequence, isSYN: Bool) {
        started = true
        synSeen = synSeen || isSYN
        initialSequence = sequence
        nextSequence = sequence
        nextOffset = 0
        fin = nil
        dropBuffered()
    }

    mutating func dropBuffered() {
        pending.removeAll()
        bufferedBytes = 0
    }

    /// Buffers the parts of `bytes` + `missing` (starting at `start`) that are not buffered yet: on overlap the
    /// first-seen bytes stay. Returns how many bytes were already there.
    mutating func buffer(_ bytes: ArraySlice<UInt8>, missing: Int, at start: Int64) -> Int {
        let end = start + Int64(bytes.count + missing)
        let dataEnd = start + Int64(bytes.count)
        func piece(_ from: Int64, _ to: Int64) -> BufferedSegment {
            let dataTo = min(to, dataEnd)
            let data: [UInt8] = from < dataTo
                ? Array(bytes[(bytes.startIndex + Int(from - start))..<(bytes.startIndex + Int(dataTo - start))]) : []
            return BufferedSegment(start: from, bytes: data, missing: Int(to - from) - data.count)
        }
        // First buffered segment that ends after `start` (binary search: `pending` is sorted and disjoint).
        var low = 0, high = pending.count
        while low < high {
            let mid = (low + high) / 2
            if pending[mid].end <= start { low = mid + 1 } else { high = mid }
        }
        var index = low
        var cursor = start
        var added = 0
        var merged: [BufferedSegment] = []
        while index < pending.count, pending[index].start < end {
            if pending[index].start > cursor {
                let new = piece(cursor, pending[index].start)
                added += Int(new.end - new.start)
                bufferedBytes += new.bytes.count
                merged.append(new)
            }
            cursor = max(cursor, pending[index].end)
            merged.append(pending[index])
            index += 1
        }
        if cursor < end {
            let new = piece(cursor, end)
            added += Int(new.end - new.start)
            bufferedBytes += new.bytes.count
            merged.append(new)
        }
        pending.replaceSubrange(low..<index, with: merged)
        return bytes.count + missing - added
    }

    /// Removes and returns the buffered segments that continue the stream at `nextOffset`.
    mutating func takeContiguous() -> [BufferedSegment] {
        var count = 0
        var expected = nextOffset
        while count < pending.count, pending[count].start == expected {
            expected = pending[count].end
            count += 1
        }
        guard count > 0 else { return [] }
        let run = Array(pending.prefix(count))  // a copy, so that removing stays in place
        pending.removeFirst(count)
        for segment in run { bufferedBytes -= segment.bytes.count }
        return run
    }
}
