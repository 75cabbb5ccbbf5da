import Testing
import WireFormat
@testable import PacketDecoding

@Suite struct IPLayerTests {
    @Test func ipv4OptionsAreSkippedAndEthernetPaddingTrimmed() throws {
        // IHL 7: 8 bytes of options (NOP NOP, then a 4-byte timestamp-ish option and EOL padding).
        let options: [UInt8] = [1, 1, 0x44, 4, 5, 0, 0, 0]
        let ip = Build.ipv4(options: options, payload: Build.tcp(payload: [0xab, 0xcd]))
        let frame = Build.padded(Build.ethernet(type: 0x0800, payload: ip), to: 80)
        #expect(frame.count == 80)
        let segment = try #require(decodeEmbedded(frame, .ethernet).segment)
        #expect(Array(segment.payload) == [0xab, 0xcd])
        #expect(segment.missingPayloadBytes == 0)
    }

    @Test func ipv4FirstFragmentStillCarriesTheTCPHeader() throws {
        // More Fragments set, offset 0.
        let segment = try #require(decodeEmbedded(Build.ipv4(fragment: 0x2000, payload: Build.tcp()), .raw).segment)
        #expect(Array(segment.payload) == Array("hello".utf8))
    }

    @Test func ipv4TotalLengthZeroMeansSegmentationOffload() throws {
        let segment = try #require(decodeEmbedded(Build.ipv4(totalLength: 0, payload: Build.tcp(payload: Array(repeating: 7, count: 3000))), .raw).segment)
        #expect(segment.payload.count == 3000)
        #expect(segment.missingPayloadBytes == 0)
    }

    @Test func ipv6ExtensionHeadersAreSkipped() throws {
        // hop-by-hop (8) → routing (24) → fragment (first, M set) → destination options (16) → AH (16) → TCP.
        let chain = Build.ipv6Extension(next: 43)
            + Build.ipv6Extension(next: 44, length: 24)
            + [60, 0] + Build.be16(0x0001) + Build.be32(0xfeed)
            + Build.ipv6Extension(next: 51, length: 16)
            + [6, 2, 0, 0] + Build.be32(0x100) + Build.be32(1) + Build.be32(0xabcdef01)
            + Build.tcp(payload: [1, 2, 3])
        let frame = Build.ethernet(type: 0x86dd, payload: Build.ipv6(nextHeader: 0, payload: chain))
        let segment = try #require(decodeEmbedded(frame, .ethernet).segment)
        #expect(Array(segment.payload) == [1, 2, 3])
        #expect(segment.destination.port == 443)
        #expect(segment.source.address.description == "2001:db8::1")
    }

    @Test func ipv6PaddingIsTrimmedToThePayloadLength() throws {
        let frame = Build.ethernet(type: 0x86dd, payload: Build.ipv6(payload: Build.tcp(payload: [9])) + [0, 0, 0, 0])
        let segment = try #require(decodeEmbedded(frame, .ethernet).segment)
        #expect(Array(segment.payload) == [9])
    }

    @Test func ipv6JumbogramUsesWhatWasCaptured() throws {
        let frame = Build.ipv6(payloadLength: 0, payload: Build.tcp(payload: Array(repeating: 1, count: 70_000)))
        let segment = try #require(decodeEmbedded(frame, .raw).segment)
        #expect(segment.payload.count == 70_000)
        #expect(segment.missingPayloadBytes == 0)
    }

    @Test func sixInFourDecodesTheInnerIPv6() throws {
        let inner = Build.ipv6(payload: Build.tcp(sourcePort: 40_001, payload: [5, 6]))
        let frame = Build.padded(Build.ethernet(type: 0x0800, payload: Build.ipv4(protocol: 41, payload: inner)), to: 200)
        let segment = try #require(decodeEmbedded(frame, .ethernet).segment)
        #expect(segment.source.address.isIPv6)
        #expect(segment.source.port == 40_001)
        #expect(Array(segment.payload) == [5, 6])
    }

