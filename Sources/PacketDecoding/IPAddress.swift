/// An IPv4 or IPv6 address, stored inline (no allocation).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// IPv4 addresses use only `low`'s lower 32 bits.
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    public init(ipv4: UInt32) { self.high = 0; self.low = UInt64(ipv4); self.isIPv6 = false }
    public init(ipv6High: UInt64, low: UInt64) { self.high = ipv6High; self.low = low; self.isIPv6 = true }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }

    /// `192.0.2.1`, or RFC 5952 text for IPv6 (`2001:db8::1`).
    public var description: String {
        // Implemented by the decoding stage.
        ""
    }
}

/// An address and a port: one end of a TCP connection.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(address: IPAddress, port: UInt16) { self.address = address; self.port = port }

    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool { (lhs.address, lhs.port) < (rhs.address, rhs.port) }

    /// `192.0.2.1:443` or `[2001:db8::1]:443`.
    public var description: String {
        address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
