/// A read cursor over a byte slice, after NIO's `ByteBuffer` reads: every read returns an optional and
/// never traps, and slices are zero-copy views indexed from their own `startIndex`.
public struct ByteCursor: Sendable {
    /// The bytes not read yet. (Stored under another name so the reads can be `@inlinable`: other modules
    /// then specialize them instead of calling generic code per byte.)
    @usableFromInline var storage: ArraySlice<UInt8>
    @inlinable public var readableSlice: ArraySlice<UInt8> { storage }

    @inlinable public init(_ bytes: ArraySlice<UInt8>) { self.storage = bytes }
    @inlinable public init(_ bytes: [UInt8]) { self.storage = bytes[...] }

    @inlinable public var readableBytes: Int { readableSlice.count }
    @inlinable public var isEmpty: Bool { readableSlice.isEmpty }

    /// Reads a big-endian integer (network byte order).
    @inlinable public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        guard let value = peekInteger(as: T.self) else { return nil }
        skip(MemoryLayout<T>.size)
        return value
    }

    @inlinable public func peekInteger<T: FixedWidthInteger>(as: T.Type = T.self, offset: Int = 0) -> T? {
        let size = MemoryLayout<T>.size
        guard offset >= 0, readableSlice.count - offset >= size else { return nil }
        var value: T = 0
        var index = readableSlice.startIndex + offset
        for _ in 0..<size {
            value = (value << 8) | T(readableSlice[index])
            index += 1
        }
        return value
    }

    /// Reads a 24-bit big-endian integer (TLS handshake lengths).
    @inlinable public mutating func readUInt24() -> Int? {
        guard let value = peekUInt24() else { return nil }
        skip(3)
        return value
    }

    /// The next 24-bit big-endian integer, not consumed.
    @inlinable func peekUInt24() -> Int? {
        guard storage.count >= 3 else { return nil }
        let i = storage.startIndex
        return Int(storage[i]) << 16 | Int(storage[i + 1]) << 8 | Int(storage[i + 2])
    }

    @inlinable public mutating func readSlice(length: Int) -> ArraySlice<UInt8>? {
        guard length >= 0, readableSlice.count >= length else { return nil }
        return take(length, after: 0)
    }

    @inlinable public mutating func readBytes(length: Int) -> [UInt8]? {
        readSlice(length: length).map(Array.init)
    }

    /// Reads a length prefix of type `T`, then that many bytes.
    @inlinable public mutating func readLengthPrefixedSlice<T: FixedWidthInteger>(as: T.Type) -> ArraySlice<UInt8>? {
        let size = MemoryLayout<T>.size
        guard let length = peekInteger(as: T.self).flatMap({ Int(exactly: $0) }), length >= 0,
              storage.count - size >= length else { return nil }
        return take(length, after: size)
    }

    /// Reads a 24-bit length prefix, then that many bytes.
    @inlinable public mutating func readUInt24LengthPrefixedSlice() -> ArraySlice<UInt8>? {
        guard let length = peekUInt24(), storage.count - 3 >= length else { return nil }
        return take(length, after: 3)
    }

    @inlinable @discardableResult
    public mutating func moveReaderIndex(forwardBy count: Int) -> Bool {
        guard count >= 0, readableSlice.count >= count else { return false }
        skip(count)
        return true
    }

    /// The `length` bytes that follow the next `prefix` bytes (the caller checked they are all there); the cursor
    /// moves past both.
    @inlinable mutating func take(_ length: Int, after prefix: Int) -> ArraySlice<UInt8> {
        let start = storage.startIndex + prefix
        let slice = storage[start ..< start + length]
        skip(prefix + length)
        return slice
    }

    /// Drops `count` bytes the caller checked are there. A range subscript, not `dropFirst`: that one is not
    /// inlined, and the reads above run for every length and field of every record.
    @inlinable mutating func skip(_ count: Int) {
        storage = storage[(storage.startIndex + count)...]
    }

    /// Everything not read yet; the cursor is empty afterwards.
    @inlinable public mutating func readRemaining() -> ArraySlice<UInt8> {
        let rest = readableSlice
        storage = readableSlice.suffix(0)
        return rest
    }
}
