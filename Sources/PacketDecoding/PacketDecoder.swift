import WireFormat

/// What a captured frame turned out to be.
public enum DecodedPacket: Sendable {
    /// A TCP segment over IPv4 or IPv6 (after any VLAN tags, cooked headers or IPv6 extension headers).
    case tcp(TCPSegment)
    /// Something we do not analyze (ARP, UDP, ICMP, a non-first IP fragment, ...).
    case other
    /// The frame's headers are inconsistent or cut short; `reason` is one short phrase.
    case malformed(reason: String)
    /// The capture's link type is not one we decode.
    case unsupportedLinkType(LinkType)
}

/// Decodes link layer → IPv4/IPv6 → TCP. Pure: no allocation beyond the returned value, never traps.
public enum PacketDecoder {
    public static func decode(_ bytes: ArraySlice<UInt8>, linkType: LinkType) -> DecodedPacket {
        // Implemented by the decoding stage.
        .other
    }
}
