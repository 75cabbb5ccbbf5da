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
///
/// Besides the link types, it follows VLAN tags, PPPoE, MPLS, Cisco SGT metadata, IP-in-IP and 6in4, and the
/// UDP tunnels met in real captures (VXLAN, Geneve, GTP-U), to a bounded depth.
public enum PacketDecoder {
    public static func decode(_ bytes: ArraySlice<UInt8>, linkType: LinkType) -> DecodedPacket {
        let layers = Layers(depth: 0, mayBeCut: true)
        switch linkType {
        case .ethernet:
            if let segment = FastPath.ethernetIPv4TCP(bytes) { return .tcp(segment) }
            return layers.decodeEthernet(bytes)
        case .linuxSLL:
            // struct sll_header { u16 pkttype; u16 hatype; u16 halen; u8 addr[8]; u16 protocol; }
            guard let type = bytes.bigEndianUInt16(at: 14) else {
                return .malformed(reason: "Linux cooked header cut short")
            }
            return layers.decodeEtherTypePayload(EtherType(rawValue: type), bytes.dropFirst(16))
        case .linuxSLL2:
            // struct sll2_header { u16 protocol; u16 reserved; u32 ifindex; u16 hatype; u8 pkttype; u8 halen;
            //                      u8 addr[8]; }
            guard bytes.count >= 20, let type = bytes.bigEndianUInt16(at: 0) else {
                return .malformed(reason: "Linux cooked v2 header cut short")
            }
            return layers.decodeEtherTypePayload(EtherType(rawValue: type), bytes.dropFirst(20))
        case .raw, .ipv4, .ipv6:
            return layers.decodeIP(bytes)
        case .null, .loop:
            return layers.decodeLoopback(bytes)
        default:
            return .unsupportedLinkType(linkType)
        }
    }
}

/// Ethernet II → IPv4 → TCP, the frames of nearly every capture, read in one pass over the slice (the layered
/// decoder below costs about 900 instructions a packet in slices handed from layer to layer). Anything else,
/// or anything unusual (options cut short, fragments, malformed lengths), returns nil and goes the general
/// way, which decodes the frames this accepts to the same segment. Inlinable, so that the per-packet path
/// decodes in place (no call, no closure, no header stored and loaded again).
@usableFromInline
enum FastPath {
    /// The header fields the fast path reads, and where the payload lies (offsets from `startIndex`).
    @usableFromInline
    struct Headers {
        @usableFromInline var source: UInt32, destination: UInt32, ports: UInt32, sequence: UInt32
        @usableFromInline var acknowledgment: UInt32
        @usableFromInline var flags: UInt16, window: UInt16
        @usableFromInline var payloadStart: Int, payloadEnd: Int, missing: Int

        @inlinable
        init(source: UInt32, destination: UInt32, ports: UInt32, sequence: UInt32, acknowledgment: UInt32,
             flags: UInt16, window: UInt16, payloadStart: Int, payloadEnd: Int, missing: Int) {
            self.source = source
            self.destination = destination
            self.ports = ports
            self.sequence = sequence
            self.acknowledgment = acknowledgment
            self.flags = flags
            self.window = window
            self.payloadStart = payloadStart
            self.payloadEnd = payloadEnd
            self.missing = missing
        }
    }

    static func ethernetIPv4TCP(_ bytes: ArraySlice<UInt8>) -> TCPSegment? {
        bytes.withUnsafeBytes(read).map { TCPSegment(header($0, at: bytes.startIndex), in: bytes) }
    }

    /// The header of frame bytes whose first index is `start`.
    @inlinable @inline(__always)
    static func header(_ h: Headers, at start: Int) -> TCPHeader {
        TCPHeader(
            source: Endpoint(address: IPAddress(ipv4: h.source), port: UInt16(truncatingIfNeeded: h.ports >> 16)),
            destination: Endpoint(address: IPAddress(ipv4: h.destination), port: UInt16(truncatingIfNeeded: h.ports)),
            sequenceNumber: h.sequence, acknowledgmentNumber: h.acknowledgment,
            flags: TCPFlags(rawValue: h.flags), window: h.window,
            payloadRange: (start + h.payloadStart)..<(start + h.payloadEnd), missingPayloadBytes: h.missing)
    }

    static func endpoints(_ bytes: RawSpan) -> (Endpoint, Endpoint)? {
        guard let h = bytes.withUnsafeBytes(read) else { return nil }
        return (Endpoint(address: IPAddress(ipv4: h.source), port: UInt16(truncatingIfNeeded: h.ports >> 16)),
                Endpoint(address: IPAddress(ipv4: h.destination), port: UInt16(truncatingIfNeeded: h.ports)))
    }

