import TestSupport
import Testing
import WireFormat
import PacketDecoding
@testable import StreamReassembly

@Suite struct TCPSequenceTests {
    @Test func differencesAreSignedAcrossWrapAround() {
        let nearEnd = TCPSequence(0xffff_fff0)
        let wrapped = nearEnd.advanced(by: 0x20)
        #expect(wrapped.rawValue == 0x10)
        #expect(nearEnd.distance(to: wrapped) == 0x20)
        #expect(wrapped.distance(to: nearEnd) == -0x20)
        #expect(nearEnd.precedes(wrapped))
        #expect(!wrapped.precedes(nearEnd))
        #expect(TCPSequence(5).advanced(by: -10).rawValue == 0xffff_fffb)
        #expect(TCPSequence(0).distance(to: TCPSequence(0x7fff_ffff)) == Int(Int32.max))
    }
}

@Suite struct OrderingTests {
    static let client = streamBytes(20_000, seed: 1)
    static let server = streamBytes(30_000, seed: 2)

    /// The whole conversation, SYN to FINs, each direction cut into segments of up to `maxSize` bytes.
    static func conversation(_ peers: Peers, maxSize: Int, generator: inout SplitMix64) -> (handshake: [TCPSegment], rest: [TCPSegment]) {
        var rest: [TCPSegment] = []
        for (offset, bytes) in cut(client, maxSize: maxSize, using: &generator) { rest.append(peers.fromClient(offset, bytes)) }
        for (offset, bytes) in cut(server, maxSize: maxSize, using: &generator) { rest.append(peers.fromServer(offset, bytes)) }
        rest.append(peers.fromClient(client.count, flags: [.fin, .ack]))
        rest.append(peers.fromServer(server.count, flags: [.fin, .ack]))
        return (peers.handshake, rest)
    }

    /// Runs one ordering and checks the result is the original conversation.
    static func expectOriginalStreams(_ segments: [TCPSegment], comment: Comment) throws {
        var limits = ReassemblyLimits()
        limits.maxBufferedSegmentsPerDirection = 100_000
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        feed(segments, into: &reassembler)
        let closed = reassembler.drainClosed()
        try #require(closed.count == 1, "\(comment): \(reassembler.finish().map { $0.handler.merged })")
        let recorder = closed[0].handler
        #expect(closed[0].reason == .closed, comment)
        let sameStreams = recorder.stream(c2s) == client && recorder.stream(s2c) == server
        #expect(sameStreams, "\(comment): \(recorder.merged)")
        #expect(recorder.missing(c2s) == 0 && recorder.missing(s2c) == 0, comment)
        // Each direction's FIN comes after all of its data.
        for direction in [c2s, s2c] {
            let fin = recorder.events.firstIndex(of: .fin(direction))
            let lastData = recorder.events.lastIndex { if case .data(direction, _) = $0 { return true } else { return false } }
            #expect(fin != nil && lastData != nil && fin! > lastData!, comment)
        }
        #expect(recorder.events.filter { $0 == .syn(c2s) || $0 == .syn(s2c) }.count == 2, comment)
        #expect(reassembler.bufferedBytes == 0, comment)
    }

    @Test func inOrderDeliversTheSegmentsOwnSlices() throws {
        let peers = Peers()
        // Payloads as views into a larger buffer: the delivered slices must be the same views (no copy).
        let buffer = Array(repeating: UInt8(0), count: 100) + Self.client.prefix(3000)
        var segments = peers.handshake
        segments.append(segment(peers.client, peers.server, seq: peers.clientISN + 1, ack: peers.serverISN + 1,
                                flags: [.ack, .psh], payload: buffer[100..<1600]))
        segments.append(segment(peers.client, peers.server, seq: peers.clientISN + 1501, ack: peers.serverISN + 1,
                                flags: [.ack, .psh], payload: buffer[1600..<3100]))
        var reassembler = TCPReassembler<Recorder>()
        feed(segments, into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.events == [.syn(c2s), .syn(s2c), .data(c2s, Array(Self.client.prefix(1500))),
                                    .data(c2s, Array(Self.client[1500..<3000]))])
        #expect(recorder.dataStartIndices == [100, 1600])
        #expect(recorder.frames == [1, 2, 4, 5])
    }

    /// All at once (segments up to 64 KiB, as offloading captures show), typical sizes, and one byte at a time.
    @Test(arguments: [65_535, 1460, 1])
    func inOrderConversation(maxSize: Int) throws {
        var generator = SplitMix64(seed: 1)
        let (handshake, rest) = Self.conversation(Peers(), maxSize: maxSize, generator: &generator)
        try Self.expectOriginalStreams(handshake + rest, comment: "in order, segments up to \(maxSize) bytes")
    }

    @Test(arguments: 0..<40)
    func permutedConversation(seed: Int) throws {
        var generator = SplitMix64(seed: UInt64(seed))
        let (handshake, rest) = Self.conversation(Peers(), maxSize: 1 + seed * 37, generator: &generator)
        try Self.expectOriginalStreams(handshake + rest.shuffled(using: &generator), comment: "seed \(seed)")
    }

