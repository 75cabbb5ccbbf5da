import TestSupport
import Testing
import WireFormat
@testable import PacketDecoding

@Suite struct MalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var linkType: LinkType
        var frame: [UInt8]
        var reason: String
        var testDescription: String { name }
    }

    static let tcp = Build.tcp()

    static let cases: [Case] = [
        Case(name: "Ethernet header cut short", linkType: .ethernet, frame: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
             reason: "Ethernet header cut short"),
        Case(name: "VLAN tag cut short", linkType: .ethernet, frame: Build.ethernet(type: 0x8100, payload: [0, 1]),
             reason: "VLAN tag cut short"),
        Case(name: "SLL cut short", linkType: .linuxSLL, frame: Array(repeating: 0, count: 15),
             reason: "Linux cooked header cut short"),
        Case(name: "SLL2 cut short", linkType: .linuxSLL2, frame: Array(repeating: 0, count: 19),
             reason: "Linux cooked v2 header cut short"),
        Case(name: "loopback header cut short", linkType: .null, frame: [2, 0], reason: "loopback header cut short"),
        Case(name: "IPv4 header cut short", linkType: .raw, frame: Array(Build.ipv4(payload: tcp).prefix(19)),
             reason: "IPv4 header cut short"),
        Case(name: "IHL below 5", linkType: .raw, frame: Build.ipv4(ihl: 4, payload: tcp), reason: "IPv4 header length below 20"),
        Case(name: "IHL beyond the packet", linkType: .raw, frame: Array(Build.ipv4(ihl: 15, payload: tcp).prefix(40)),
             reason: "IPv4 options cut short"),
        Case(name: "total length below IHL", linkType: .raw, frame: Build.ipv4(totalLength: 16, payload: tcp),
             reason: "IPv4 total length shorter than its header"),
        Case(name: "EtherType IPv4 carrying version 6", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv6(payload: tcp)),
             reason: "IPv4 packet with another IP version"),
        Case(name: "NULL AF_INET6 carrying version 4", linkType: .null, frame: Build.le32(30) + Build.ipv4(payload: tcp),
             reason: "IPv6 packet with another IP version"),
        Case(name: "raw IP version 5", linkType: .raw, frame: [0x50] + Array(repeating: 0, count: 39), reason: "unknown IP version"),
        Case(name: "raw IP empty", linkType: .raw, frame: [], reason: "IP header missing"),
        Case(name: "IPv6 header cut short", linkType: .raw, frame: Array(Build.ipv6(payload: tcp).prefix(39)),
             reason: "IPv6 header cut short"),
        Case(name: "IPv6 extension header longer than the packet", linkType: .raw,
             frame: Build.ipv6(nextHeader: 60, payload: [6, 20, 0, 0, 0, 0, 0, 0] + tcp), reason: "IPv6 extension header cut short"),
        Case(name: "IPv6 fragment header cut short", linkType: .raw, frame: Build.ipv6(nextHeader: 44, payload: [6, 0]),
             reason: "IPv6 extension header cut short"),
        Case(name: "TCP header cut short", linkType: .raw, frame: Build.ipv4(payload: Array(tcp.prefix(12))),
             reason: "TCP header cut short"),
        Case(name: "TCP header cut by the snap length", linkType: .raw, frame: Array(Build.ipv4(payload: tcp).prefix(30)),
             reason: "TCP header cut by the snap length"),
        Case(name: "TCP data offset below 5", linkType: .raw, frame: Build.ipv4(payload: Build.tcp(dataOffset: 4)),
             reason: "TCP data offset below 5"),
        Case(name: "TCP data offset beyond the segment", linkType: .raw, frame: Build.ipv4(payload: Build.tcp(dataOffset: 15, payload: [1, 2])),
             reason: "TCP data offset beyond the segment"),
        Case(name: "TCP options cut by the snap length", linkType: .raw,
             frame: Array(Build.ipv4(payload: Build.tcp(options: Array(repeating: 1, count: 20), payload: [1, 2])).prefix(48)),
             reason: "TCP options cut by the snap length"),
        Case(name: "PPPoE header cut short", linkType: .ethernet, frame: Build.ethernet(type: 0x8864, payload: [0x11, 0]),
             reason: "PPPoE header cut short"),
        Case(name: "MPLS without bottom of stack", linkType: .ethernet, frame: Build.ethernet(type: 0x8847, payload: [0, 0x10, 0x00, 64]),
             reason: "MPLS label cut short"),
    ]

    @Test(arguments: cases)
    func malformedFramesSayWhy(_ c: Case) {
        let result = decodeEmbedded(c.frame, c.linkType)
        #expect(result.malformedReason == c.reason, "got \(result)")
    }

    /// Random bytes and bit flips of a valid frame: the decoder answers something and never traps.
    @Test func garbageNeverTraps() {
        var generator = SplitMix64(seed: 0x5eed)
        let valid = Build.ethernet(type: 0x8100, payload: [0, 1, 0x86, 0xdd] + Build.ipv6(
            nextHeader: 0, payload: Build.ipv6Extension(next: 44) + [6, 0, 0, 1, 0, 0, 0, 1] + Build.tcp(payload: Array(repeating: 3, count: 40)))
        )
        let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .null, .loop]
        var decodedTCP = 0
        for round in 0..<20_000 {
            var frame = valid
            if round % 2 == 0 {
                frame = (0..<Int(generator.next() % 120)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                for _ in 0..<(1 + generator.next() % 4) {
                    let index = Int(generator.next() % UInt64(frame.count))
                    frame[index] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
                }
            }
            let linkType = linkTypes[Int(generator.next() % UInt64(linkTypes.count))]
            if let segment = decodeEmbedded(frame, linkType).segment {
                decodedTCP += 1
                #expect(segment.missingPayloadBytes >= 0)
            }
        }
        #expect(decodedTCP > 0)
    }
}