    @Test func tunnelledLengthBeyondACompleteOuterPacketIsClamped() throws {
        // The outer IPv4 is complete (it fits in the frame), so the inner's larger claim is no snap-length cut.
        let inner = Build.ipv6(payloadLength: 500, payload: Build.tcp(payload: [5, 6]))
        let segment = try #require(decodeEmbedded(Build.ipv4(protocol: 41, payload: inner), .raw).segment)
        #expect(Array(segment.payload) == [5, 6])
        #expect(segment.missingPayloadBytes == 0)
    }

    @Test func pppoeLengthShorterThanTheIPLengthIsNoGap() throws {
        // Seen in zeek's pppoe-over-qinq.pcap: IP claims 46 bytes, PPPoE carries 40.
        let ip = Build.ipv4(totalLength: 46, payload: Build.tcp(flags: 0x10, payload: []))
        let frame = Build.padded(Build.ethernet(type: 0x8864, payload: Build.pppoeSession(pppProtocol: 0x21, payload: ip)))
        let segment = try #require(decodeEmbedded(frame, .ethernet).segment)
        #expect(segment.payload.isEmpty)
        #expect(segment.missingPayloadBytes == 0)
    }

    struct CutCase: Sendable, CustomTestStringConvertible {
        var name: String
        var linkType: LinkType
        var frame: [UInt8]
        var testDescription: String { name }
    }

    static let payload = (0..<200).map { UInt8($0 % 251) }
    static let cutCases: [CutCase] = [
        CutCase(name: "Ethernet IPv4", linkType: .ethernet, frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp(payload: payload)))),
        CutCase(name: "Ethernet IPv6", linkType: .ethernet, frame: Build.ethernet(type: 0x86dd, payload: Build.ipv6(payload: Build.tcp(payload: payload)))),
        CutCase(name: "SLL2 6in4", linkType: .linuxSLL2, frame: Build.sll2(protocol: 0x0800, payload: Build.ipv4(protocol: 41, payload: Build.ipv6(payload: Build.tcp(payload: payload))))),
        CutCase(name: "PPPoE IPv4", linkType: .ethernet, frame: Build.ethernet(type: 0x8864, payload: Build.pppoeSession(pppProtocol: 0x21, payload: Build.ipv4(payload: Build.tcp(payload: payload))))),
    ]

    /// Cut at every length: up to the end of the TCP header the frame is malformed; past it, the captured prefix
    /// plus the announced missing bytes always add up to the whole payload.
    @Test(arguments: cutCases)
    func snapLengthCutsAreCountedAsMissingPayload(_ c: CutCase) {
        let headerBytes = c.frame.count - Self.payload.count
        for length in 0...c.frame.count {
            let result = decodeEmbedded(Array(c.frame.prefix(length)), c.linkType)
            if length < headerBytes {
                #expect(result.malformedReason != nil, "length \(length): \(result)")
            } else if let segment = result.segment {
                #expect(Array(segment.payload) == Array(Self.payload.prefix(length - headerBytes)))
                #expect(segment.missingPayloadBytes == c.frame.count - length)
            } else {
                Issue.record("length \(length): \(result)")
            }
        }
    }

    @Test func tcpOptionsAndFlags() throws {
        let options: [UInt8] = [2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 3, 3, 7]  // MSS, SACK permitted, NOP, window scale
        let tcp = Build.tcp(seq: 0xffff_fff0, ack: 0, flags: 0x1ff, options: options, payload: [0x16, 0x03])
        let segment = try #require(decodeEmbedded(Build.ipv4(payload: tcp), .raw).segment)
        #expect(segment.sequenceNumber == 0xffff_fff0)
        #expect(segment.flags == [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr, .ae])
        #expect(Array(segment.payload) == [0x16, 0x03])
    }

    @Test func checksumsAreNotChecked() throws {
        var ip = Build.ipv4(payload: Build.tcp())
        ip[10] = 0x00; ip[11] = 0x01        // wrong IPv4 header checksum
        ip[20 + 16] = 0x12; ip[20 + 17] = 0x34  // wrong TCP checksum
        #expect(decodeEmbedded(ip, .raw).segment != nil)
    }
}