    /// Every read is checked against `count` first (the buffer's own loads check nothing in release builds).
    /// Fields are loaded whole (one load and a byte swap each), and the reader is inlined into its callers
    /// (no headers stored and loaded again): this runs for every packet.
    @inlinable @inline(__always)
    static func read(_ b: UnsafeRawBufferPointer) -> Headers? {
        let count = b.count
        // Ethernet: destination(6) source(6) EtherType(2) = IPv4.
        guard count >= 14 + 20, bigEndianUInt16(b, 12) == 0x0800 else { return nil }
        // IPv4 (RFC 791 §3.1), version 4, no fragment offset, protocol TCP.
        let ip = 14
        let versionAndLength = b[ip]
        let ipHeaderLength = Int(versionAndLength & 0x0f) * 4
        let totalLength = Int(bigEndianUInt16(b, ip + 2))
        guard versionAndLength >> 4 == 4, ipHeaderLength >= 20, ipHeaderLength <= count - ip,
              totalLength >= ipHeaderLength, bigEndianUInt16(b, ip + 6) & 0x1fff == 0, b[ip + 9] == 6 else { return nil }
        // The declared length ends the datagram (dropping Ethernet padding); beyond the capture it was cut.
        let datagramEnd = totalLength <= count - ip ? ip + totalLength : count
        let missing = totalLength <= count - ip ? 0 : totalLength - (count - ip)
        // TCP (RFC 9293 §3.1), header and options complete.
        let tcp = ip + ipHeaderLength
        guard datagramEnd - tcp >= 20 else { return nil }
        let offsetAndFlags = bigEndianUInt16(b, tcp + 12)
        let tcpHeaderLength = Int(offsetAndFlags >> 12) * 4
        guard tcpHeaderLength >= 20, tcpHeaderLength <= datagramEnd - tcp else { return nil }
        return Headers(source: bigEndianUInt32(b, ip + 12), destination: bigEndianUInt32(b, ip + 16),
                       ports: bigEndianUInt32(b, tcp), sequence: bigEndianUInt32(b, tcp + 4),
                       acknowledgment: bigEndianUInt32(b, tcp + 8), flags: offsetAndFlags & 0x01ff,
                       window: bigEndianUInt16(b, tcp + 14),
                       payloadStart: tcp + tcpHeaderLength, payloadEnd: datagramEnd, missing: missing)
    }

