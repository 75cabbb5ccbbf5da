import Testing
import WireFormat
import PacketDecoding
@testable import StreamReassembly

@Suite struct GapTests {
    let peers = Peers()

    func run(_ segments: [TCPSegment], limits: ReassemblyLimits = ReassemblyLimits()) -> (TCPReassembler<Recorder>, [Recorder.Event]) {
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        feed(segments, into: &reassembler)
        let events = reassembler.drainClosed().first?.handler.merged
        return (reassembler, events ?? [])
    }

    @Test func snapLengthCutPayloadIsDeliveredThenAGap() throws {
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [
            peers.fromClient(0, [1, 2, 3], missing: 97),
            peers.fromClient(100, [4, 5]),
        ], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.events == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2, 3]), .gap(c2s, 97), .data(c2s, [4, 5])])
    }

    @Test func snapLengthCutOutOfOrderSegmentKeepsItsGap() throws {
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [
            peers.fromClient(10, [1, 2], missing: 8),     // buffered: 2 bytes + 8 missing
            peers.fromClient(20, [3]),                     // buffered
            peers.fromClient(0, Array(repeating: 0, count: 10)),  // fills the hole
        ], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(c2s, Array(repeating: 0, count: 10) + [1, 2]),
                                    .gap(c2s, 8), .data(c2s, [3])])
        // The whole run is delivered with the frame that completed it.
        #expect(recorder.frames.suffix(3) == [6, 6, 6])
    }

    @Test func finBeyondAHoleWaitsThenTheCaptureEndReportsTheGap() throws {
        var reassembler = TCPReassembler<Recorder>()
        feed(peers.handshake + [
            peers.fromClient(0, [1, 2]),
            peers.fromClient(5, [6, 7], flags: [.ack, .fin]),
            peers.fromServer(0, [9], flags: [.ack, .fin]),
        ], into: &reassembler)
        #expect(reassembler.drainClosed().isEmpty)
        let finished = reassembler.finish()
        let recorder = try #require(finished.first?.handler)
        #expect(finished.first?.reason == .captureEnd)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2]), .data(s2c, [9]), .fin(s2c),
                                    .gap(c2s, 3), .data(c2s, [6, 7]), .fin(c2s)])
    }

    @Test func holeFilledLaterDeliversDataThenFIN() throws {
        let (_, events) = run(peers.handshake + [
            peers.fromClient(3, [4, 5], flags: [.ack, .fin]),
            peers.fromServer(0, flags: [.ack, .fin]),
            peers.fromClient(0, [1, 2, 3]),
        ])
        #expect(events == [.syn(c2s), .syn(s2c), .fin(s2c), .data(c2s, [1, 2, 3, 4, 5]), .fin(c2s)])
    }

    @Test func resetFlushesBufferedDataWithGapsFirst() throws {
        let (reassembler, events) = run(peers.handshake + [
            peers.fromClient(0, [1]),
            peers.fromClient(3, [4]),
            peers.fromServer(2, [3]),
            peers.fromServer(0, flags: [.rst]),
        ])
        #expect(events == [.syn(c2s), .syn(s2c), .data(c2s, [1]), .gap(s2c, 2), .data(s2c, [3]),
                           .gap(c2s, 2), .data(c2s, [4]), .rst(s2c)])
        #expect(reassembler.bufferedBytes == 0)
    }

    @Test func acknowledgedButUncapturedBytesAreGivenUpAtTheSendersNextPacket() throws {
        var reassembler = TCPReassembler<Recorder>()
        // The capture missed client bytes 2..<10; the server acknowledges up to 12, so they will not be resent.
        var ack = peers.fromServer(0)
        ack.acknowledgmentNumber = peers.clientISN + 1 + 12
        feed(peers.handshake + [peers.fromClient(0, [1, 2]), peers.fromClient(10, [3, 4]), ack], into: &reassembler)
        #expect(reassembler.bufferedBytes == 2)
        feed([peers.fromClient(12, [5], flags: [.ack, .fin])], into: &reassembler, firstFrame: 7)
        let closed = reassembler.finish()
        let recorder = try #require(closed.first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2]), .gap(c2s, 8), .data(c2s, [3, 4, 5]), .fin(c2s)])
        #expect(recorder.frames.last == 7)
        #expect(reassembler.statistics.bytesAcknowledgedUnseen == 8)
    }

    /// Seen in pcapplusplus's tls2.pcap: the client's ACK was captured before the server data it covers.
    @Test func dataCapturedAfterItsAcknowledgmentIsStillDelivered() throws {
        var reassembler = TCPReassembler<Recorder>()
        var ack = peers.fromClient(0)
        ack.acknowledgmentNumber = peers.serverISN + 1 + 12
        feed(peers.handshake + [peers.fromServer(0, [1, 2]), peers.fromServer(10, [3, 4]), ack,
                                peers.fromServer(2, Array(repeating: 9, count: 8))], into: &reassembler)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(s2c, [1, 2] + Array(repeating: 9, count: 8) + [3, 4])])
        #expect(reassembler.statistics.bytesAcknowledgedUnseen == 0)
    }

    @Test func acknowledgmentsBeyondWhatWasSentSkipNothing() throws {
        var reassembler = TCPReassembler<Recorder>()
        var bogus = peers.fromServer(0)
        bogus.acknowledgmentNumber = peers.clientISN + 1 + 1_000_000
        feed(peers.handshake + [peers.fromClient(0, [1, 2]), peers.fromClient(10, [3, 4]), bogus], into: &reassembler)
        #expect(reassembler.bufferedBytes == 2)
        #expect(reassembler.statistics.bytesAcknowledgedUnseen == 0)
        // The hole fills later after all.
        feed([peers.fromClient(2, Array(repeating: 0, count: 8))], into: &reassembler, firstFrame: 7)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2] + Array(repeating: 0, count: 8) + [3, 4])])
    }

    @Test func segmentCapSkipsTheHole() throws {
        var limits = ReassemblyLimits()
        limits.maxBufferedSegmentsPerDirection = 4
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        // Byte 0 never comes; bytes 1...5 arrive one per segment.
        feed(peers.handshake + (1...5).map { peers.fromClient($0, [UInt8($0)]) } + [peers.fromClient(6, [6])],
             into: &reassembler)
        #expect(reassembler.statistics.bytesSkippedForBufferCap == 1)
        #expect(reassembler.bufferedBytes == 0)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .gap(c2s, 1), .data(c2s, [1, 2, 3, 4, 5, 6])])
    }

    @Test func byteCapSkipsHolesUntilTheRestFits() throws {
        var limits = ReassemblyLimits()
        limits.maxBufferedBytesPerDirection = 100
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        feed(peers.handshake + [
            peers.fromClient(10, Array(repeating: 1, count: 60)),   // hole 0..<10
            peers.fromClient(80, Array(repeating: 2, count: 60)),   // hole 70..<80; 120 bytes buffered > 100
        ], into: &reassembler)
        #expect(reassembler.statistics.bytesSkippedForBufferCap == 10)
        #expect(reassembler.bufferedBytes == 60)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.merged == [.syn(c2s), .syn(s2c), .gap(c2s, 10), .data(c2s, Array(repeating: 1, count: 60)),
                                    .gap(c2s, 10), .data(c2s, Array(repeating: 2, count: 60))])
    }

    /// A hostile stream (every other segment missing) never makes the reassembler hold more than its caps.
    @Test func memoryStaysBoundedWithEndlessHoles() throws {
        var limits = ReassemblyLimits()
        limits.maxBufferedBytesPerDirection = 64 * 1024
        limits.maxBufferedSegmentsPerDirection = 32
        var reassembler = TCPReassembler<Recorder>(limits: limits) { info in
            // Count, do not keep, the bytes: the test is about the reassembler's memory.
            Recorder(connection: info) { _, _, _ in .continue }
        }
        feed(peers.handshake, into: &reassembler)
        var maxBuffered = 0
        let chunk = Array(repeating: UInt8(7), count: 1000)
        for i in 0..<5_000 where i % 2 == 1 {
            reassembler.process(peers.fromClient(i * 1000, chunk), frame: 10 + i, timestamp: Timestamp(seconds: 1_700_000_001, nanoseconds: 0))
            maxBuffered = max(maxBuffered, reassembler.bufferedBytes)
        }
        #expect(maxBuffered <= 32 * 1000)
        #expect(reassembler.statistics.bytesSkippedForBufferCap > 2_000_000)
        let recorder = try #require(reassembler.finish().first?.handler)
        #expect(recorder.stream(c2s).count == 2_500 * 1000)
        #expect(recorder.missing(c2s) == 2_500 * 1000)
    }

    @Test func totalCapAcrossConnections() throws {
        var limits = ReassemblyLimits()
        limits.maxBufferedBytesTotal = 250
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        var segments: [TCPSegment] = []
        for i in 0..<5 {
            var peers = Peers()
            peers.client.port = UInt16(40_000 + i)
            segments += peers.handshake + [peers.fromClient(10, Array(repeating: UInt8(i), count: 100))]
        }
        feed(segments, into: &reassembler)
        #expect(reassembler.bufferedBytes <= 250)
        #expect(reassembler.statistics.bytesSkippedForBufferCap == 30)
        let finished = reassembler.finish()
        #expect(finished.count == 5)
        #expect(finished.allSatisfy { $0.handler.stream(c2s).count == 100 && $0.handler.missing(c2s) == 10 })
    }
}
