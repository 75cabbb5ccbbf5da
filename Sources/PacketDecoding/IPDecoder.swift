import WireFormat

/// IPv4 and IPv6 down to the TCP header. Every length is checked against what was captured before it is used;
/// a datagram longer than the capture is taken as cut by the snap length (its missing bytes are reported).
extension Layers {
    /// Decodes an IP datagram; the version comes from the first nibble (raw IP), or must match `expectedVersion`
    /// when the layer below announced one.
    func decodeIP(_ bytes: ArraySlice<UInt8>, expectedVersion: UInt8? = nil) -> DecodedPacket {
        guard let first = bytes.first else { return .malformed(reason: "IP header missing") }
        let version = first >> 4
        if let expectedVersion, version != expectedVersion {
            return .malformed(reason: expectedVersion == 4 ? "IPv4 packet with another IP version" : "IPv6 packet with another IP version")
        }
        switch version {
        case 4: return decodeIPv4(bytes)
        case 6: return decodeIPv6(bytes)
        default: return .malformed(reason: "unknown IP version")
        }
    }

    /// Cuts a datagram to its declared length (dropping link-layer padding) and counts what the capture lacks.
    /// Inside a container known to be complete, a longer declared length is clamped (as Wireshark does).
    private func trim(_ bytes: ArraySlice<UInt8>, to declared: Int) -> (ArraySlice<UInt8>, missing: Int) {
        if declared <= bytes.count { return (bytes.prefix(declared), 0) }
        return (bytes, mayBeCut ? declared - bytes.count : 0)
    }

    /// RFC 791 §3.1: Version/IHL(1) TOS(1) Total Length(2) Identification(2) Flags/Fragment Offset(2) TTL(1)
    /// Protocol(1) Header Checksum(2) Source(4) Destination(4) Options(IHL*4 - 20).
    func decodeIPv4(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        // Read in place (no cursor copies of the slice): this runs once per packet.
        guard bytes.count >= 20, let versionIHL = bytes.first,
              let declaredLength = bytes.bigEndianUInt16(at: 2),
              let fragment = bytes.bigEndianUInt16(at: 6),
              let proto = bytes.byte(at: 9),
              let source = bytes.bigEndianUInt32(at: 12),
              let destination = bytes.bigEndianUInt32(at: 16)
        else { return .malformed(reason: "IPv4 header cut short") }
        var totalLength = Int(declaredLength)

        let headerLength = Int(versionIHL & 0x0f) * 4
        guard headerLength >= 20 else { return .malformed(reason: "IPv4 header length below 20") }
        guard headerLength <= bytes.count else { return .malformed(reason: "IPv4 options cut short") }
        // A zero total length comes from TCP segmentation offload on the capturing host: use what was captured.
        if totalLength == 0 { totalLength = bytes.count }
        guard totalLength >= headerLength else { return .malformed(reason: "IPv4 total length shorter than its header") }
        let (datagram, missing) = trim(bytes, to: totalLength)
        // Only the first fragment (offset 0) carries the TCP header.
        guard fragment & 0x1fff == 0 else { return .other }

        return decodeTransport(IPProtocolNumber(rawValue: proto), datagram.dropFirst(headerLength), missing: missing,
                               source: IPAddress(ipv4: source), destination: IPAddress(ipv4: destination))
    }

    /// RFC 8200 §3: Version/Traffic Class/Flow Label(4) Payload Length(2) Next Header(1) Hop Limit(1)
    /// Source(16) Destination(16), then extension headers (§4) up to the upper-layer header.
    func decodeIPv6(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        var cursor = ByteCursor(bytes)
        guard cursor.moveReaderIndex(forwardBy: 4),
              let payloadLength = cursor.readInteger(as: UInt16.self).map(Int.init),
              let firstNextHeader = cursor.readInteger(as: UInt8.self),
              cursor.moveReaderIndex(forwardBy: 1),
              let sourceHigh = cursor.readInteger(as: UInt64.self),
              let sourceLow = cursor.readInteger(as: UInt64.self),
              let destinationHigh = cursor.readInteger(as: UInt64.self),
              let destinationLow = cursor.readInteger(as: UInt64.self)
        else { return .malformed(reason: "IPv6 header cut short") }

        var rest = cursor.readRemaining()
        var missing = 0
        // Payload length 0: a jumbogram (RFC 2675) or segmentation offload; use what was captured.
        if payloadLength > 0 {
            (rest, missing) = trim(rest, to: payloadLength)
        }
        var nextHeader = IPProtocolNumber(rawValue: firstNextHeader)
        // Every extension header is at least 8 bytes long, so this loop ends.
        while true {
            let headerLength: Int
            switch nextHeader {
            case .ipv6HopByHop, .ipv6Routing, .ipv6DestinationOptions, .mobilityHeader, .hip, .shim6:
                // Next Header(1) Hdr Ext Len(1): the length in 8-octet units, not counting the first 8.
                guard let units = rest.byte(at: 1) else { return .malformed(reason: "IPv6 extension header cut short") }
                headerLength = (Int(units) + 1) * 8
            case .authenticationHeader:
                // RFC 4302 §2.2: Payload Len is the AH length in 4-octet units, minus 2.
                guard let units = rest.byte(at: 1) else { return .malformed(reason: "IPv6 extension header cut short") }
                headerLength = (Int(units) + 2) * 4
            case .ipv6Fragment:
                // §4.5: Next Header(1) Reserved(1) Fragment Offset(13 bits)/Res(2)/M(1) Identification(4).
                guard let offsetField = rest.bigEndianUInt16(at: 2) else {
                    return .malformed(reason: "IPv6 extension header cut short")
                }
                guard offsetField >> 3 == 0 else { return .other }
                headerLength = 8
            default:
                return decodeTransport(nextHeader, rest, missing: missing,
                                       source: IPAddress(ipv6High: sourceHigh, low: sourceLow),
                                       destination: IPAddress(ipv6High: destinationHigh, low: destinationLow))
            }
            guard headerLength <= rest.count, let next = rest.first else {
                return .malformed(reason: "IPv6 extension header cut short")
            }
            nextHeader = IPProtocolNumber(rawValue: next)
            rest = rest.dropFirst(headerLength)
        }
    }

    /// The upper-layer protocol of an IP datagram: TCP, or a tunnel that leads to more IP.
    func decodeTransport(_ proto: IPProtocolNumber, _ payload: ArraySlice<UInt8>, missing: Int,
                         source: IPAddress, destination: IPAddress) -> DecodedPacket {
        switch proto {
        case .tcp:
            return TCPDecoder.decode(payload, missing: missing, source: source, destination: destination)
        case .ipv4:
            return tunnel(mayBeCut: missing > 0)?.decodeIP(payload, expectedVersion: 4) ?? .other
        case .ipv6:
            return tunnel(mayBeCut: missing > 0)?.decodeIP(payload, expectedVersion: 6) ?? .other
        case .udp:
            return tunnel(mayBeCut: missing > 0)?.decodeUDPTunnel(payload) ?? .other
        case .gre:
            return tunnel(mayBeCut: missing > 0)?.decodeGRE(payload) ?? .other
        default:
            return .other
        }
    }
}
