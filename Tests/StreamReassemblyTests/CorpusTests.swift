import TestSupport
import Testing
import Foundation
import WireFormat
import PacketDecoding
@testable import StreamReassembly

/// Real captures, decoded and reassembled. During development every connection's two streams were compared
/// byte for byte with `tshark -z follow,tcp,raw` (identical where there was no gap; with gaps, delivered bytes
/// equal tshark's coverage and delivered + missing equal the span). These tables keep the summary.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus (../shared/corpus/real) is not here"))
struct ReassemblyCorpusTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        /// tshark 4.0 `tcp.stream` count, unless noted.
        var connections: Int
        /// Connections whose client stream starts with a TLS handshake record holding a ClientHello.
        var clientHellos: Int
        /// Connections with at least one gap.
        var withGaps: Int
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        Expectation(file: "zeek__tls-1.2-handshake-failure.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        Expectation(file: "zeek__certificate-request-failed.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        Expectation(file: "zeek__tls13draft16-ff52.a01-aborted.pcap", connections: 2, clientHellos: 2, withGaps: 0),
        Expectation(file: "zeek__pppoe-over-qinq.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        // tshark's sixth stream is TCP quoted inside ICMPv6 errors.
        Expectation(file: "ndpi__6in4tunnel.pcap", connections: 5, clientHellos: 2, withGaps: 0),
        Expectation(file: "mercury__sll2_tls.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        Expectation(file: "mercury__top_100_fingerprints.pcap", connections: 100, clientHellos: 100, withGaps: 0),
        // One connection is SYN, SYN-ACK, RST.
        Expectation(file: "ndpi__reddit.pcap", connections: 60, clientHellos: 59, withGaps: 0),
        Expectation(file: "arkime__tls-split-client-hello.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        // An HTTP CONNECT comes before the ClientHello.
        Expectation(file: "suricata-verify__backwards.pcap", connections: 1, clientHellos: 0, withGaps: 0),
        Expectation(file: "s2n-tls__multiple_hellos.pcap", connections: 5, clientHellos: 5, withGaps: 0),
        Expectation(file: "zeek__tls-fragmented-handshake.pcap", connections: 1, clientHellos: 1, withGaps: 0),
        // Out-of-order and retransmitted segments, all filled in the end.
        Expectation(file: "ndpi__KakaoTalk_chat.pcap", connections: 19, clientHellos: 8, withGaps: 0),
        // Challenge ACKs answered by resets from another sequence space (ignored), then retried SYNs.
        Expectation(file: "suricata-verify__tls-subjectaltname__input.pcap", connections: 68, clientHellos: 40, withGaps: 0),
        // About 1400 segments never captured; ACKs captured before the data they cover.
        Expectation(file: "pcapplusplus__tls2.pcap", connections: 334, clientHellos: 323, withGaps: 281),
    ]

    static func startsWithClientHello(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 6 && bytes[0] == 0x16 && bytes[1] == 0x03 && bytes[5] == 0x01
    }

    @Test(arguments: expectations)
    func reassemblesRealCaptures(_ e: Expectation) throws {
        let file = try #require(TestPcapFile(path: Corpus.path(e.file)))
        var reassembler = TCPReassembler<Recorder>()
        var connections: [ClosedConnection<Recorder>] = []
        for record in file.records {
            if case .tcp(let segment) = PacketDecoder.decode(record.bytes, linkType: file.linkType) {
                reassembler.process(segment, frame: record.frame, timestamp: record.timestamp)
                connections += reassembler.drainClosed()
            }
        }
        connections += reassembler.finish()
        let hellos = connections.filter { Self.startsWithClientHello(Array($0.handler.stream(c2s).prefix(6))) }.count
        let gaps = connections.filter { $0.handler.missing(c2s) + $0.handler.missing(s2c) > 0 }.count
        #expect(connections.count == e.connections)
        #expect(hellos == e.clientHellos)
        #expect(gaps == e.withGaps)
        #expect(reassembler.bufferedBytes == 0)
    }
}
