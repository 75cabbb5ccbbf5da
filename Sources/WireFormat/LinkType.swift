/// A capture's link-layer header type, as numbered by tcpdump.org's LINKTYPE_ registry.
/// Open: unknown values print as numbers.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)          // BSD loopback: 4-byte host-order family
    public static let ethernet = LinkType(rawValue: 1)
    public static let raw = LinkType(rawValue: 101)         // raw IPv4 or IPv6
    public static let loop = LinkType(rawValue: 108)        // OpenBSD loopback: 4-byte network-order family
    public static let linuxSLL = LinkType(rawValue: 113)    // Linux cooked capture v1 (16 bytes)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)   // Linux cooked capture v2 (20 bytes)

    public var description: String {
        switch self {
        case .null: "BSD loopback"
        case .ethernet: "Ethernet"
        case .raw: "raw IP"
        case .loop: "OpenBSD loopback"
        case .linuxSLL: "Linux cooked (SLL)"
        case .ipv4: "raw IPv4"
        case .ipv6: "raw IPv6"
        case .linuxSLL2: "Linux cooked v2 (SLL2)"
        default: "link type \(rawValue)"
        }
    }

    /// The short name tcpdump uses (`EN10MB`, `LINUX_SLL2`), for JSON.
    public var name: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "EN10MB"
        case .raw: "RAW"
        case .loop: "LOOP"
        case .linuxSLL: "LINUX_SLL"
        case .ipv4: "IPV4"
        case .ipv6: "IPV6"
        case .linuxSLL2: "LINUX_SLL2"
        default: "LINKTYPE_\(rawValue)"
        }
    }
}