    @Test(arguments: 0..<25)
    func duplicatesAndOverlappingRetransmissions(seed: Int) throws {
        var generator = SplitMix64(seed: 1000 + UInt64(seed))
        let peers = Peers()
        let (handshake, rest) = Self.conversation(peers, maxSize: 900, generator: &generator)
        var noisy = rest
        // Exact duplicates.
        for _ in 0..<60 { noisy.append(rest[Int(generator.next() % UInt64(rest.count))]) }
        // Retransmissions that cover other boundaries: random ranges with the same content.
        for _ in 0..<80 {
            let start = Int(generator.next() % UInt64(Self.client.count))
            let length = 1 + Int(generator.next() % 3000)
            noisy.append(peers.fromClient(start, Array(Self.client[start..<min(Self.client.count, start + length)])))
            let serverStart = Int(generator.next() % UInt64(Self.server.count))
            noisy.append(peers.fromServer(serverStart, Array(Self.server[serverStart..<min(Self.server.count, serverStart + length)])))
        }
        try Self.expectOriginalStreams(handshake + noisy.shuffled(using: &generator), comment: "seed \(seed)")
    }

    @Test(arguments: [UInt32(0xffff_ffff), 0xffff_fff0, 0xffff_f000, 0x7fff_ffff, 0])
    func sequenceNumbersWrapAround(isn: UInt32) throws {
        var generator = SplitMix64(seed: UInt64(isn))
        var peers = Peers()
        peers.clientISN = isn
        peers.serverISN = isn &- 10
        let (handshake, rest) = Self.conversation(peers, maxSize: 700, generator: &generator)
        try Self.expectOriginalStreams(handshake + rest, comment: "in order, ISN \(isn)")
        try Self.expectOriginalStreams(handshake + rest.shuffled(using: &generator), comment: "shuffled, ISN \(isn)")
    }

    @Test func overlapKeepsTheFirstSeenBytes() throws {
        let peers = Peers()
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [
            peers.fromClient(4, Array("XXXX".utf8)),            // buffered first
            peers.fromClient(0, Array("aaaaaaaa".utf8)),        // in order, overlaps the buffered bytes
            peers.fromClient(6, Array("bbbbbbbb".utf8)),        // overlaps what was delivered
            peers.fromClient(20, Array("cccc".utf8)),           // buffered
            peers.fromClient(16, Array("dddddddddd".utf8)),     // buffered around and over it
            peers.fromClient(14, Array("ee".utf8)),             // fills the hole
        ], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(String(decoding: recorder.stream(c2s), as: UTF8.self) == "aaaaXXXXbbbbbbeeddddccccdd")
        #expect(reassembler.statistics.retransmittedBytes == 4 + 2 + 4)
    }

    @Test func keepAlivesAndPureACKsDeliverNothing() throws {
        let peers = Peers()
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [
            peers.fromClient(0, [1, 2, 3]),
            peers.fromServer(0),                 // pure ACK
            peers.fromClient(2, [9]),            // keep-alive: one byte below the next expected
            peers.fromClient(3),                 // keep-alive without payload (seq = next)
            peers.fromClient(2),                 // keep-alive without payload (seq = next - 1)
            peers.fromClient(3, [4]),
        ], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2, 3, 4])])
        #expect(reassembler.statistics.retransmittedBytes == 0)
    }

    @Test func retransmittedBytesAreCounted() throws {
        let peers = Peers()
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [peers.fromClient(0, [1, 2, 3, 4]), peers.fromClient(0, [1, 2, 3, 4]), peers.fromClient(2, [3, 4, 5])],
             into: &reassembler)
        #expect(reassembler.statistics.retransmittedBytes == 6)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.stream(c2s) == [1, 2, 3, 4, 5])
    }

    @Test func midStreamStartBeginsAtTheFirstSegmentSeen() throws {
        var peers = Peers()
        peers.clientISN = 0xffff_fff0  // wraps inside the data
        var reassembler = TCPReassembler<Recorder>()
        feed([peers.fromClient(100, Array(Self.client[100..<150])), peers.fromClient(150, Array(Self.client[150..<200])),
              peers.fromClient(90, Array(Self.client[90..<110])), peers.fromServer(0, [7, 7])],
             into: &reassembler)
        let finished = reassembler.finish()
        let recorder = try #require(finished.first?.handler)
        #expect(finished.first?.info.roleSource == .guessed)
        #expect(recorder.merged == [.data(c2s, Array(Self.client[100..<200])), .data(s2c, [7, 7])])
    }

    @Test func synWithDataAndRetransmittedSYNs() throws {
        let peers = Peers()
        let fastOpen = segment(peers.client, peers.server, seq: peers.clientISN, ack: 0, flags: [.syn], payload: [1, 2, 3][...])
        var reassembler = TCPReassembler<Recorder>()
        feed([fastOpen, fastOpen, peers.synAck, peers.fromClient(3, [4, 5])], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        // Every SYN is reported (retries can be counted); its payload once.
        #expect(recorder.merged == [.syn(c2s), .data(c2s, [1, 2, 3]), .syn(c2s), .syn(s2c), .data(c2s, [4, 5])])
    }

    @Test func retriedSYNWithANewInitialSequenceNumberRestartsTheDirection() throws {
        var peers = Peers()
        var reassembler = TCPReassembler<Recorder>()
        let firstSYN = peers.syn
        peers.clientISN = 777_777
        feed([firstSYN] + peers.handshake + [peers.fromClient(0, [1, 2])], into: &reassembler)
        let finished = reassembler.finish()
        #expect(finished.count == 1)
        #expect(finished.first?.handler.stream(c2s) == [1, 2])
    }
}
