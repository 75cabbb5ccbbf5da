import WireFormat
import PacketDecoding

/// Bounds on what a hostile or huge capture can make the reassembler hold.
public struct ReassemblyLimits: Sendable, Hashable {
    /// Out-of-order bytes buffered per direction; past it the reassembler skips the gap (reported as missing).
    public var maxBufferedBytesPerDirection: Int = 1 << 20
    /// Out-of-order segments held per direction.
    public var maxBufferedSegmentsPerDirection: Int = 512
    /// Connections held at once; past it the oldest idle connection is closed (reported as capture_end).
    public var maxConnections: Int = 200_000
    /// A connection without packets for this long (capture time) is closed and handed back.
    public var idleTimeoutSeconds: Int64 = 300

    public init() {}
}

/// A connection that the reassembler has let go of, with its handler's final state.
public struct ClosedConnection<Handler: TCPStreamHandler> {
    public enum Reason: Sendable, Hashable {
        /// Both directions finished (FIN each way, or RST).
        case closed
        /// No packet for `idleTimeoutSeconds`.
        case idle
        /// Evicted because `maxConnections` was reached.
        case evicted
        /// The capture ended with the connection still open.
        case captureEnd
    }
    public var info: TCPConnectionInfo
    public var handler: Handler
    public var reason: Reason

    public init(info: TCPConnectionInfo, handler: Handler, reason: Reason) {
        self.info = info
        self.handler = handler
        self.reason = reason
    }
}

/// Counters and cap hits, for the capture's warnings.
public struct ReassemblyStatistics: Sendable, Hashable {
    public var connectionsSeen = 0
    public var connectionsEvicted = 0
    public var bytesSkippedForBufferCap = 0
    public var retransmittedBytes = 0
    public init() {}
}

/// Puts each TCP connection's two byte streams back in order, after gopacket's `reassembly.Assembler`.
/// Memory is bounded by `ReassemblyLimits`; closed connections leave at once through `drainClosed()`.
public struct TCPReassembler<Handler: TCPStreamHandler> {
    public private(set) var limits: ReassemblyLimits
    public private(set) var statistics = ReassemblyStatistics()

    /// Makes the handler of a new connection.
    private let makeHandler: (TCPConnectionInfo) -> Handler

    public init(limits: ReassemblyLimits = ReassemblyLimits(), makeHandler: @escaping (TCPConnectionInfo) -> Handler) {
        self.limits = limits
        self.makeHandler = makeHandler
    }

    /// Feeds one decoded segment. Packets must come in capture order.
    public mutating func process(_ segment: TCPSegment, frame: Int, timestamp: Timestamp) {
        // Implemented by the reassembly stage.
    }

    /// Visits every open connection's handler (live capture deadlines). O(open connections): call it rarely.
    public mutating func forEachHandler(_ body: (TCPConnectionInfo, inout Handler) -> Void) {
    }

    /// Connections that closed (or idled out, or were evicted) since the last call, in order of closing.
    public mutating func drainClosed() -> [ClosedConnection<Handler>] {
        []
    }

    /// At the end of the capture: delivers what is still buffered (with gaps), closes every connection.
    public mutating func finish() -> [ClosedConnection<Handler>] {
        []
    }
}
