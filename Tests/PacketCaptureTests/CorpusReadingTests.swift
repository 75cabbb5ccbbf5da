import Glibc
import PacketCapture
import Testing
import WireFormat

@Suite("Reading the public corpus", .enabled(if: Corpus.isAvailable, Corpus.missing))
struct CorpusReadingTests {
    /// libpcap 1.10 stops at the first interface whose link type differs from the first one's.
    static let mixedLinkTypes = "different link types, which libpcap cannot read"

    @Test("packet count, link type, format and frame numbers match MANIFEST.tsv", arguments: Corpus.entries)
    func matchesManifest(_ entry: Corpus.Entry) throws {
        if entry.file == "pcapplusplus__many_interfaces-1.pcapng" {
            // Interfaces 0 (EN10MB) and 4 (NULL) are both described before the first packet.
            let error = #expect(throws: CaptureError.self) { try CaptureFileReader(path: Corpus.path(entry.file)) }
            #expect(error?.code == .unsupported)
            #expect(error?.message.hasPrefix(Corpus.path(entry.file) + ": this pcapng file has interfaces with different link types") == true)
            return
        }
        let reader = try CaptureFileReader(path: Corpus.path(entry.file))
        let result = readAll(reader)
        #expect(reader.format == entry.format)
        #expect(reader.linkType.rawValue == entry.linkTypes.first)
        #expect(result.packets.map(\.frame) == Array(1...result.packets.count))
        #expect(reader.packetsRead == result.packets.count)

        switch entry.file {
        case "pcapplusplus__pcapng-example.pcapng":
            // 59 Ethernet packets, then the LINUX_SLL interface's description (tcpdump -r counts 59 too).
            #expect(result.packets.count == 59)
            #expect(result.warnings == ["\(reader.path): reading stopped before packet 60: this pcapng file has interfaces with "
                + "different link types, which libpcap cannot read (59 packets read; libpcap: an interface has a type 113 "
                + "different from the type of the first interface)"])
        case "suricata-verify__tls_DER-incomplete-header.pcap", "suricata-verify__tls_DER-incomplete-content.pcap":
            // Edited upstream: record 7 claims 4325376 bytes. tshark and capinfos also stop after 6.
            #expect(result.packets.count == entry.packets)
            #expect(result.warnings.count == 1)
            #expect(result.warnings.first?.hasPrefix("\(reader.path): the file is damaged at packet 7, reading stopped (6 packets read; libpcap: ") == true)
        default:
            #expect(result.packets.count == entry.packets)
            #expect(result.warnings.isEmpty)
        }
        for packet in result.packets {
            #expect(packet.bytes.count <= packet.originalLength)
            #expect(packet.bytes.count <= reader.snapshotLength)
        }
    }

    /// First packet's time as `tshark -r F -c 1 -T fields -e frame.time_epoch -e frame.cap_len` printed it
    /// (TShark 4.0.17, measured when this test was written).
    @Test("first packet time and length agree with tshark", arguments: [
        ("arkime__ssl-selfsign.pcap", Int64(1_519_400_125), UInt32(658_635_000), 68, LinkType.null),
        ("mercury__sll2_tls.pcap", 1_765_481_343, 893_203_000, 589, .linuxSLL2),
        ("ndpi__pgsql2.pcapng", 1_682_508_779, 830_421_000, 56, .null),
        ("suricata-verify__bug-5758__input.pcap", 1_736_599_055, 884_655_000, 60, .raw),
        ("suricata-verify__flow-test-01.pcap", 1_511_507_968, 858_122_000, 40, .ipv4),
        ("ndpi__KakaoTalk_chat.pcap", 1_430_069_021, 959_113_000, 76, .linuxSLL),
        // pcapng with if_tsresol 9: nanoseconds survive.
        ("ndpi__tls_heur__trojan-tcp-tls.pcapng", 1_725_367_999, 181_087_334, 76, .linuxSLL),
        ("pcapplusplus__pcapng-example.pcapng", 1_422_527_998, 578_402_281, 74, .ethernet),
    ])
    func firstPacketTime(file: String, seconds: Int64, nanoseconds: UInt32, length: Int, linkType: LinkType) throws {
        let reader = try CaptureFileReader(path: Corpus.path(file))
        let packet = try #require(reader.nextPacket())
        #expect(packet.frameNumber == 1)
        #expect(packet.timestamp == Timestamp(seconds: seconds, nanoseconds: nanoseconds))
        #expect(packet.bytes.count == length)
        #expect(packet.linkType == linkType)
        #expect(reader.linkType == linkType)
    }

    @Test("packets cut by the snap length are counted")
    func snaplenCut() throws {
        // tshark: 13 frames with frame.cap_len < frame.len (MANIFEST notes, ground_truth.json snaplen_cut).
        let reader = try CaptureFileReader(path: Corpus.path("ndpi__ja3_lots_of_cipher_suites_2_anon.pcap"))
        let result = readAll(reader)
        #expect(reader.snaplenCutPackets == 13)
        #expect(result.packets.filter { $0.bytes.count < $0.originalLength }.count == 13)
        #expect(result.packets.allSatisfy { $0.bytes.count <= reader.snapshotLength })

        let whole = try CaptureFileReader(path: Corpus.path("zeek__tls-1.2-handshake-failure.pcap"))
        _ = readAll(whole)
        #expect(whole.snaplenCutPackets == 0)
        #expect(whole.snapshotLength == 65_535)
    }

    @Test("a pcapng named .pcap is recognised by its magic number")
    func pcapngWithPcapExtension() throws {
        let reader = try CaptureFileReader(path: Corpus.path("ndpi__tls_alert.pcap"))
        #expect(reader.format == "pcapng")
    }

    @Test("read through a pipe: same packets, format from libpcap", arguments: Corpus.entries.filter {
        $0.file != "pcapplusplus__many_interfaces-1.pcapng"
    })
    func throughPipe(_ entry: Corpus.Entry) throws {
        let fromFile = try CaptureFileReader(path: Corpus.path(entry.file))
        let expected = readAll(fromFile)
        let piped = try readThroughPipe("cat '\(Corpus.path(entry.file))'")
        #expect(piped.format == entry.format)
        #expect(piped.linkType == fromFile.linkType)
        #expect(piped.result.packets.count == expected.packets.count)
        #expect(piped.result.packets.last?.timestamp == expected.packets.last?.timestamp)
        #expect(piped.result.packets.last?.bytes == expected.packets.last?.bytes)
        #expect(piped.result.warnings.count == expected.warnings.count)
    }

    @Test("the reused buffer: no new storage per packet, and a kept packet is not overwritten")
    func bufferReuse() throws {
        let reader = try CaptureFileReader(path: Corpus.path("zeek__tls-expired-cert.pcap"))
        var addresses = Set<UInt>()
        while let packet = reader.nextPacket() {
            packet.bytes.withUnsafeBufferPointer { _ = addresses.insert(UInt(bitPattern: $0.baseAddress)) }
        }
        #expect(addresses.count == 1)

        let again = try CaptureFileReader(path: Corpus.path("zeek__tls-expired-cert.pcap"))
        let first = try #require(again.nextPacket())
        let copy = Array(first.bytes)
        let second = try #require(again.nextPacket())
        #expect(Array(first.bytes) == copy)
        #expect(Array(second.bytes) != copy)
    }
}
