import Testing
import WireFormat
import PacketDecoding
@testable import StreamReassembly

/// A closed connection's tombstone waits `closedGraceSeconds` for late packets, not the idle timeout; after it,
/// the connection is remembered by its key's hash (`ForgottenConnections`) so that a late packet does not turn
/// into a reported connection.
@Suite struct ClosedTombstoneTests {
    let peers = Peers()
    let t0 = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)

    func at(_ seconds: Int64) -> Timestamp { Timestamp(seconds: t0.seconds + seconds, nanoseconds: 0) }

    var conversation: [TCPSegment] { peers.closedConversation }
    var lateFINAndACK: [TCPSegment] { [peers.fromServer(1, flags: [.ack, .fin]), peers.fromClient(3)] }

    func closedConversation(limits: ReassemblyLimits = ReassemblyLimits()) -> TCPReassembler<Recorder> {
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        feed(conversation, into: &reassembler, start: t0)
        #expect(reassembler.drainClosed().count == 1)
        #expect(reassembler.connectionCount == 1)
        return reassembler
    }

    @Test func theGracePeriodIsFarShorterThanTheIdleTimeout() {
        let limits = ReassemblyLimits()
        #expect(limits.closedGraceSeconds == 30)
        #expect(limits.closedGraceSeconds * 10 == limits.idleTimeoutSeconds)
    }

    @Test func aLateFINAndACKWithinTheGracePeriodAreDropped() {
        var reassembler = closedConversation()
        feed(lateFINAndACK, into: &reassembler, firstFrame: 20, start: at(29))
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.connectionCount == 1)
        // Each late packet starts the wait again: a FIN retransmitted with backoff is still absorbed.
        feed(lateFINAndACK, into: &reassembler, firstFrame: 30, start: at(58))
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.finish().isEmpty)
    }

    @Test func theTombstoneLeavesAfterTheGracePeriod() {
        var reassembler = closedConversation()
        reassembler.advanceTime(to: at(30))
        #expect(reassembler.connectionCount == 1)
        reassembler.advanceTime(to: at(31))
        #expect(reassembler.connectionCount == 0)
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.statistics.connectionsIdledOut == 0)
    }

    @Test func latePacketsAfterTheTombstoneLeftAreNotReported() {
        var reassembler = closedConversation()
        reassembler.advanceTime(to: at(60))
        #expect(reassembler.connectionCount == 0)
        feed(lateFINAndACK, into: &reassembler, firstFrame: 20, start: at(60))
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.connectionCount == 0)
        // Each late packet renews the memory, as it renewed the tombstone: 300 s after the last one it lapses.
        feed([peers.fromClient(3)], into: &reassembler, firstFrame: 30, start: at(359))
        #expect(reassembler.statistics.connectionsSeen == 1)
        feed([peers.fromClient(3)], into: &reassembler, firstFrame: 40, start: at(660))
        #expect(reassembler.statistics.connectionsSeen == 2)
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.finish().map(\.info.firstFrame) == [40])
    }

    /// What the tombstone did after the idle timeout, the memory does too: a packet later than that is the
    /// first of a connection (a capture may show the end of a connection it did not see begin).
    @Test func theMemoryLapsesAfterTheIdleTimeout() throws {
        var reassembler = closedConversation()
        reassembler.advanceTime(to: at(40))
        feed([peers.fromClient(3)], into: &reassembler, firstFrame: 20, start: at(302))
        #expect(reassembler.statistics.connectionsSeen == 2)
        let finished = reassembler.finish()
        try #require(finished.count == 1)
        #expect(finished[0].info.firstFrame == 20)
        #expect(finished[0].reason == .captureEnd)
    }

    /// The memory has a fixed number of slots: a later connection may take an earlier one's.
    @Test(arguments: [0, 1])
    func aConnectionNoLongerRememberedOpensAgain(slots: Int) {
        var limits = ReassemblyLimits()
        limits.forgottenConnectionSlots = slots
        var reassembler = closedConversation(limits: limits)
        var other = peers
        other.client.port = 1_234
        feed(other.handshake + [other.fromClient(0, flags: [.ack, .fin]), other.fromServer(0, flags: [.ack, .fin])],
             into: &reassembler, firstFrame: 10, start: at(1))
        #expect(reassembler.drainClosed().map(\.info.firstFrame) == [10])
        reassembler.advanceTime(to: at(40))
        #expect(reassembler.connectionCount == 0)
        feed([peers.fromClient(3)], into: &reassembler, firstFrame: 20, start: at(41))
        feed([other.fromClient(2)], into: &reassembler, firstFrame: 21, start: at(41))
        // With one slot, `other` (forgotten last) is still remembered; with none, neither is.
        #expect(reassembler.statistics.connectionsSeen == (slots == 0 ? 4 : 3))
        #expect(reassembler.finish().map(\.info.firstFrame) == (slots == 0 ? [20, 21] : [20]))
    }

    /// Whatever the capture closes, the memory is its fixed slots of 16 bytes, allocated at first use.
    @Test func theMemoryHasAFixedSize() {
        #expect(ForgottenConnections.bytesPerSlot == 16)
        var memory = ForgottenConnections(slots: 5_000)
        #expect(memory.capacity == 0)
        let server = Endpoint(address: IPAddress(ipv4: 0xc633_6407), port: 443)
        for i in 0..<20_000 {
            let client = Endpoint(address: IPAddress(ipv4: 0x0a00_0000 | UInt32(i >> 16)), port: UInt16(truncatingIfNeeded: i))
            memory.remember(ConnectionKey(client, server), until: at(300))
        }
        #expect(memory.capacity == 8_192)
    }

    /// The start of a capture may show only the end of a connection: it is reported, as it always was.
    @Test(arguments: [[TCPFlags.ack], [.ack, .fin], [.rst], [.rst, .ack]])
    func aLonePayloadlessPacketOfAnUnknownConnectionOpensIt(flags: TCPFlags) {
        var reassembler = TCPReassembler<Recorder>()
        feed([peers.fromServer(1, flags: flags)], into: &reassembler, start: t0)
        let reported = reassembler.drainClosed() + reassembler.finish()
        #expect(reported.count == 1)
        #expect(reported.first?.reason == (flags.contains(.rst) ? .closed : .captureEnd))
    }

    /// A capture that starts mid-stream with an ACK: when data follows, the connection counts from the ACK.
    @Test func anACKBeforeDataStillStartsTheConnection() throws {
        var reassembler = TCPReassembler<Recorder>()
        feed([peers.fromServer(0), peers.fromClient(0, [1, 2])], into: &reassembler, firstFrame: 5, start: t0)
        let finished = reassembler.finish()
        try #require(finished.count == 1)
        #expect(finished[0].info.firstFrame == 5)
        #expect(finished[0].info.packets == 2)
        #expect(finished[0].handler.merged == [.data(c2s, [1, 2])])
    }

    @Test func aNewSYNAfterTheTombstoneLeftStartsANewConnection() throws {
        var reassembler = closedConversation()
        var second = peers
        second.clientISN = 90_000
        feed(second.handshake + [second.fromClient(0, [42])], into: &reassembler, firstFrame: 20, start: at(60))
        let finished = reassembler.finish()
        try #require(finished.count == 1)
        #expect(finished[0].info.firstFrame == 20)
        #expect(finished[0].info.roleSource == .syn)
        #expect(finished[0].handler.merged == [.syn(c2s), .syn(s2c), .data(c2s, [42])])
    }

    /// An ignored connection may still be sending: its tombstone waits the idle timeout. Once it closes, only
    /// the grace period.
    @Test func anIgnoredTombstoneWaitsTheIdleTimeoutUntilItCloses() {
        var reassembler = TCPReassembler<Recorder>(limits: ReassemblyLimits()) { info in
            Recorder(connection: info, script: { _, _, _ in .ignoreConnection })
        }
        feed(peers.handshake + [peers.fromClient(0, [1])], into: &reassembler, start: t0)
        feed([peers.fromClient(1, [2])], into: &reassembler, firstFrame: 10, start: at(200))
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.connectionCount == 1)
        feed([peers.fromClient(2, flags: [.ack, .fin]), peers.fromServer(0, flags: [.ack, .fin])],
             into: &reassembler, firstFrame: 20, start: at(250))
        reassembler.advanceTime(to: at(280))
        #expect(reassembler.connectionCount == 1)
        reassembler.advanceTime(to: at(281))
        #expect(reassembler.connectionCount == 0)
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.finish().isEmpty)
    }

    /// Closed connections one a second for 20 minutes: the table holds the last grace period's, not every one
    /// the idle timeout would have kept.
    @Test func closedTombstonesStayBoundedByTheGracePeriod() {
        var reassembler = TCPReassembler<Recorder>()
        var reported = 0
        var most = 0
        for i in 0..<1_200 {
            var pair = peers
            pair.client.port = UInt16(10_000 + i)
            feed(pair.handshake + [pair.fromClient(0, [1]), pair.fromClient(1, flags: [.ack, .fin]),
                                   pair.fromServer(0, flags: [.ack, .fin]), pair.fromClient(2)],
                 into: &reassembler, firstFrame: 10 * i, start: at(Int64(i)))
            reported += reassembler.drainClosed().count
            most = max(most, reassembler.connectionCount)
        }
        #expect(reported == 1_200)
        #expect(most <= 32)
        #expect(MemoryLayout<Tombstone>.stride <= 80)
    }

    /// At the connection cap a closed tombstone gives way before a live connection is evicted.
    @Test func evictionTakesClosedTombstonesFirst() {
        var limits = ReassemblyLimits()
        limits.maxConnections = 2
        var reassembler = TCPReassembler<Recorder>(limits: limits)
        var open = peers
        open.client.port = 1_001
        var closing = peers
        closing.client.port = 1_002
        var next = peers
        next.client.port = 1_003
        feed(open.handshake + closing.handshake + [closing.fromClient(0, flags: [.ack, .fin]),
                                                    closing.fromServer(0, flags: [.ack, .fin])],
             into: &reassembler, start: t0)
        #expect(reassembler.drainClosed().map(\.info.client.port) == [1_002])
        feed(next.handshake, into: &reassembler, firstFrame: 20, start: at(1))
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.statistics.connectionsEvicted == 0)
        #expect(reassembler.finish().map(\.info.client.port) == [1_001, 1_003])
    }
}
