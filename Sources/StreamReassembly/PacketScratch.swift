/// Where the bytes of a packet read in place (lent by the capture layer for one call, as a `RawSpan`) are
/// copied when they must outlive the call or be an `ArraySlice`: one buffer, rewritten in place from packet to
/// packet (copied first, as any array, only while something still holds a slice of it). Here, so that the
/// reassembler copies a segment's payload only when it uses it (`TCPReassembler.process(_:lentIn:copyingInto:…)`).
public struct PacketScratch {
    /// Handed on whole (no slice made per packet), indexed by the ranges `copy` returns.
    @inlinable public var bytes: ArraySlice<UInt8> { storage }
    @usableFromInline var storage: ArraySlice<UInt8> = []

    public init() {}

    /// Copies `range` of `source` to the start of `bytes` and returns where it now lies there; an empty range
    /// copies nothing (most segments are bare ACKs).
    @inlinable @inline(__always)
    public mutating func copy(_ range: Range<Int>, of source: RawSpan) -> Range<Int> {
        let start = storage.startIndex
        guard !range.isEmpty else { return start..<start }
        let count = range.count
        if storage.count < count {
            storage.append(contentsOf: repeatElement(0, count: count - storage.count))
        }
        storage.withUnsafeMutableBytes { target in
            source.extracting(range).withUnsafeBytes { target.copyMemory(from: $0) }
        }
        return start..<(start + count)
    }

    /// All of `source`, copied.
    public mutating func copyAll(_ source: RawSpan) -> ArraySlice<UInt8> {
        storage[copy(0..<source.byteCount, of: source)]
    }
}
