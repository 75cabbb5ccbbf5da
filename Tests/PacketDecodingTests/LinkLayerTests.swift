import Testing
import WireFormat
@testable import PacketDecoding

/// Decodes `frame` from the middle of a larger buffer, so that any indexing from 0 instead of `startIndex` shows.
func decodeEmbedded(_ frame: [UInt8], _ linkType: LinkType) -> DecodedPacket {
    let buffer = Array(repeating: 0xee, count: 7) + frame + Array(repeating: 0xee, count: 3)
    return PacketDecoder.decode(buffer[7..<(7 + frame.count)], linkType: linkType)
}

@Suite struct LinkLayerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var linkType: LinkType
        var frame: [UInt8]
        var ipv6 = false
        var testDescription: String { name }
    }

    static let v4 = Build.ipv4(payload: Build.tcp())
    static let v6 = Build.ipv6(payload: Build.tcp())

    static let cases: [Case] = [
        Case(name: "Ethernet IPv4", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: v4)),
        Case(name: "Ethernet IPv6", linkType: .ethernet, frame: Build.ethernet(type: 0x86dd, payload: v6), ipv6: true),
        Case(name: "802.1Q", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, tags: [0x8100], payload: v4)),
        Case(name: "802.1ad QinQ", linkType: .ethernet, frame: Build.ethernet(type: 0x86dd, tags: [0x88a8, 0x8100], payload: v6), ipv6: true),
        Case(name: "0x9100 + two 802.1Q", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, tags: [0x9100, 0x8100, 0x8100], payload: v4)),
        Case(name: "PPPoE IPv4", linkType: .ethernet, frame: Build.ethernet(type: 0x8864, payload: Build.pppoeSession(pppProtocol: 0x0021, payload: v4))),
        Case(name: "PPPoE IPv6", linkType: .ethernet, frame: Build.ethernet(type: 0x8864, payload: Build.pppoeSession(pppProtocol: 0x0057, payload: v6)), ipv6: true),
        Case(name: "PPPoE over QinQ, padded", linkType: .ethernet,
             frame: Build.padded(Build.ethernet(type: 0x8864, tags: [0x88a8, 0x8100], payload: Build.pppoeSession(pppProtocol: 0x0021, payload: v4)), to: 120)),
        Case(name: "MPLS two labels", linkType: .ethernet, frame: Build.ethernet(type: 0x8847, payload: [0, 0x10, 0x00, 64, 0, 0x20, 0x01, 64] + v4)),
        Case(name: "Cisco SGT", linkType: .ethernet, frame: Build.ethernet(type: 0x8909, payload: [1, 1, 0, 1, 0, 2, 0x08, 0x00] + v4)),
        Case(name: "Linux SLL", linkType: .linuxSLL, frame: Build.sll(protocol: 0x0800, payload: v4)),
        Case(name: "Linux SLL IPv6", linkType: .linuxSLL, frame: Build.sll(protocol: 0x86dd, payload: v6), ipv6: true),
        Case(name: "Linux SLL2", linkType: .linuxSLL2, frame: Build.sll2(protocol: 0x0800, payload: v4)),
        Case(name: "Linux SLL2 IPv6", linkType: .linuxSLL2, frame: Build.sll2(protocol: 0x86dd, payload: v6), ipv6: true),
        Case(name: "raw IPv4", linkType: .raw, frame: v4),
        Case(name: "raw IPv6", linkType: .raw, frame: v6, ipv6: true),
        Case(name: "LINKTYPE_IPV4", linkType: .ipv4, frame: v4),
        Case(name: "LINKTYPE_IPV6", linkType: .ipv6, frame: v6, ipv6: true),
        Case(name: "NULL little-endian AF_INET", linkType: .null, frame: Build.le32(2) + v4),
        Case(name: "NULL big-endian AF_INET", linkType: .null, frame: Build.be32(2) + v4),
        Case(name: "NULL little-endian AF_INET6 (BSD 24)", linkType: .null, frame: Build.le32(24) + v6, ipv6: true),
        Case(name: "NULL little-endian AF_INET6 (FreeBSD 28)", linkType: .null, frame: Build.le32(28) + v6, ipv6: true),
        Case(name: "NULL little-endian AF_INET6 (Darwin 30)", linkType: .null, frame: Build.le32(30) + v6, ipv6: true),
        Case(name: "NULL big-endian AF_INET6 (Darwin 30)", linkType: .null, frame: Build.be32(30) + v6, ipv6: true),
        Case(name: "LOOP AF_INET", linkType: .loop, frame: Build.be32(2) + v4),
        Case(name: "LOOP AF_INET6", linkType: .loop, frame: Build.be32(24) + v6, ipv6: true),
        Case(name: "6in4 (protocol 41)", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(protocol: 41, payload: v6)), ipv6: true),
        Case(name: "IPv4 in IPv6", linkType: .raw, frame: Build.ipv6(nextHeader: 4, payload: v4)),
        Case(name: "VXLAN", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            protocol: 17, payload: Build.udp(destinationPort: 4789, payload: [0x08, 0, 0, 0, 0, 0, 1, 0] + Build.ethernet(type: 0x0800, payload: v4))))),
        Case(name: "Geneve with options", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            protocol: 17, payload: Build.udp(destinationPort: 6081, payload: [0x01, 0, 0x65, 0x58, 0, 0, 1, 0, 1, 2, 3, 4] + Build.ethernet(type: 0x86dd, payload: v6)))), ipv6: true),
        Case(name: "GTP-U with sequence number", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            protocol: 17, payload: Build.udp(destinationPort: 2152, payload: [0x32, 0xff] + Build.be16(4 + v4.count) + Build.be32(7) + [0, 1, 0, 0] + v4)))),
        Case(name: "GRE", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            protocol: 47, payload: [0x20, 0x00, 0x86, 0xdd] + Build.be32(99) + v6)), ipv6: true),
    ]

    @Test(arguments: cases)
    func decodesTheSameSegmentThroughEveryEncapsulation(_ c: Case) throws {
        let segment = try #require(decodeEmbedded(c.frame, c.linkType).segment)
        let client = c.ipv6 ? try #require(IPAddress("2001:db8::1")) : IPAddress(192, 0, 2, 1)
        let server = c.ipv6 ? try #require(IPAddress("2001:db8::1bb")) : IPAddress(198, 51, 100, 7)
        #expect(segment.source == Endpoint(address: client, port: 50_000))
        #expect(segment.destination == Endpoint(address: server, port: 443))
        #expect(segment.sequenceNumber == 1000)
        #expect(segment.acknowledgmentNumber == 2000)
        #expect(segment.flags == [.psh, .ack])
        #expect(segment.window == 501)
        #expect(Array(segment.payload) == Array("hello".utf8))
        #expect(segment.missingPayloadBytes == 0)
        // A view into the frame, not a copy: it ends where the frame's TCP payload ends (before any padding).
        #expect(segment.payload.startIndex >= 7 && segment.payload.endIndex <= 7 + c.frame.count)
    }

    @Test func unknownLinkTypeIsReported() {
        let result = PacketDecoder.decode(Self.v4[...], linkType: LinkType(rawValue: 147))
        guard case .unsupportedLinkType(let type) = result else {
            Issue.record("expected unsupportedLinkType, got \(result)")
            return
        }
        #expect(type.rawValue == 147)
    }

    struct OtherCase: Sendable, CustomTestStringConvertible {
        var name: String
        var linkType: LinkType
        var frame: [UInt8]
        var testDescription: String { name }
    }

    static let notTCP: [OtherCase] = [
        OtherCase(name: "ARP", linkType: .ethernet, frame: Build.padded(Build.ethernet(type: 0x0806, payload: Array(repeating: 1, count: 28)))),
        OtherCase(name: "802.3 length field (LLC)", linkType: .ethernet, frame: Build.padded(Build.ethernet(type: 46, payload: [0x42, 0x42, 0x03]))),
        OtherCase(name: "UDP", linkType: .raw, frame: Build.ipv4(protocol: 17, payload: Build.udp(destinationPort: 53, payload: [1, 2, 3]))),
        OtherCase(name: "ICMPv6", linkType: .raw, frame: Build.ipv6(nextHeader: 58, payload: [128, 0, 0, 0, 0, 1, 0, 1])),
        OtherCase(name: "IPv6 no next header", linkType: .raw, frame: Build.ipv6(nextHeader: 59, payload: [])),
        OtherCase(name: "ESP", linkType: .raw, frame: Build.ipv6(nextHeader: 50, payload: Array(repeating: 9, count: 16))),
        OtherCase(name: "non-first IPv4 fragment", linkType: .raw, frame: Build.ipv4(fragment: 0x0010, payload: Build.tcp())),
        OtherCase(name: "last IPv4 fragment", linkType: .raw, frame: Build.ipv4(fragment: 0x0002, payload: Build.tcp())),
        OtherCase(name: "non-first IPv6 fragment", linkType: .raw,
                  frame: Build.ipv6(nextHeader: 44, payload: [6, 0] + Build.be16(8 << 3) + Build.be32(1) + Build.tcp())),
        OtherCase(name: "NULL with AF_UNSPEC", linkType: .null, frame: Build.le32(0) + Self.v4),
        OtherCase(name: "SLL with 802.2 protocol", linkType: .linuxSLL, frame: Build.sll(protocol: 0x0004, payload: [0x42, 0x42, 0x03])),
        OtherCase(name: "PPPoE LCP", linkType: .ethernet, frame: Build.padded(Build.ethernet(type: 0x8864, payload: Build.pppoeSession(pppProtocol: 0xc021, payload: [1, 1, 0, 4])))),
        OtherCase(name: "PPPoE discovery", linkType: .ethernet, frame: Build.padded(Build.ethernet(type: 0x8863, payload: [0x11, 0x09, 0, 0, 0, 0]))),
        OtherCase(name: "UDP on a tunnel port that is not a tunnel", linkType: .raw,
                  frame: Build.ipv4(protocol: 17, payload: Build.udp(destinationPort: 4789, payload: [0, 0, 0, 0]))),
    ]

    @Test(arguments: notTCP)
    func framesWithoutTCPAreOther(_ c: OtherCase) {
        let result = decodeEmbedded(c.frame, c.linkType)
        #expect(result.isOther, "got \(result)")
    }
}
