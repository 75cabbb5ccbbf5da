/// A TCP sequence number: arithmetic modulo 2^32, compared by signed difference (RFC 9293 §3.4), as gopacket's
/// `reassembly.Sequence`. Valid while the two numbers are less than 2^31 apart, which any real window is.
public struct TCPSequence: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// How far `other` lies after `self` (negative when before), across wrap-around.
    public func distance(to other: TCPSequence) -> Int {
        Int(Int32(bitPattern: other.rawValue &- rawValue))
    }

    /// The sequence number `count` bytes later (or earlier when negative), modulo 2^32.
    public func advanced(by count: Int) -> TCPSequence {
        TCPSequence(rawValue: rawValue &+ UInt32(truncatingIfNeeded: count))
    }

    /// True when `self` comes before `other` in sequence space.
    public func precedes(_ other: TCPSequence) -> Bool { distance(to: other) > 0 }

    public var description: String { String(rawValue) }
}
