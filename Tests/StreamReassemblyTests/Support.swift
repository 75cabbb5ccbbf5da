import TestSupport
import WireFormat
import PacketDecoding
import StreamReassembly

/// Records every event; decisions come from an optional script (index of the event → decision).
struct Recorder: TCPStreamHandler {
    enum Event: Equatable, CustomStringConvertible {
        case syn(StreamDirection)
        case data(StreamDirection, [UInt8])
        case gap(StreamDirection, Int)
        case fin(StreamDirection)
        case rst(StreamDirection)

        var description: String {
            switch self {
            case .syn(let d): "syn(\(d.short))"
            case .data(let d, let bytes): "data(\(d.short), \(bytes.count))"
            case .gap(let d, let n): "gap(\(d.short), \(n))"
            case .fin(let d): "fin(\(d.short))"
            case .rst(let d): "rst(\(d.short))"
            }
        }
    }

    typealias Script = @Sendable (_ event: Event, _ index: Int, _ info: TCPConnectionInfo) -> StreamHandlerDecision

    var events: [Event] = []
    var frames: [Int] = []
    /// `startIndex` of every delivered data slice, to see that in-order payload is not copied.
    var dataStartIndices: [Int] = []
    var firstInfo: TCPConnectionInfo
    var lastInfo: TCPConnectionInfo
    var script: Script?

    init(connection: TCPConnectionInfo) {
        firstInfo = connection
        lastInfo = connection
    }

    init(connection: TCPConnectionInfo, script: @escaping Script) {
        self.init(connection: connection)
        self.script = script
    }

    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision {
        let recorded: Event
        let frame: Int
        switch event {
        case .syn(let d, let f, _): recorded = .syn(d); frame = f
        case .data(let d, let bytes, let f, _):
            recorded = .data(d, Array(bytes)); frame = f
            dataStartIndices.append(bytes.startIndex)
        case .gap(let d, let n, let f, _): recorded = .gap(d, n); frame = f
        case .fin(let d, let f, _): recorded = .fin(d); frame = f
        case .rst(let d, let f, _): recorded = .rst(d); frame = f
        }
        events.append(recorded)
        frames.append(frame)
        lastInfo = connection
        return script?(recorded, events.count - 1, connection) ?? .continue
    }

    /// All data bytes of a direction, in delivery order.
    func stream(_ direction: StreamDirection) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .data(direction, let bytes) = event { return bytes }
            return []
        }
    }

    func missing(_ direction: StreamDirection) -> Int {
        events.reduce(0) { total, event in
            if case .gap(direction, let n) = event { return total + n }
            return total
        }
    }

    /// Events with adjacent data (and adjacent gaps) of one direction merged, so orders that split differently compare equal.
    var merged: [Event] {
        var result: [Event] = []
        for event in events {
            switch (result.last, event) {
            case (.data(let d1, let a)?, .data(let d2, let b)) where d1 == d2:
                result[result.count - 1] = .data(d1, a + b)
            case (.gap(let d1, let a)?, .gap(let d2, let b)) where d1 == d2:
                result[result.count - 1] = .gap(d1, a + b)
            default:
                result.append(event)
            }
        }
        return result
    }
}

extension StreamDirection {
    var short: String { self == .clientToServer ? "c→s" : "s→c" }
}

let c2s = StreamDirection.clientToServer
let s2c = StreamDirection.serverToClient

/// Two ends of a connection and a segment builder.
struct Peers {
    var client = Endpoint(address: IPAddress(ipv4: 0xc000_0201), port: 50_000)
    var server = Endpoint(address: IPAddress(ipv4: 0xc633_6407), port: 443)
    var clientISN: UInt32 = 1_000
    var serverISN: UInt32 = 5_000_000

    /// A client segment carrying stream bytes from `offset` (0 = first byte after the SYN).
    func fromClient(_ offset: Int, _ payload: [UInt8] = [], flags: TCPFlags = [.ack], missing: Int = 0) -> TCPSegment {
        segment(client, server, seq: clientISN &+ 1 &+ UInt32(truncatingIfNeeded: offset),
                ack: serverISN &+ 1, flags: flags, payload: payload[...], missing: missing)
    }

    func fromServer(_ offset: Int, _ payload: [UInt8] = [], flags: TCPFlags = [.ack], missing: Int = 0) -> TCPSegment {
        segment(server, client, seq: serverISN &+ 1 &+ UInt32(truncatingIfNeeded: offset),
                ack: clientISN &+ 1, flags: flags, payload: payload[...], missing: missing)
    }

    var syn: TCPSegment { segment(client, server, seq: clientISN, ack: 0, flags: [.syn]) }
    var synAck: TCPSegment { segment(server, client, seq: serverISN, ack: clientISN &+ 1, flags: [.syn, .ack]) }
    var handshakeACK: TCPSegment { fromClient(0) }
    var handshake: [TCPSegment] { [syn, synAck, handshakeACK] }
    /// Handshake, two bytes from the client, one from the server, then a FIN each way (client first).
    var closedConversation: [TCPSegment] {
        handshake + [
            fromClient(0, [1, 2]),
            fromServer(0, [3]),
            fromClient(2, flags: [.ack, .fin]),
            fromServer(1, flags: [.ack, .fin]),
        ]
    }
}

func segment(_ source: Endpoint, _ destination: Endpoint, seq: UInt32, ack: UInt32, flags: TCPFlags,
             payload: ArraySlice<UInt8> = [], missing: Int = 0) -> TCPSegment {
    TCPSegment(source: source, destination: destination, sequenceNumber: seq, acknowledgmentNumber: ack,
               flags: flags, window: 65_535, payload: payload, missingPayloadBytes: missing)
}

/// Deterministic bytes for stream `seed`.
func streamBytes(_ count: Int, seed: UInt8) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7 &+ $0 >> 8) }
}

/// Feeds segments with frames numbered from `firstFrame`, timestamps 1 ms apart from `start`.
func feed(_ segments: [TCPSegment], into reassembler: inout TCPReassembler<Recorder>, firstFrame: Int = 1,
          start: Timestamp = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)) {
    for (i, segment) in segments.enumerated() {
        let time = Timestamp(seconds: start.seconds, nanoseconds: start.nanoseconds + UInt32(i % 1_000_000) * 1_000)
        reassembler.process(segment, frame: firstFrame + i, timestamp: time)
    }
}


/// Cuts `bytes` into segments of 1...maxSize bytes: (offset, bytes).
func cut(_ bytes: [UInt8], maxSize: Int, using generator: inout SplitMix64) -> [(Int, [UInt8])] {
    var pieces: [(Int, [UInt8])] = []
    var offset = 0
    while offset < bytes.count {
        let size = min(bytes.count - offset, 1 + Int(generator.next() % UInt64(maxSize)))
        pieces.append((offset, Array(bytes[offset..<(offset + size)])))
        offset += size
    }
    return pieces
}

extension TCPReassembler where Handler == Recorder {
    /// Most tests need no factory: every connection gets a plain recorder.
    init(limits: ReassemblyLimits = ReassemblyLimits()) {
        self.init(limits: limits, makeHandler: Recorder.init(connection:))
    }
}
