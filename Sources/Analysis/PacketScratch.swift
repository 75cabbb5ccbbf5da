/// Where the bytes of a packet read in place (lent by the capture layer for one call, as a `RawSpan`) are
/// copied when they must outlive the call or be an `ArraySlice`: one buffer, rewritten in place from packet to
/// packet (copied first, as any array, only while something still holds a slice of it).
struct PacketScratch {
    /// Handed on whole (no slice made per packet), indexed by the ranges `copy` returns.
    private(set) var bytes: ArraySlice<UInt8> = []

    /// Copies `range` of `source` to the start of `bytes` and returns where it now lies there; an empty range
    /// copies nothing (most segments are bare ACKs).
    @inline(__always)
    mutating func copy(_ range: Range<Int>, of source: RawSpan) -> Range<Int> {
        let start = bytes.startIndex
        guard !range.isEmpty else { return start..<start }
        let count = range.count
        if bytes.count < count {
            bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
        }
        bytes.withUnsafeMutableBytes { target in
            source.extracting(range).withUnsafeBytes { target.copyMemory(from: $0) }
        }
        return start..<(start + count)
    }

    /// All of `source`, copied.
    mutating func copyAll(_ source: RawSpan) -> ArraySlice<UInt8> {
        bytes[copy(0..<source.byteCount, of: source)]
    }
}
