/// A read cursor over a byte slice, after NIO's `ByteBuffer` reads: every read returns an optional and
/// never traps, and slices are zero-copy views indexed from their own `startIndex`.
///
/// Everything is `@inlinable`: every parser reads through it, and an unspecialized generic read across
/// modules costs a metadata lookup and witness calls per integer (about 25 instructions per byte of capture).
public struct ByteCursor: Sendable {
    /// The bytes not read yet.
    public var readableSlice: ArraySlice<UInt8> { storage }

    @usableFromInline
    internal var storage: ArraySlice<UInt8>

    @inlinable public init(_ bytes: ArraySlice<UInt8>) { self.storage = bytes }
    @inlinable public init(_ bytes: [UInt8]) { self.storage = bytes[...] }

    @inlinable public var readableBytes: Int { readableSlice.count }
    @inlinable public var isEmpty: Bool { readableSlice.isEmpty }

    /// Reads a big-endian integer (network byte order).
    @inlinable public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) -> T? {
        guard let value = peekInteger(as: T.self) else { return nil }
        storage = readableSlice.dropFirst(MemoryLayout<T>.size)
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
        guard readableSlice.count >= 3 else { return nil }
        let i = readableSlice.startIndex
        let value = Int(readableSlice[i]) << 16 | Int(readableSlice[i + 1]) << 8 | Int(readableSlice[i + 2])
        storage = readableSlice.dropFirst(3)
        return value
    }

    @inlinable public mutating func readSlice(length: Int) -> ArraySlice<UInt8>? {
        guard length >= 0, readableSlice.count >= length else { return nil }
        let slice = readableSlice.prefix(length)
        storage = readableSlice.dropFirst(length)
        return slice
    }

    @inlinable public mutating func readBytes(length: Int) -> [UInt8]? {
        readSlice(length: length).map(Array.init)
    }

    /// Reads a length prefix of type `T`, then that many bytes.
    @inlinable public mutating func readLengthPrefixedSlice<T: FixedWidthInteger>(as: T.Type) -> ArraySlice<UInt8>? {
        var copy = self
        guard let length = copy.readInteger(as: T.self), let slice = copy.readSlice(length: Int(length)) else {
            return nil
        }
        self = copy
        return slice
    }

    /// Reads a 24-bit length prefix, then that many bytes.
    @inlinable public mutating func readUInt24LengthPrefixedSlice() -> ArraySlice<UInt8>? {
        var copy = self
        guard let length = copy.readUInt24(), let slice = copy.readSlice(length: length) else { return nil }
        self = copy
        return slice
    }

    @inlinable @discardableResult
    public mutating func moveReaderIndex(forwardBy count: Int) -> Bool {
        guard count >= 0, readableSlice.count >= count else { return false }
        storage = readableSlice.dropFirst(count)
        return true
    }

    /// Everything not read yet; the cursor is empty afterwards.
    @inlinable public mutating func readRemaining() -> ArraySlice<UInt8> {
        let rest = readableSlice
        storage = readableSlice.suffix(0)
        return rest
    }
}
