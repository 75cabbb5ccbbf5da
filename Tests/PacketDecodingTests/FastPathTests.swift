import Testing
import WireFormat
@testable import PacketDecoding

/// The Ethernet → IPv4 → TCP fast path either declines a frame or gives exactly the segment the layered
/// decoder gives; it never accepts what the layered decoder calls malformed or not TCP.
@Suite struct FastPathTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: [UInt8]
        /// Whether the fast path should take the whole frame.
        var taken: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain segment", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp())),
             taken: true),
        Case(name: "Ethernet padding after a short segment",
             frame: Build.padded(Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp(payload: [1])))),
             taken: true),
        Case(name: "IPv4 options",
             frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(options: [1, 1, 0x44, 4, 5, 0, 0, 0],
                                                                     payload: Build.tcp(payload: [0xab, 0xcd]))),
             taken: true),
        Case(name: "TCP options and every flag",
             frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp(
                 seq: 0xfedc_ba98, ack: 0x0123_4567, flags: 0x1ff, window: 0xffff,
                 options: [2, 4, 0x05, 0xb4, 1, 1, 4, 2]))),
             taken: true),
        Case(name: "no payload", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp(payload: []))),
             taken: true),
        Case(name: "first fragment", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(fragment: 0x2000,
                                                                                          payload: Build.tcp())),
             taken: true),
        Case(name: "later fragment", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(fragment: 0x2001,
                                                                                          payload: Build.tcp())),
             taken: false),
        Case(name: "VLAN tag", frame: Build.ethernet(type: 0x0800, tags: [0x8100], payload: Build.ipv4(payload: Build.tcp())),
             taken: false),
        Case(name: "IPv6", frame: Build.ethernet(type: 0x86dd, payload: Build.ipv6(payload: Build.tcp())), taken: false),
        Case(name: "UDP", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(protocol: 17, payload: Build.udp(
            destinationPort: 53, payload: [1, 2, 3]))), taken: false),
        Case(name: "IHL below 5", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(ihl: 4, payload: Build.tcp())),
             taken: false),
        Case(name: "IHL beyond the frame", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(ihl: 15, payload: [])),
             taken: false),
        Case(name: "total length below the header", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            totalLength: 12, payload: Build.tcp())), taken: false),
        Case(name: "total length zero (segmentation offload)", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            totalLength: 0, payload: Build.tcp())), taken: false),
        Case(name: "data offset below 5", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(payload: Build.tcp(
            dataOffset: 4))), taken: false),
        Case(name: "data offset beyond the datagram", frame: Build.ethernet(type: 0x0800, payload: Build.ipv4(
            payload: Build.tcp(dataOffset: 15, payload: []))), taken: false),
        Case(name: "snap length cut the payload", frame: Array(Build.ethernet(type: 0x0800, payload: Build.ipv4(
            payload: Build.tcp(payload: Array(repeating: 9, count: 100)))).prefix(70)), taken: true),
        Case(name: "version 6 in an IPv4 EtherType", frame: Build.ethernet(type: 0x0800, payload: Build.ipv6(
            payload: Build.tcp())), taken: false),
    ]

    /// The segment the layered decoder gives, as the fast path would see it.
    static func layered(_ bytes: ArraySlice<UInt8>) -> DecodedPacket {
        Layers(depth: 0, mayBeCut: true).decodeEthernet(bytes)
    }

    /// The fast path's header, read in place, as a segment with the payload its range indexes (from the start).
    static func fast(_ bytes: ArraySlice<UInt8>) -> TCPSegment? {
        guard let header = PacketDecoder.commonTCPHeader(bytes.span.bytes, linkType: .ethernet) else { return nil }
        let payload = bytes.dropFirst(header.payloadRange.lowerBound).prefix(header.payloadRange.count)
        #expect(payload.count == header.payloadRange.count)
        return TCPSegment(source: header.source, destination: header.destination,
                          sequenceNumber: header.sequenceNumber, acknowledgmentNumber: header.acknowledgmentNumber,
                          flags: header.flags, window: header.window, payload: payload,
                          missingPayloadBytes: header.missingPayloadBytes)
    }

    static func expectSame(_ fast: TCPSegment, _ layered: TCPSegment) {
        #expect(fast.source == layered.source)
        #expect(fast.destination == layered.destination)
        #expect(fast.sequenceNumber == layered.sequenceNumber)
        #expect(fast.acknowledgmentNumber == layered.acknowledgmentNumber)
        #expect(fast.flags == layered.flags)
        #expect(fast.window == layered.window)
        #expect(fast.payload.startIndex == layered.payload.startIndex)
        #expect(Array(fast.payload) == Array(layered.payload))
        #expect(fast.missingPayloadBytes == layered.missingPayloadBytes)
    }

    @Test(arguments: cases)
    func agreesWithTheLayeredDecoder(_ c: Case) throws {
        // In the middle of a larger buffer: offsets must count from the slice's start.
        let buffer = Array(repeating: 0xee, count: 5) + c.frame + Array(repeating: 0xee, count: 3)
        let bytes = buffer[5..<(5 + c.frame.count)]
        let fast = Self.fast(bytes)
        #expect((fast != nil) == c.taken)
        if let fast {
            Self.expectSame(fast, try #require(Self.layered(bytes).segment))
        }
    }

    @Test(arguments: cases)
    func everyCutOfTheFrameIsDeclinedOrAgrees(_ c: Case) throws {
        for length in 0...c.frame.count {
            let bytes = c.frame[..<length]
            guard let fast = Self.fast(bytes) else { continue }
            Self.expectSame(fast, try #require(Self.layered(bytes).segment, "cut at \(length)"))
        }
    }

    @Test func otherLinkTypesAreDeclined() {
        let frame = Build.ipv4(payload: Build.tcp())
        #expect(Self.fastDeclines(frame[...], .raw))
        #expect(Self.fastDeclines(Build.sll(protocol: 0x0800, payload: frame)[...], .linuxSLL))
    }

    static func fastDeclines(_ bytes: ArraySlice<UInt8>, _ linkType: LinkType) -> Bool {
        PacketDecoder.commonTCPHeader(bytes.span.bytes, linkType: linkType) == nil
    }
}
