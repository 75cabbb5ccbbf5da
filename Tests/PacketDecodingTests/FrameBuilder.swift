import PacketDecoding

/// Builds frames byte by byte for the decoding tests. Checksums are left zero: the decoder must not care.
enum Build {
    static let clientV4: [UInt8] = [192, 0, 2, 1]
    static let serverV4: [UInt8] = [198, 51, 100, 7]
    static let clientV6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]
    static let serverV6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xbb]

    static func be16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)] }
    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    static func le32(_ value: UInt32) -> [UInt8] { be32(value).reversed() }

    /// A TCP header (data offset from the options, which must be a multiple of 4 bytes) and payload.
    static func tcp(sourcePort: Int = 50_000, destinationPort: Int = 443, seq: UInt32 = 1000, ack: UInt32 = 2000,
                    flags: UInt16 = 0x18, window: Int = 501, options: [UInt8] = [], dataOffset: Int? = nil,
                    payload: [UInt8] = Array("hello".utf8)) -> [UInt8] {
        let offset = dataOffset ?? (20 + options.count) / 4
        return be16(sourcePort) + be16(destinationPort) + be32(seq) + be32(ack)
            + [UInt8(offset << 4) | UInt8(flags >> 8), UInt8(flags & 0xff)] + be16(window) + [0xde, 0xad] + [0, 0]
            + options + payload
    }

    /// An IPv4 header with the given options around `payload`; `totalLength` overrides the computed one.
    static func ipv4(protocol proto: UInt8 = 6, source: [UInt8] = clientV4, destination: [UInt8] = serverV4,
                     options: [UInt8] = [], ihl: Int? = nil, totalLength: Int? = nil, fragment: UInt16 = 0x4000,
                     payload: [UInt8]) -> [UInt8] {
        let headerLength = 20 + options.count
        let versionIHL = UInt8(0x40 | (ihl ?? headerLength / 4))
        return [versionIHL, 0] + be16(totalLength ?? headerLength + payload.count) + [0x12, 0x34]
            + be16(Int(fragment)) + [64, proto, 0xff, 0xff] + source + destination + options + payload
    }

    /// An IPv6 header around `payload` (extension headers included in `payload`).
    static func ipv6(nextHeader: UInt8 = 6, source: [UInt8] = clientV6, destination: [UInt8] = serverV6,
                     payloadLength: Int? = nil, payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(payloadLength ?? payload.count) + [nextHeader, 64] + source + destination + payload
    }

    /// An IPv6 extension header in the (8-octet units) format shared by hop-by-hop, routing, destination options.
    static func ipv6Extension(next: UInt8, length: Int = 8) -> [UInt8] {
        [next, UInt8(length / 8 - 1)] + Array(repeating: 0, count: length - 2)
    }

    static func ethernet(type: Int, tags: [Int] = [], payload: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = [0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02]
        for tag in tags { frame += be16(tag) + be16(100) }
        return frame + be16(type) + payload
    }

    /// Ethernet frames are at least 60 bytes (without FCS): short ones are padded with zeros.
    static func padded(_ frame: [UInt8], to length: Int = 60) -> [UInt8] {
        frame.count >= length ? frame : frame + Array(repeating: 0, count: length - frame.count)
    }

    static func sll(protocol proto: Int, payload: [UInt8]) -> [UInt8] {
        [0, 0, 0, 1, 0, 6] + [2, 0, 0, 0, 0, 1, 0, 0] + be16(proto) + payload
    }

    static func sll2(protocol proto: Int, payload: [UInt8]) -> [UInt8] {
        be16(proto) + [0, 0] + be32(3) + [0, 1, 0, 6] + [2, 0, 0, 0, 0, 1, 0, 0] + payload
    }

    static func pppoeSession(pppProtocol: Int, payload: [UInt8]) -> [UInt8] {
        [0x11, 0x00, 0x12, 0x34] + be16(payload.count + 2) + be16(pppProtocol) + payload
    }

    static func udp(destinationPort: Int, payload: [UInt8]) -> [UInt8] {
        be16(40_000) + be16(destinationPort) + be16(8 + payload.count) + [0, 0] + payload
    }
}

extension DecodedPacket {
    var segment: TCPSegment? {
        if case .tcp(let segment) = self { return segment }
        return nil
    }

    var malformedReason: String? {
        if case .malformed(let reason) = self { return reason }
        return nil
    }

    var isOther: Bool {
        if case .other = self { return true }
        return false
    }
}
