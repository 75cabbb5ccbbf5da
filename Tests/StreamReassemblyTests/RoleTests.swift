import Testing
import WireFormat
import PacketDecoding
@testable import StreamReassembly

@Suite struct RoleTests {
    let peers = Peers()

    func firstConnection(_ segments: [TCPSegment], script: Recorder.Script? = nil) throws -> ClosedConnection<Recorder> {
        var reassembler = TCPReassembler<Recorder> { info in
            script.map { Recorder(connection: info, script: $0) } ?? Recorder(connection: info)
        }
        feed(segments, into: &reassembler)
        return try #require((reassembler.drainClosed() + reassembler.finish()).first)
    }

    @Test func synSenderIsTheClient() throws {
        let connection = try firstConnection(peers.handshake + [peers.fromServer(0, [1])])
        #expect(connection.info.roleSource == .syn)
        #expect(connection.info.client == peers.client)
        #expect(connection.info.server == peers.server)
        #expect(connection.handler.merged == [.syn(c2s), .syn(s2c), .data(s2c, [1])])
    }

    @Test func synAckReceiverIsTheClient() throws {
        let connection = try firstConnection([peers.synAck, peers.handshakeACK, peers.fromClient(0, [1])])
        #expect(connection.info.roleSource == .synAck)
        #expect(connection.info.client == peers.client)
        #expect(connection.handler.merged == [.syn(s2c), .data(c2s, [1])])
    }

    @Test func synAckTellsWhereTheClientBytesStart() throws {
        // SYN not captured, and the client's first segment arrives after its second one.
        let connection = try firstConnection([peers.synAck, peers.fromClient(3, [4, 5]), peers.fromClient(0, [1, 2, 3])])
        #expect(connection.handler.merged == [.syn(s2c), .data(c2s, [1, 2, 3, 4, 5])])
    }

    @Test func withoutHandshakeTheLowerPortIsTheServer() throws {
        // The first packet comes from the server (port 443 < 50000).
        let connection = try firstConnection([peers.fromServer(0, [1]), peers.fromClient(0, [2])])
        #expect(connection.info.roleSource == .guessed)
        #expect(connection.info.server == peers.server)
        #expect(connection.handler.merged == [.data(s2c, [1]), .data(c2s, [2])])
    }

    @Test func equalPortsMakeTheFirstDestinationTheServer() throws {
        var peers = Peers()
        peers.client.port = 443
        let connection = try firstConnection([peers.fromServer(0, [1])])
        #expect(connection.info.server == peers.client)  // the first packet went to `client`
        #expect(connection.handler.merged == [.data(c2s, [1])])
    }

    @Test func handlerCanSwapRoles() throws {
        // Mid-stream: 443 is taken as the server, but it sends a ClientHello first: the handler swaps.
        var peers = Peers()
        peers.client.port = 443
        peers.server.port = 50_000
        let connection = try firstConnection(
            [peers.fromClient(0, [0x16, 0x03, 0x01]), peers.fromServer(0, [0x16, 0x03, 0x03]), peers.fromClient(3, [1]),
             peers.fromServer(3, flags: [.ack, .fin])],
            script: { event, index, _ in index == 0 ? .swapRoles : .continue })
        #expect(connection.info.client == peers.client)
        #expect(connection.info.server == peers.server)
        #expect(connection.handler.firstInfo.server == peers.client)
        // The first event went out under the guessed roles (443 = server), the rest under the swapped ones.
        #expect(connection.handler.events == [.data(s2c, [0x16, 0x03, 0x01]), .data(s2c, [0x16, 0x03, 0x03]),
                                              .data(c2s, [1]), .fin(s2c)])
        #expect(connection.handler.lastInfo.client == peers.client)
    }
}