    @inlinable @inline(__always)
    static func bigEndianUInt16(_ b: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bigEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    static func bigEndianUInt32(_ b: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(bigEndian: b.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension PacketDecoder {
    /// The header of an Ethernet → IPv4 → TCP frame with nothing unusual about it, read in place (as the capture
    /// layer lends it), its `payloadRange` counted from the start of `bytes`; nil for any other frame (then
    /// `decode` says what it is). For the per-packet path: inlined into the caller, and plain data (no payload
    /// is cut for a segment that may carry none; an optional header is dropped without the runtime calls a
    /// `DecodedPacket` costs).
    @inlinable @inline(__always)
    public static func commonTCPHeader(_ bytes: RawSpan, linkType: LinkType) -> TCPHeader? {
        guard linkType == .ethernet, let headers = bytes.withUnsafeBytes(FastPath.read) else { return nil }
        return FastPath.header(headers, at: 0)
    }
}

extension PacketDecoder {
    /// What `decode` says of a frame, with only the endpoints of a TCP segment (no segment built): for
    /// spreading connections over workers, where the frame is decoded again by the worker.
    public enum Endpoints: Sendable {
        case tcp(Endpoint, Endpoint)
        /// Not a TCP segment: what `decode` said.
        case other(DecodedPacket)
    }

    public static func endpoints(_ bytes: ArraySlice<UInt8>, linkType: LinkType) -> Endpoints {
        if let ends = commonTCPEndpoints(bytes.span.bytes, linkType: linkType) { return .tcp(ends.0, ends.1) }
        let decoded = decode(bytes, linkType: linkType)
        if case .tcp(let segment) = decoded { return .tcp(segment.source, segment.destination) }
        return .other(decoded)
    }

    /// The endpoints of a frame `commonTCPHeader` reads, read in place; nil for any other frame.
    public static func commonTCPEndpoints(_ bytes: RawSpan, linkType: LinkType) -> (Endpoint, Endpoint)? {
        linkType == .ethernet ? FastPath.endpoints(bytes) : nil
    }
}

/// The decoding state carried down through the layers.
struct Layers {
    /// Tunnels inside tunnels stop here (every level costs bytes, but keep the stack shallow).
    static let maxDepth = 4

    /// Encapsulation levels already opened.
    var depth: Int
    /// False once an enclosing header proved the bytes complete (a declared length that fit in the capture):
    /// an inner length beyond them is then an inconsistency, not a snap-length cut.
    var mayBeCut: Bool

    /// One encapsulation level further in, or nil when that is too deep.
    func tunnel(mayBeCut inner: Bool) -> Layers? {
        depth < Self.maxDepth ? Layers(depth: depth + 1, mayBeCut: inner) : nil
    }

    /// Ethernet II: destination(6) source(6) EtherType(2); an EtherType ≤ 1500 is an 802.3 length (LLC frame).
    func decodeEthernet(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let type = bytes.bigEndianUInt16(at: 12) else { return .malformed(reason: "Ethernet header cut short") }
        return decodeEtherTypePayload(EtherType(rawValue: type), bytes.dropFirst(14))
    }

    /// Follows VLAN tags (any number), Cisco metadata, PPPoE session and MPLS to IPv4/IPv6.
    func decodeEtherTypePayload(_ firstType: EtherType, _ payload: ArraySlice<UInt8>) -> DecodedPacket {
        var type = firstType
        var rest = payload
        while true {
            if type.isVLANTag {
                // 802.1Q / 802.1ad tag: TCI(2) EtherType(2).
                guard let next = rest.bigEndianUInt16(at: 2) else { return .malformed(reason: "VLAN tag cut short") }
                type = EtherType(rawValue: next)
                rest = rest.dropFirst(4)
            } else if type == .ciscoMetadata {
                // Cisco TrustSec: Version(1) Length(1) Option Length/Type(2) SGT(2) EtherType(2).
                guard let next = rest.bigEndianUInt16(at: 6) else {
                    return .malformed(reason: "Cisco metadata cut short")
                }
                type = EtherType(rawValue: next)
                rest = rest.dropFirst(8)
            } else {
                break
            }
        }
        switch type {
        case .ipv4: return decodeIP(rest, expectedVersion: 4)
        case .ipv6: return decodeIP(rest, expectedVersion: 6)
        case .pppoeSession: return decodePPPoESession(rest)
        case .mplsUnicast, .mplsMulticast: return decodeMPLS(rest)
        case .transparentEthernet: return tunnel(mayBeCut: mayBeCut)?.decodeEthernet(rest) ?? .other
        default: return .other
        }
    }

    /// RFC 2516 §4: VER/TYPE(1) CODE(1) SESSION_ID(2) LENGTH(2), then the PPP protocol (RFC 1661) and its data.
    func decodePPPoESession(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let length = bytes.bigEndianUInt16(at: 4) else { return .malformed(reason: "PPPoE header cut short") }
        var body = bytes.dropFirst(6)
        var inner = self
        // LENGTH counts the PPP protocol field and data; the rest is Ethernet padding (or the snap length cut it).
        if Int(length) <= body.count {
            body = body.prefix(Int(length))
            inner.mayBeCut = false
        }
        guard let first = body.first else { return .malformed(reason: "PPP protocol cut short") }
        // Protocol-field compression (RFC 1661 §6.5): an odd first byte is a 1-byte protocol.
        let proto: UInt16
        if first & 1 == 1 {
            proto = UInt16(first)
            body = body.dropFirst(1)
        } else {
            guard let value = body.bigEndianUInt16(at: 0) else { return .malformed(reason: "PPP protocol cut short") }
            proto = value
            body = body.dropFirst(2)
        }
        switch proto {
        case 0x0021: return inner.decodeIP(body, expectedVersion: 4)
        case 0x0057: return inner.decodeIP(body, expectedVersion: 6)
        default: return .other
        }
    }

    /// RFC 3032: 4-byte label stack entries until the bottom-of-stack bit; then IP if the version nibble says so.
    func decodeMPLS(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        var rest = bytes
        while true {
            guard rest.count >= 4 else { return .malformed(reason: "MPLS label cut short") }
            let bottom = rest[rest.startIndex + 2] & 0x01 != 0
            rest = rest.dropFirst(4)
            if bottom { break }
        }
        switch rest.first.map({ $0 >> 4 }) {
        case 4, 6: return decodeIP(rest)
        default: return .other   // pseudowire control word, Ethernet over MPLS...
        }
    }

    /// BSD NULL: a 4-byte address family in the writer's byte order; LOOP: the same in network order.
    /// Both orders are accepted for both, since captures move between machines.
    func decodeLoopback(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        guard let bigEndian = bytes.bigEndianUInt32(at: 0) else {
            return .malformed(reason: "loopback header cut short")
        }
        let family = bigEndian > 0xffff ? bigEndian.byteSwapped : bigEndian
        let payload = bytes.dropFirst(4)
        switch family {
        case 2: // AF_INET
            return decodeIP(payload, expectedVersion: 4)
        case 24, 28, 30: // AF_INET6 on NetBSD/OpenBSD, FreeBSD, Darwin
            return decodeIP(payload, expectedVersion: 6)
        default:
            return .other
        }
    }
}

extension ArraySlice<UInt8> {
    /// Big-endian reads at an offset from `startIndex`; nil when the bytes are not there.
    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16? {
        guard offset >= 0, count - offset >= 2 else { return nil }
        let i = startIndex + offset
        return UInt16(self[i]) << 8 | UInt16(self[i + 1])
    }

    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32? {
        guard offset >= 0, count - offset >= 4 else { return nil }
        let i = startIndex + offset
        return UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }

    @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64? {
        guard let high = bigEndianUInt32(at: offset), let low = bigEndianUInt32(at: offset + 4) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    @inline(__always)
    func byte(at offset: Int) -> UInt8? {
        guard offset >= 0, offset < count else { return nil }
        return self[startIndex + offset]
    }
}
