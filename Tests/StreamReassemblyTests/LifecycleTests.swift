import Testing
import WireFormat
import PacketDecoding
@testable import StreamReassembly

@Suite struct LifecycleTests {
    let peers = Peers()

    func reassembler(limits: ReassemblyLimits = ReassemblyLimits(), script: Recorder.Script? = nil) -> TCPReassembler<Recorder> {
        TCPReassembler<Recorder>(limits: limits) { info in
            script.map { Recorder(connection: info, script: $0) } ?? Recorder(connection: info)
        }
    }

    var fullConversation: [TCPSegment] {
        peers.closedConversation + [peers.fromClient(3)]   // final ACK, after the close
    }

    @Test func bothFINsCloseTheConnectionAndLatePacketsAreAbsorbed() throws {
        var reassembler = reassembler()
        feed(fullConversation, into: &reassembler)
        let closed = reassembler.drainClosed()
        try #require(closed.count == 1)
        #expect(closed[0].reason == .closed)
        #expect(closed[0].handler.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2]), .data(s2c, [3]), .fin(c2s), .fin(s2c)])
        #expect(closed[0].info.packets == 7)
        #expect(closed[0].info.lastFrame == 7)
        #expect(closed[0].info.firstFrame == 1)
        #expect(reassembler.drainClosed().isEmpty)
        // A retransmitted FIN and an ACK later: still one connection.
        feed([peers.fromServer(1, flags: [.ack, .fin]), peers.fromClient(3)], into: &reassembler, firstFrame: 9)
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.finish().isEmpty)
    }

    @Test func resetIsReportedAtOnceAndClosesTheConnection() throws {
        var reassembler = reassembler()
        feed(peers.handshake + [peers.fromClient(0, [1]), peers.fromServer(0, flags: [.rst, .ack]), peers.fromClient(1, [2])],
             into: &reassembler)
        let closed = reassembler.drainClosed()
        try #require(closed.count == 1)
        #expect(closed[0].handler.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1]), .rst(s2c)])
        #expect(closed[0].handler.frames.last == 5)
        #expect(reassembler.statistics.connectionsSeen == 1)
    }

    /// Seen in suricata-verify's tls-subjectaltname capture: the server answers the SYN with a challenge ACK
    /// (an earlier connection on the same ports), the client resets *that* one and retries its SYN.
    @Test func resetFarOutsideTheSequenceSpaceDoesNotEndTheConnection() throws {
        var reassembler = reassembler()
        let challengeACK = segment(peers.server, peers.client, seq: 1_272_121_215, ack: 3_058_576_675, flags: [.ack])
        let reset = segment(peers.client, peers.server, seq: 3_058_576_675, ack: 0, flags: [.rst])
        feed([peers.syn, challengeACK, reset] + peers.handshake + [peers.fromClient(0, [1])], into: &reassembler)
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.statistics.resetsIgnored == 1)
        let finished = reassembler.finish()
        #expect(finished.count == 1)
        #expect(finished.first?.handler.merged == [.syn(c2s), .syn(c2s), .syn(s2c), .data(c2s, [1])])
    }

    @Test func newSYNAfterCloseStartsANewConnection() throws {
        var reassembler = reassembler()
        var second = peers
        second.clientISN = 90_000
        second.serverISN = 7_000_000
        feed(fullConversation + second.handshake + [second.fromClient(0, [42])], into: &reassembler)
        let first = reassembler.drainClosed()
        let rest = reassembler.finish()
        #expect(first.count == 1 && rest.count == 1)
        #expect(rest.first?.info.firstFrame == 9)
        #expect(rest.first?.info.roleSource == .syn)
        #expect(rest.first?.handler.merged == [.syn(c2s), .syn(s2c), .data(c2s, [42])])
        #expect(reassembler.statistics.connectionsSeen == 2)
    }

    @Test func newSYNAfterBothFINsWithAHoleClosesTheOldOneFirst() throws {
        var reassembler = reassembler()
        var second = peers
        second.clientISN = 90_000
        feed(peers.handshake + [
            peers.fromClient(5, [6], flags: [.ack, .fin]),   // FIN behind a hole of 5 bytes
            peers.fromServer(0, flags: [.ack, .fin]),
            second.syn,
        ], into: &reassembler)
        let closed = reassembler.drainClosed()
        try #require(closed.count == 1)
        #expect(closed[0].reason == .closed)
        #expect(closed[0].handler.merged == [.syn(c2s), .syn(s2c), .fin(s2c), .gap(c2s, 5), .data(c2s, [6]), .fin(c2s)])
        let open = reassembler.finish()
        #expect(open.count == 1)
        #expect(open.first?.info.firstFrame == 6)
    }

    @Test func stopPayloadStopsOneDirectionButKeepsFINs() throws {
        var reassembler = reassembler(script: { event, _, _ in
            if case .data(.clientToServer, _) = event { return .stopPayload(.clientToServer) }
            return .continue
        })
        feed(peers.handshake + [
            peers.fromClient(10, [9, 9]),        // buffered before the stop
            peers.fromClient(0, [1, 2]),         // delivered, then the handler stops the direction
            peers.fromClient(2, [3, 4]),
            peers.fromServer(0, [5]),
            peers.fromServer(1, [6]),
            peers.fromClient(12, flags: [.ack, .fin]),
            peers.fromServer(2, flags: [.ack, .fin]),
        ], into: &reassembler)
        #expect(reassembler.bufferedBytes == 0)
        let closed = reassembler.drainClosed()
        try #require(closed.count == 1)
        #expect(closed[0].handler.merged == [.syn(c2s), .syn(s2c), .data(c2s, [1, 2]), .data(s2c, [5, 6]), .fin(c2s), .fin(s2c)])
    }

    @Test func ignoredConnectionLeavesATombstoneUntilItCloses() throws {
        var reassembler = reassembler(script: { _, _, _ in .ignoreConnection })
        feed(peers.handshake + [peers.fromClient(0, [1]), peers.fromServer(0, [2])], into: &reassembler)
        #expect(reassembler.statistics.connectionsSeen == 1)
        #expect(reassembler.connectionCount == 1)
        // Late FINs close the tombstone; then a new SYN is a new connection (ignored again by this script).
        feed([peers.fromClient(1, flags: [.ack, .fin]), peers.fromServer(1, flags: [.ack, .fin]), peers.syn], into: &reassembler)
        #expect(reassembler.statistics.connectionsSeen == 2)
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.finish().isEmpty)
    }

    @Test func ignoreTakesEffectAtOnce() throws {
        var reassembler = reassembler(script: { event, _, _ in
            if case .data = event { return .ignoreConnection }
            return .continue
        })
        feed(peers.handshake + [peers.fromClient(3, [4]), peers.fromClient(0, [1, 2, 3])], into: &reassembler)
        #expect(reassembler.bufferedBytes == 0)
        #expect(reassembler.finish().isEmpty)
    }

    @Test func connectionInfoCountsEveryPacket() throws {
        var reassembler = reassembler()
        let start = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        feed(peers.handshake + [peers.fromServer(0), peers.fromServer(0)], into: &reassembler, firstFrame: 10, start: start)
        let info = try #require(reassembler.finish().first?.info)
        #expect(info.packets == 5)
        #expect(info.firstFrame == 10 && info.lastFrame == 14)
        #expect(info.firstTimestamp == start)
        #expect(info.lastTimestamp == Timestamp(seconds: start.seconds, nanoseconds: 4_000))
    }

    @Test func finishReturnsEverythingInOrderOfFirstFrame() throws {
        var reassembler = reassembler()
        var other = peers
        other.client.port = 1_234
        feed(peers.handshake + other.handshake + [peers.fromClient(0, flags: [.rst])] + [other.fromClient(0, [1])],
             into: &reassembler)
        let finished = reassembler.finish()
        #expect(finished.map(\.info.firstFrame) == [1, 4])
        #expect(finished.map(\.reason) == [.closed, .captureEnd])
    }

    @Test func idleConnectionsLeaveByCaptureTime() throws {
        var limits = ReassemblyLimits()
        limits.idleTimeoutSeconds = 300
        var reassembler = reassembler(limits: limits)
        let t0 = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)
        feed(peers.handshake + [peers.fromClient(3, [9])], into: &reassembler, start: t0)
        var other = peers
        other.client.port = 1_234
        feed(other.handshake, into: &reassembler, firstFrame: 10, start: Timestamp(seconds: t0.seconds + 200, nanoseconds: 0))
        #expect(reassembler.drainClosed().isEmpty)
        feed([other.fromClient(0, [1])], into: &reassembler, firstFrame: 20, start: Timestamp(seconds: t0.seconds + 301, nanoseconds: 0))
        let idle = reassembler.drainClosed()
        try #require(idle.count == 1)
        #expect(idle[0].reason == .idle)
        #expect(idle[0].info.firstFrame == 1)
        #expect(idle[0].handler.merged == [.syn(c2s), .syn(s2c), .gap(c2s, 3), .data(c2s, [9])])
        #expect(reassembler.statistics.connectionsIdledOut == 1)
        // Live capture: time passes without packets.
        reassembler.advanceTime(to: Timestamp(seconds: t0.seconds + 602, nanoseconds: 0))
        #expect(reassembler.drainClosed().map(\.info.firstFrame) == [10])
        #expect(reassembler.connectionCount == 0)
    }

    @Test func timeGoingBackwardsDoesNotExpireConnections() throws {
        var reassembler = reassembler()
        feed(peers.handshake, into: &reassembler, start: Timestamp(seconds: 1_700_000_000, nanoseconds: 0))
        var other = peers
        other.client.port = 1_234
        // A clock step back by an hour: the new connection is not "idle since an hour".
        feed(other.handshake + [other.fromClient(0, [1])], into: &reassembler, firstFrame: 10,
             start: Timestamp(seconds: 1_700_000_000 - 3_600, nanoseconds: 0))
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.connectionCount == 2)
    }

    @Test func evictionTakesTheLeastRecentlyActive() throws {
        var limits = ReassemblyLimits()
        limits.maxConnections = 3
        var reassembler = reassembler(limits: limits)
        let ports: [UInt16] = [1001, 1002, 1003, 1004]
        func peers(_ port: UInt16) -> Peers { var p = Peers(); p.client.port = port; return p }
        feed([peers(1001).syn, peers(1002).syn, peers(1003).syn, peers(1001).synAck], into: &reassembler)
        feed([peers(ports[3]).syn], into: &reassembler, firstFrame: 5)
        let evicted = reassembler.drainClosed()
        #expect(evicted.map(\.info.client.port) == [1002])
        #expect(evicted.map(\.reason) == [.evicted])
        #expect(reassembler.statistics.connectionsEvicted == 1)
        #expect(reassembler.connectionCount == 3)
    }

    @Test func tombstonesCountTowardTheCap() throws {
        var limits = ReassemblyLimits()
        limits.maxConnections = 2
        var reassembler = reassembler(limits: limits, script: { _, _, info in
            info.client.port == 1001 ? .ignoreConnection : .continue
        })
        func peers(_ port: UInt16) -> Peers { var p = Peers(); p.client.port = port; return p }
        feed([peers(1001).syn, peers(1002).syn, peers(1003).syn], into: &reassembler)
        // The tombstone of 1001 was the oldest: it left without a report, and without counting as an eviction.
        #expect(reassembler.drainClosed().isEmpty)
        #expect(reassembler.statistics.connectionsEvicted == 0)
        #expect(reassembler.connectionCount == 2)
        #expect(reassembler.finish().map(\.info.client.port) == [1002, 1003])
    }

    /// 100k SYNs from distinct ports with room for 10k: eviction must be O(1), not a scan per packet.
    @Test func manyConnectionsStayFastAndBounded() throws {
        var limits = ReassemblyLimits()
        limits.maxConnections = 10_000
        var reassembler = reassembler(limits: limits)
        let clock = ContinuousClock()
        let start = clock.now
        let base = Peers()
        for i in 0..<100_000 {
            let source = Endpoint(address: IPAddress(ipv4: 0x0a00_0000 | UInt32(i >> 16)), port: UInt16(truncatingIfNeeded: i))
            let syn = segment(source, base.server, seq: UInt32(i), ack: 0, flags: [.syn])
            reassembler.process(syn, frame: i + 1, timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: UInt32(i)))
            #expect(reassembler.connectionCount <= 10_000)
        }
        let evicted = reassembler.drainClosed()
        let elapsed = clock.now - start
        #expect(evicted.count == 90_000)
        #expect(evicted.first?.info.firstFrame == 1)
        #expect(evicted.last?.info.firstFrame == 90_000)
        #expect(reassembler.statistics.connectionsEvicted == 90_000)
        #expect(reassembler.finish().count == 10_000)
        #expect(elapsed < .seconds(30), "took \(elapsed)")
    }
}
