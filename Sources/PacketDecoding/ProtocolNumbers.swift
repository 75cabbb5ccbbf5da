// Open protocol-number types: every value is representable, known ones have names, unknown ones print as numbers.

/// An EtherType (IEEE 802 numbers), as found in Ethernet, VLAN tags and Linux cooked headers.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let vlan = EtherType(rawValue: 0x8100)          // IEEE 802.1Q
    public static let ipv6 = EtherType(rawValue: 0x86dd)
    public static let mplsUnicast = EtherType(rawValue: 0x8847)
    public static let mplsMulticast = EtherType(rawValue: 0x8848)
    public static let pppoeDiscovery = EtherType(rawValue: 0x8863)
    public static let pppoeSession = EtherType(rawValue: 0x8864)
    public static let serviceVLAN = EtherType(rawValue: 0x88a8)   // IEEE 802.1ad (QinQ outer tag)
    public static let legacyQinQ = EtherType(rawValue: 0x9100)    // pre-802.1ad QinQ
    public static let ciscoMetadata = EtherType(rawValue: 0x8909)  // Cisco TrustSec SGT tag
    public static let transparentEthernet = EtherType(rawValue: 0x6558) // Ethernet inside GRE/Geneve

    /// True for the tag types that are followed by a 2-byte TCI and the next EtherType.
    public var isVLANTag: Bool { self == .vlan || self == .serviceVLAN || self == .legacyQinQ }

    public var description: String {
        switch self {
        case .ipv4: "IPv4"
        case .arp: "ARP"
        case .vlan: "802.1Q"
        case .ipv6: "IPv6"
        case .mplsUnicast, .mplsMulticast: "MPLS"
        case .pppoeDiscovery: "PPPoE discovery"
        case .pppoeSession: "PPPoE session"
        case .serviceVLAN: "802.1ad"
        case .legacyQinQ: "QinQ"
        case .ciscoMetadata: "Cisco metadata"
        case .transparentEthernet: "transparent Ethernet bridging"
        default: "0x" + hex(rawValue, width: 4)
        }
    }
}

/// An IP protocol / IPv6 next-header number (IANA "Assigned Internet Protocol Numbers").
public struct IPProtocolNumber: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let ipv6HopByHop = IPProtocolNumber(rawValue: 0)
    public static let ipv4 = IPProtocolNumber(rawValue: 4)            // IP-in-IP
    public static let tcp = IPProtocolNumber(rawValue: 6)
    public static let udp = IPProtocolNumber(rawValue: 17)
    public static let gre = IPProtocolNumber(rawValue: 47)
    public static let ipv6 = IPProtocolNumber(rawValue: 41)           // 6in4 (RFC 4213)
    public static let ipv6Routing = IPProtocolNumber(rawValue: 43)
    public static let ipv6Fragment = IPProtocolNumber(rawValue: 44)
    public static let esp = IPProtocolNumber(rawValue: 50)
    public static let authenticationHeader = IPProtocolNumber(rawValue: 51)
    public static let icmpv6 = IPProtocolNumber(rawValue: 58)
    public static let ipv6NoNextHeader = IPProtocolNumber(rawValue: 59)
    public static let ipv6DestinationOptions = IPProtocolNumber(rawValue: 60)
    public static let mobilityHeader = IPProtocolNumber(rawValue: 135)
    public static let hip = IPProtocolNumber(rawValue: 139)
    public static let shim6 = IPProtocolNumber(rawValue: 140)

    public var description: String {
        switch self {
        case .ipv6HopByHop: "IPv6 hop-by-hop options"
        case .ipv4: "IPv4"
        case .tcp: "TCP"
        case .udp: "UDP"
        case .gre: "GRE"
        case .ipv6: "IPv6"
        case .ipv6Routing: "IPv6 routing"
        case .ipv6Fragment: "IPv6 fragment"
        case .esp: "ESP"
        case .authenticationHeader: "AH"
        case .icmpv6: "ICMPv6"
        case .ipv6NoNextHeader: "IPv6 no next header"
        case .ipv6DestinationOptions: "IPv6 destination options"
        default: "IP protocol \(rawValue)"
        }
    }
}

/// Lower-case hex, zero-padded to `width` digits.
func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
    let digits = String(value, radix: 16)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
