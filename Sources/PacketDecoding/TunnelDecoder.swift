/// Tunnels that real captures carry TLS in: GRE, and UDP-based VXLAN, Geneve and GTP-U (recognized by their
/// registered destination ports). Anything else over UDP is not ours.
extension Layers {
    static let vxlanPort: UInt16 = 4789
    static let genevePort: UInt16 = 6081
    static let gtpUserPort: UInt16 = 2152

    /// RFC 768: Source Port(2) Destination Port(2) Length(2) Checksum(2).
    func decodeUDPTunnel(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let destinationPort = bytes.bigEndianUInt16(at: 2), let length = bytes.bigEndianUInt16(at: 4),
              bytes.count >= 8 else { return .other }
        var body = bytes.dropFirst(8)
        if Int(length) >= 8, Int(length) - 8 <= body.count { body = body.prefix(Int(length) - 8) }
        switch destinationPort {
        case Self.vxlanPort: return decodeVXLAN(body)
        case Self.genevePort: return decodeGeneve(body)
        case Self.gtpUserPort: return decodeGTPUser(body)
        default: return .other
        }
    }

    /// RFC 7348 §5: Flags(1, I = 0x08) Reserved(3) VNI(3) Reserved(1), then an Ethernet frame.
    func decodeVXLAN(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let flags = bytes.first, flags & 0x08 != 0, bytes.count >= 8 else { return .other }
        return decodeEthernet(bytes.dropFirst(8))
    }

    /// RFC 8926 §3.4: Ver(2 bits)/Opt Len(6 bits, 4-octet units) Flags(1) Protocol Type(2) VNI(3) Reserved(1)
    /// Options.
    func decodeGeneve(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let first = bytes.first, first >> 6 == 0, let type = bytes.bigEndianUInt16(at: 2) else { return .other }
        let headerLength = 8 + Int(first & 0x3f) * 4
        guard headerLength <= bytes.count else { return .malformed(reason: "Geneve options cut short") }
        let payload = bytes.dropFirst(headerLength)
        return decodeEtherTypePayload(EtherType(rawValue: type), payload)
    }

    /// 3GPP TS 29.281 §5.1: Flags(1: Version 3 bits, PT, E, S, PN) Message Type(1) Length(2) TEID(4), then
    /// Sequence Number(2) N-PDU Number(1) Next Extension Header Type(1) when E, S or PN is set, then extension
    /// headers (Length(1) in 4-octet units, content, Next Type(1)). Only G-PDUs (type 255) carry user IP.
    func decodeGTPUser(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let flags = bytes.byte(at: 0), let type = bytes.byte(at: 1), flags >> 5 == 1, flags & 0x10 != 0,
              type == 0xff, let length = bytes.bigEndianUInt16(at: 2), bytes.count >= 8 else { return .other }
        var rest = bytes.dropFirst(8)
        // Length counts everything after the mandatory 8 bytes.
        if Int(length) <= rest.count { rest = rest.prefix(Int(length)) }
        if flags & 0x07 != 0 {
            guard var nextType = rest.byte(at: 3) else { return .malformed(reason: "GTP-U header cut short") }
            rest = rest.dropFirst(4)
            while nextType != 0 {
                guard let units = rest.first, units > 0, Int(units) * 4 <= rest.count,
                      let following = rest.byte(at: Int(units) * 4 - 1) else {
                    return .malformed(reason: "GTP-U extension header cut short")
                }
                nextType = following
                rest = rest.dropFirst(Int(units) * 4)
            }
        }
        switch rest.first.map({ $0 >> 4 }) {
        case 4, 6: return decodeIP(rest)
        default: return .other
        }
    }

    /// RFC 2784/2890: C/R/K/S flags and Version(2) Protocol Type(2), then Checksum+Reserved(4) if C, Key(4) if K,
    /// Sequence Number(4) if S. Only version 0 without source routing (RFC 1701's R bit) is followed.
    func decodeGRE(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let flags = bytes.bigEndianUInt16(at: 0), let type = bytes.bigEndianUInt16(at: 2),
              flags & 0x0007 == 0, flags & 0x4000 == 0 else { return .other }
        var headerLength = 4
        if flags & 0x8000 != 0 { headerLength += 4 }
        if flags & 0x2000 != 0 { headerLength += 4 }
        if flags & 0x1000 != 0 { headerLength += 4 }
        guard headerLength <= bytes.count else { return .malformed(reason: "GRE header cut short") }
        let payload = bytes.dropFirst(headerLength)
        return decodeEtherTypePayload(EtherType(rawValue: type), payload)
    }
}
