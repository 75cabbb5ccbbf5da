import TestSupport
import Testing
import WireFormat
@testable import PacketDecoding

/// Every frame of real captures decodes; the counts were checked frame by frame against tshark 4.0
/// (addresses, ports, raw sequence and acknowledgment numbers, TCP length, flags).
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus (../shared/corpus/real) is not here"))
struct CorpusTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var linkType: UInt32
        var frames: Int
        var tcp: Int
        /// Sum of TCP payload lengths (captured + missing), tshark's `tcp.len`.
        var tcpBytes: Int
        var firstSegment: String? = nil
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(file: "mercury__sll2_tls.pcap", linkType: 276, frames: 1, tcp: 1, tcpBytes: 517),
        Expectation(file: "mercury__sll_tls.pcap", linkType: 113, frames: 1, tcp: 1, tcpBytes: 517),
        Expectation(file: "zeek__openjdk-25.0.2-zeek.org.pcap", linkType: 276, frames: 6, tcp: 6, tcpBytes: 3377),
        Expectation(file: "ndpi__KakaoTalk_chat.pcap", linkType: 113, frames: 347, tcp: 310, tcpBytes: 49761),
        Expectation(file: "zeek__connect-with-header.pcap", linkType: 0, frames: 58, tcp: 58, tcpBytes: 59143,
                    firstSegment: "[::1]:52522 → [::1]:80"),
        Expectation(file: "arkime__ssl-selfsign.pcap", linkType: 0, frames: 20, tcp: 20, tcpBytes: 6715),
        Expectation(file: "suricata-verify__tls-duplicate-hello__input.pcap", linkType: 0, frames: 15, tcp: 15, tcpBytes: 1716),
        Expectation(file: "ndpi__smtp-starttls.pcap", linkType: 1, frames: 69, tcp: 69, tcpBytes: 9842),
        Expectation(file: "arkime__mysql-tls.pcap", linkType: 1, frames: 10, tcp: 10, tcpBytes: 1143),
        Expectation(file: "zeek__pppoe-over-qinq.pcap", linkType: 1, frames: 86, tcp: 86, tcpBytes: 34520),
        Expectation(file: "ndpi__6in4tunnel.pcap", linkType: 1, frames: 127, tcp: 75, tcpBytes: 23597),
        Expectation(file: "ndpi__http_ipv6.pcap", linkType: 1, frames: 193, tcp: 128, tcpBytes: 38744),
        Expectation(file: "mercury__tls_sgt.pcap", linkType: 1, frames: 2431, tcp: 2431, tcpBytes: 316_122),
        Expectation(file: "zeek__geneve-47101.pcap", linkType: 1, frames: 24, tcp: 24, tcpBytes: 23892),
        Expectation(file: "ndpi__ja3_lots_of_cipher_suites_2_anon.pcap", linkType: 1, frames: 27, tcp: 27, tcpBytes: 4144),
        Expectation(file: "suricata-verify__bug-5758__input.pcap", linkType: 101, frames: 41, tcp: 41, tcpBytes: 12607),
        Expectation(file: "suricata-verify__tcp-fastopen-10__input.pcap", linkType: 101, frames: 52, tcp: 52, tcpBytes: 8458),
        Expectation(file: "suricata-verify__flow-test-01.pcap", linkType: 228, frames: 7, tcp: 7, tcpBytes: 164),
    ]

    @Test(arguments: expectations)
    func decodesEveryFrame(_ e: Expectation) throws {
        let file = try #require(TestPcapFile(path: Corpus.path(e.file)), "cannot read \(e.file)")
        #expect(file.linkType.rawValue == e.linkType)
        #expect(file.records.count == e.frames)
        var tcp = 0, bytes = 0, first: String?
        for record in file.records {
            switch PacketDecoder.decode(record.bytes, linkType: file.linkType) {
            case .tcp(let segment):
                tcp += 1
                bytes += segment.payload.count + segment.missingPayloadBytes
                if first == nil { first = "\(segment.source) → \(segment.destination)" }
            case .other:
                break
            case .malformed(let reason):
                Issue.record("frame \(record.frame): malformed (\(reason))")
            case .unsupportedLinkType(let type):
                Issue.record("frame \(record.frame): unsupported \(type)")
            }
        }
        #expect(tcp == e.tcp)
        #expect(bytes == e.tcpBytes)
        if let expected = e.firstSegment { #expect(first == expected) }
    }

    /// The IPv6 connection in the SMTP capture is VLAN-tagged; its addresses print per RFC 5952.
    @Test func vlanTaggedIPv6Addresses() throws {
        let file = try #require(TestPcapFile(path: Corpus.path("ndpi__smtp-starttls.pcap")))
        let addresses = Set(file.records.compactMap { PacketDecoder.decode($0.bytes, linkType: file.linkType).segment?.source.address.description })
        #expect(addresses.contains("2003:de:2016:120::a08:53"))
        #expect(addresses.contains("2003:de:2016:125:fc36:8317:4e86:cb72"))
    }
}
