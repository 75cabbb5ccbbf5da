/// A read cursor over a byte slice, after NIO's `ByteBuffer` reads: every read returns an optional and
/// never traps, and slices are zero-copy views indexed from their own `startIndex`.
///
/// The cursor keeps the slice it was given and moves an index through it, so a read costs no new slice (no
/// retain and release of the buffer). Parsers that keep only a few of many fields can read fields as ranges
/// of indices (`readRange`, `readLengthPrefixedRange`) and cut a slice only for what they keep; a range read
/// from one cursor can start another over the same bytes (`init(_:range:)`).
public struct ByteCursor: Sendable {
    /// The bytes given, read and not. (Stored under other names so the reads can be `@inlinable`: other modules
    /// then specialize them instead of calling generic code per byte.)
    @usableFromInline let storage: ArraySlice<UInt8>
    /// The next byte to read; `limit` is the end of what this cursor reads.
    @usableFromInline var readerIndex: Int
    @usableFromInline let limit: Int

    @inlinable public init(_ bytes: ArraySlice<UInt8>) {
        self.storage = bytes
        self.readerIndex = bytes.startIndex
        self.limit = bytes.endIndex
    }

    @inlinable public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    /// Reads the indices `range` of `bytes` (a range read from a cursor over the same bytes); the part of it
    /// outside `bytes` is not read.
    @inlinable public init(_ bytes: ArraySlice<UInt8>, range: Range<Int>) {
        let clamped = range.clamped(to: bytes.startIndex..<bytes.endIndex)
        self.storage = bytes
        self.readerIndex = clamped.lowerBound
        self.limit = clamped.upperBound
    }

    /// The bytes not read yet.
    @inlinable public var readableSlice: ArraySlice<UInt8> { storage[readerIndex..<limit] }
    @inlinable public var readableBytes: Int { limit - readerIndex }
    @inlinable public var isEmpty: Bool { readerIndex == limit }

    /// Reads a big-endian integer (network byte order).
    @inlinable public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        guard let value = peekInteger(as: T.self) else { return nil }
        readerIndex += MemoryLayout<T>.size
        return value
    }

    @inlinable public func peekInteger<T: FixedWidthInteger>(as: T.Type = T.self, offset: Int = 0) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, readableBytes - offset >= size else { return nil }
        var value: T = 0
        var index = readerIndex + offset
        for _ in 0..<size {
            value = (value << 8) | T(storage[index])
            index += 1
        }
        return value
    }

    /// Reads a 24-bit big-endian integer (TLS handshake lengths).
    @inlinable public mutating func readUInt24() -> Int? {
        guard let value = peekUInt24() else { return nil }
        readerIndex += 3
        return value
    }

    /// The next 24-bit big-endian integer, not consumed.
    @inlinable func peekUInt24() -> Int? {
        guard readableBytes >= 3 else { return nil }
        let i = readerIndex
        return Int(storage[i]) << 16 | Int(storage[i + 1]) << 8 | Int(storage[i + 2])
    }

    @inlinable public mutating func readSlice(length: Int) -> ArraySlice<UInt8>? {
        readRange(length: length).map { storage[$0] }
    }

    @inlinable public mutating func readBytes(length: Int) -> [UInt8]? {
        readSlice(length: length).map(Array.init)
    }

    /// Reads a length prefix of type `T`, then that many bytes.
    @inlinable public mutating func readLengthPrefixedSlice<T: FixedWidthInteger>(as: T.Type) -> ArraySlice<UInt8>? {
        readLengthPrefixedRange(as: T.self).map { storage[$0] }
    }

    /// Reads a 24-bit length prefix, then that many bytes.
    @inlinable public mutating func readUInt24LengthPrefixedSlice() -> ArraySlice<UInt8>? {
        guard let length = peekUInt24(), readableBytes - 3 >= length else { return nil }
        return storage[take(length, after: 3)]
    }

    /// Reads `length` bytes as the range of their indices.
    @inlinable public mutating func readRange(length: Int) -> Range<Int>? {
        guard length >= 0, readableBytes >= length else { return nil }
        return take(length, after: 0)
    }

    /// Reads a length prefix of type `T`, then that many bytes, as the range of their indices.
    @inlinable public mutating func readLengthPrefixedRange<T: FixedWidthInteger>(as: T.Type) -> Range<Int>? {
        let size = MemoryLayout<T>.size
        guard let length = peekInteger(as: T.self).flatMap({ Int(exactly: $0) }), length >= 0,
              readableBytes - size >= length else { return nil }
        return take(length, after: size)
    }

    @inlinable @discardableResult
    public mutating func moveReaderIndex(forwardBy count: Int) -> Bool {
        guard count >= 0, readableBytes >= count else { return false }
        readerIndex += count
        return true
    }

    /// The indices of the `length` bytes that follow the next `prefix` bytes (the caller checked they are all
    /// there); the cursor moves past both.
    @inlinable mutating func take(_ length: Int, after prefix: Int) -> Range<Int> {
        let start = readerIndex + prefix
        readerIndex = start + length
        return start..<readerIndex
    }

    /// Everything not read yet; the cursor is empty afterwards.
    @inlinable public mutating func readRemaining() -> ArraySlice<UInt8> {
        let rest = readableSlice
        readerIndex = limit
        return rest
    }
}
