import Foundation
import Testing
import WireFormat
import PacketCapture
import PacketDecoding
@testable import Analysis

/// Large files are analyzed on every core, connections sharded across workers by their address/port pair.
/// The report must be exactly the single-threaded one: same connections, numbers, verdicts, findings, warnings.
@Suite struct ShardingTests {
    /// Every sample capture and every corpus capture libpcap can open.
    static let captures: [URL] = {
        let samples = (try? FileManager.default.contentsOfDirectory(atPath: CaptureFixtures.samples.path)) ?? []
        var urls = samples.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
            .map { CaptureFixtures.samples.appendingPathComponent($0) }
        if CaptureFixtures.corpusAvailable {
            let corpus = (try? FileManager.default.contentsOfDirectory(atPath: CaptureFixtures.corpus.path)) ?? []
            urls += corpus.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".cap") }.sorted()
                .map { CaptureFixtures.corpus.appendingPathComponent($0) }
        }
        return urls
    }()

    @Test func incidentCaptureGivesTheSameReportOnEveryWorkerCount() throws {
        let url = CaptureFixtures.samples.appendingPathComponent("incident.pcap")
        let single = try Self.text(Self.analyze(url, workers: nil))
        #expect(single.contains("cipher_mismatch"))
        for workers in [1, 2, 3, 4, 7] {
            #expect(try Self.text(Self.analyze(url, workers: workers)) == single, "\(workers) workers")
        }
    }

    @Test(arguments: captures)
    func shardedReportIsTheSingleThreadedOne(_ url: URL) throws {
        guard let single = try Self.analyzeIfReadable(url) else { return }
        let expected = Self.text(single)
        for workers in [2, 3] {
            #expect(try Self.text(Self.analyze(url, workers: workers)) == expected,
                    "\(url.lastPathComponent) with \(workers) workers")
        }
    }

    /// A connection idle for longer than the timeout is let go when a later packet of *another* connection
    /// moves the capture clock on; its next packet then starts a new connection. The other connection is in
    /// another shard, so the shard must learn the capture's clock, not only its own packets' times.
    @Test func idleConnectionsLeaveOnTheWholeCapturesClock() throws {
        let client = IPAddress(10, 0, 0, 1)
        let server = IPAddress(10, 0, 0, 2)
        let quiet: UInt16 = 40_000
        // A port for the other connection whose traffic lands in another of two shards.
        let busy = try #require((40_001...40_100).first { port in
            ShardedAnalyzer.shard(Endpoint(address: client, port: port), Endpoint(address: server, port: 443), of: 2)
                != ShardedAnalyzer.shard(Endpoint(address: client, port: quiet), Endpoint(address: server, port: 443), of: 2)
        })
        let clientHello: [UInt8] = [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00]
        let packets = [
            Frame(seconds: 0, from: (client, quiet), to: (server, 443), flags: .syn, sequence: 100),
            Frame(seconds: 1, from: (client, quiet), to: (server, 443), flags: [.ack, .psh], sequence: 101, payload: clientHello),
            Frame(seconds: 400, from: (client, busy), to: (server, 443), flags: .syn, sequence: 500),
            Frame(seconds: 401, from: (client, quiet), to: (server, 443), flags: [.ack, .fin], sequence: 110),
        ]
        var options = AnalysisOptions()
        options.reassemblyLimits.idleTimeoutSeconds = 300
        let single = Self.text(Self.analyze(packets, options: options, workers: nil))
        let sharded = Self.text(Self.analyze(packets, options: options, workers: 2))
        #expect(single == sharded)
        // Three connections: the quiet one, let go when the clock passed 301 s, the busy one, and the quiet
        // one's late FIN starting a new one.
        #expect(Self.analyze(packets, options: options, workers: 2).connections.count == 3)
    }

    // MARK: Helpers

    /// nil when libpcap cannot read the capture at all (some corpus files): then there is nothing to compare.
    static func analyzeIfReadable(_ url: URL, options: AnalysisOptions = AnalysisOptions(),
                                  workers: Int? = nil) throws -> AnalysisReport? {
        do {
            return try analyze(url, options: options, workers: workers)
        } catch is CaptureError {
            return nil
        }
    }

    static func analyze(_ url: URL, options: AnalysisOptions = AnalysisOptions(), workers: Int?) throws -> AnalysisReport {
        let reader = try CaptureFileReader(path: url.path)
        var packets: [CapturedPacket] = []
        while let packet = reader.nextPacket() {
            var owned = packet
            owned.bytes = ArraySlice(Array(packet.bytes))
            packets.append(owned)
        }
        return analyze(packets, options: options, workers: workers, name: url.lastPathComponent, format: reader.format,
                       linkType: reader.linkType, warnings: reader.warnings)
    }

    static func analyze(_ frames: [Frame], options: AnalysisOptions, workers: Int?) -> AnalysisReport {
        let packets = frames.enumerated().map { index, frame in frame.packet(number: index + 1) }
        return analyze(packets, options: options, workers: workers, name: "built", format: "pcap",
                       linkType: .ethernet, warnings: [])
    }

    static func analyze(_ packets: [CapturedPacket], options: AnalysisOptions = AnalysisOptions(), workers: Int?,
                        name: String, format: String, linkType: LinkType, warnings: [String]) -> AnalysisReport {
        let summary = CaptureSummary(file: name, format: format, linkType: linkType, packets: packets.count,
                                     warnings: warnings)
        guard let workers else {
            var analyzer = Analyzer(options: options)
            for packet in packets { analyzer.process(packet) }
            return analyzer.finish(capture: summary)
        }
        let analyzer = ShardedAnalyzer(options: options, workers: workers)
        for packet in packets { analyzer.process(packet) }
        return analyzer.finish(capture: summary)
    }

    /// Everything in the report, field by field.
    static func text(_ report: AnalysisReport) -> String {
        var text = ""
        // The reports as read (where a list keeps each one, in memory or spilled, is not part of the report,
        // nor whether a timeline detail is held as words or as the facts it is worded from).
        let connections = report.connections.map { connection in
            var connection = connection
            for index in connection.timeline.indices { connection.timeline[index].detail = connection.timeline[index].detail }
            return connection
        }
        dump(connections, to: &text)
        var rest = report
        rest.connections = []
        dump(rest, to: &text)
        return text
    }

    /// An Ethernet/IPv4/TCP frame.
    struct Frame {
        var seconds: Int64
        var from: (IPAddress, UInt16)
        var to: (IPAddress, UInt16)
        var flags: TCPFlags
        var sequence: UInt32
        var payload: [UInt8] = []

        func packet(number: Int) -> CapturedPacket {
            func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
            func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xffff)) }
            let tcp = be16(from.1) + be16(to.1) + be32(sequence) + be32(0) + [0x50, UInt8(flags.rawValue & 0xff)]
                + be16(65_535) + [0, 0, 0, 0] + payload
            let ip = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
                + be32(UInt32(truncatingIfNeeded: from.0.low)) + be32(UInt32(truncatingIfNeeded: to.0.low)) + tcp
            let ethernet: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + ip
            return CapturedPacket(frameNumber: number, timestamp: Timestamp(seconds: 1_700_000_000 + seconds, nanoseconds: 0),
                                  originalLength: ethernet.count, linkType: .ethernet, bytes: ethernet[...])
        }
    }
}
