import WireFormat
import PacketDecoding

/// Which way bytes flow within a connection.
public enum StreamDirection: Sendable, Hashable {
    case clientToServer
    case serverToClient

    public var reversed: StreamDirection { self == .clientToServer ? .serverToClient : .clientToServer }
}

/// How the reassembler decided which side is the client.
public enum RoleSource: Sendable, Hashable {
    /// From a SYN (the sender of the SYN without ACK is the client).
    case syn
    /// From a SYN-ACK (its receiver is the client); the SYN was not captured.
    case synAck
    /// No handshake seen: the endpoint with the lower port was taken as the server (on a tie, the first packet's
    /// destination). The handler may swap.
    case guessed
}

/// What the reassembler knows about a connection, passed with every event.
public struct TCPConnectionInfo: Sendable {
    public var client: Endpoint
    public var server: Endpoint
    public var roleSource: RoleSource
    public var firstFrame: Int
    public var firstTimestamp: Timestamp
    public var lastFrame: Int
    public var lastTimestamp: Timestamp
    /// Packets seen, both directions.
    public var packets: Int

    public init(client: Endpoint, server: Endpoint, roleSource: RoleSource, firstFrame: Int, firstTimestamp: Timestamp) {
        self.client = client
        self.server = server
        self.roleSource = roleSource
        self.firstFrame = firstFrame
        self.firstTimestamp = firstTimestamp
        self.lastFrame = firstFrame
        self.lastTimestamp = firstTimestamp
        self.packets = 0
    }
}

/// What a connection's handler is told, in stream order per direction.
public enum TCPStreamEvent: Sendable {
    /// A SYN from the client (`direction == .clientToServer`) or a SYN-ACK from the server. Every SYN packet is
    /// reported, retransmissions included (count them to see retries); its payload (TCP Fast Open) follows as data.
    case syn(StreamDirection, frame: Int, timestamp: Timestamp)
    /// Bytes delivered in sequence order, each byte once (retransmissions and overlaps removed).
    /// `frame` is the frame that completed this run of bytes.
    case data(StreamDirection, ArraySlice<UInt8>, frame: Int, timestamp: Timestamp)
    /// Bytes that will never be delivered (not captured, or cut by the snap length), before the next data:
    /// a snap-length cut; a hole given up at a buffer cap, at RST, at the end (`finish`, idle, eviction), or
    /// because the receiver acknowledged bytes the capture never had.
    case gap(StreamDirection, missingBytes: Int, frame: Int, timestamp: Timestamp)
    /// The direction was closed with FIN, after all its data was delivered (`frame` is the FIN's own frame).
    case fin(StreamDirection, frame: Int, timestamp: Timestamp)
    /// A reset sent in `direction` (by the client for `.clientToServer`), after everything buffered was flushed.
    /// The connection is closed afterwards. A reset far outside the sender's sequence space is not reported.
    case rst(StreamDirection, frame: Int, timestamp: Timestamp)
}

/// What the handler wants next.
public enum StreamHandlerDecision: Sendable, Hashable {
    /// Keep delivering events.
    case `continue`
    /// Client and server are the other way round (e.g. the "server" sent a ClientHello). Future events use the
    /// new roles; `TCPConnectionInfo` is updated.
    case swapRoles
    /// Stop delivering payload for this direction (handshake over): only FIN/RST and counters from now on; what
    /// was buffered for it is dropped.
    case stopPayload(StreamDirection)
    /// Not interesting (not TLS, not an analyzed port): forget the connection, ignore its packets. It is not
    /// handed back by `drainClosed()` or `finish()`.
    case ignoreConnection
}

/// One per TCP connection, made by the reassembler's `makeHandler` when it first sees the connection.
public protocol TCPStreamHandler {
    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision
}
