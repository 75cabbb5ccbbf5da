import Testing
import WireFormat
import Analysis
import Diagnosis

/// Captures built to exhaust memory: every cap the pipeline has must hold, and the report must say which one was hit.
@Suite struct HostileCaptureTests {
    /// A SYN flood from distinct ports, with the caps lowered: the reassembler evicts, the analyzer lists only
    /// the first connections, and every connection is still counted.
    @Test func synFloodKeepsCountsButBoundsWhatIsKept() {
        var options = AnalysisOptions()
        options.reassemblyLimits.maxConnections = 2_000
        options.maxReportedConnections = 5_000
        var analyzer = Analyzer(options: options)
        let syns = 50_000
        for i in 0..<syns {
            let client = Peer(address: [10, 1, UInt8(i >> 16), UInt8(i >> 8 & 0xff)], port: UInt16(1024 + i % 60_000))
            analyzer.process(Frames.packet(frame: i + 1, at: i / 1000,
                                           Frames.tcp(from: client, to: Frames.server, seq: UInt32(i), flags: .syn)))
        }
        let report = analyzer.finish(capture: CaptureSummary(file: "syn-flood.pcap", format: "pcap", linkType: .ethernet,
                                                             packets: syns))
        #expect(report.connections.count == 5_000)
        #expect(report.unlistedConnections.connections == 45_000)
        #expect(report.totals.connections == syns)
        #expect(report.totals.failed == syns)
        #expect(report.totals.byCause == [.noServerResponse: syns])
        #expect(report.anyFailed)
        #expect(report.connections.map(\.id) == Array(1...5_000))
        let warnings = report.capture.warnings
        #expect(warnings.contains("48,000 connections were dropped from memory before they ended (more than 2,000 open at once)"),
                "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("45,000 connections are counted in the summary but not listed") },
                "\(warnings)")
    }

    /// Below the listing limit nothing is summarized and no warning is added.
    @Test func smallCaptureListsEverything() {
        var analyzer = Analyzer(options: AnalysisOptions())
        for i in 0..<10 {
            let client = Peer(address: [10, 1, 0, 2], port: UInt16(40_000 + i))
            analyzer.process(Frames.packet(frame: i + 1, at: 0,
                                           Frames.tcp(from: client, to: Frames.server, seq: 1, flags: .syn)))
        }
        let report = analyzer.finish(capture: CaptureSummary(file: "x.pcap", format: "pcap", linkType: .ethernet))
        #expect(report.connections.count == 10)
        #expect(report.unlistedConnections == ConnectionCounts())
        #expect(report.totals.connections == 10)
        #expect(report.capture.warnings.isEmpty)
    }

    /// Segments that never fill their gap: past the per-direction buffer cap the reassembler skips ahead, and the
    /// capture's warnings say how many bytes it gave up.
    @Test func outOfOrderFloodHitsTheBufferCap() {
        var options = AnalysisOptions()
        options.reassemblyLimits.maxBufferedBytesPerDirection = 4_096
        var analyzer = Analyzer(options: options)
        var frames = Frames.handshake()
        // Sequence 1001 is never sent: every segment after it waits for the gap.
        for i in 0..<40 {
            frames.append(Frames.tcp(from: Frames.client, to: Frames.server, seq: 1_101 + UInt32(i) * 200,
                                     ack: 5_001, flags: [.ack, .psh], payload: [UInt8](repeating: 0x41, count: 200)))
        }
        for (index, frame) in frames.enumerated() { analyzer.process(Frames.packet(frame: index + 1, at: 0, frame)) }
        let report = analyzer.finish(capture: CaptureSummary(file: "ooo.pcap", format: "pcap", linkType: .ethernet))
        #expect(report.capture.warnings.contains {
            $0.contains("out-of-order bytes were skipped: the per-connection buffer limit was reached")
        }, "\(report.capture.warnings)")
        #expect(report.connections.count == 1)
    }

    /// Declared TLS lengths past the limits are findings on the connection, not allocations.
    @Test(arguments: [
        // A record header declaring 65,535 bytes (TLSPlaintext allows 2^14 + 2048 at most, RFC 8446 §5.2).
        // After a ClientHello, so the stream is TLS.
        ("record", Frames.clientHello + [0x16, 0x03, 0x03, 0xff, 0xff] + [UInt8](repeating: 0, count: 64),
         "record longer than 2^14+2048 bytes"),
        // A ClientHello declaring 16 MiB (the reassembly limit is 1 MiB).
        ("handshake", [0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0xff, 0xff, 0xff, 0x03, 0x03, 0x00, 0x00],
         "handshake message longer than the limit"),
    ] as [(String, [UInt8], String)])
    func declaredLengthsPastTheLimitsAreReported(_ name: String, _ payload: [UInt8], _ expected: String) throws {
        var analyzer = Analyzer(options: AnalysisOptions())
        var frames = Frames.handshake()
        frames.append(Frames.tcp(from: Frames.client, to: Frames.server, seq: 1_001, ack: 5_001, flags: [.ack, .psh],
                                 payload: payload))
        for (index, frame) in frames.enumerated() { analyzer.process(Frames.packet(frame: index + 1, at: 0, frame)) }
        let report = analyzer.finish(capture: CaptureSummary(file: "\(name).pcap", format: "pcap", linkType: .ethernet))
        let connection = try #require(report.connections.first)
        #expect(connection.warnings.contains { $0.contains(expected) }, "\(name): \(connection.warnings)")
    }
}

struct Peer {
    var address: [UInt8]
    var port: UInt16
}

struct TCPFlagBits: OptionSet {
    var rawValue: UInt8
    static let fin = TCPFlagBits(rawValue: 0x01)
    static let syn = TCPFlagBits(rawValue: 0x02)
    static let rst = TCPFlagBits(rawValue: 0x04)
    static let psh = TCPFlagBits(rawValue: 0x08)
    static let ack = TCPFlagBits(rawValue: 0x10)
}

/// Ethernet / IPv4 / TCP frames written by hand (checksums left zero: the pipeline never checks them).
enum Frames {
    static let client = Peer(address: [10, 0, 0, 2], port: 50_000)
    static let server = Peer(address: [10, 0, 0, 1], port: 443)

    static func tcp(from source: Peer, to destination: Peer, seq: UInt32, ack: UInt32 = 0, flags: TCPFlagBits,
                    payload: [UInt8] = []) -> [UInt8] {
        let ipLength = 20 + 20 + payload.count
        var frame: [UInt8] = [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]
        frame += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xff), 0, 0, 0x40, 0, 64, 6, 0, 0]
        frame += source.address + destination.address
        frame += [UInt8(source.port >> 8), UInt8(source.port & 0xff),
                  UInt8(destination.port >> 8), UInt8(destination.port & 0xff)]
        frame += withUnsafeBytes(of: seq.bigEndian, Array.init) + withUnsafeBytes(of: ack.bigEndian, Array.init)
        frame += [0x50, flags.rawValue, 0xfa, 0xf0, 0, 0, 0, 0]
        return frame + payload
    }

    /// A minimal TLS 1.2 ClientHello record: one suite, no extensions.
    static let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x03]
        + [UInt8](repeating: 7, count: 32) + [0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00]

    /// SYN (client ISN 1000), SYN-ACK (server ISN 5000), ACK.
    static func handshake() -> [[UInt8]] {
        [
            tcp(from: client, to: server, seq: 1_000, flags: .syn),
            tcp(from: server, to: client, seq: 5_000, ack: 1_001, flags: [.syn, .ack]),
            tcp(from: client, to: server, seq: 1_001, ack: 5_001, flags: .ack),
        ]
    }

    static func packet(frame: Int, at seconds: Int, _ bytes: [UInt8]) -> CapturedPacket {
        CapturedPacket(frameNumber: frame, timestamp: Timestamp(seconds: 1_700_000_000 + Int64(seconds), nanoseconds: 0),
                       originalLength: bytes.count, linkType: .ethernet, bytes: bytes[...])
    }
}
