import WireFormat
import PacketDecoding
import StreamReassembly
import TLSDissector
import TLSDecryption
import Diagnosis

/// Receives finished observations as soon as a handshake concludes (live capture only).
final class ConclusionSink {
    var concluded: [ConnectionObservation] = []
}

/// One TCP connection's handler: feeds both directions to TLS parsers and records what they saw
/// in a `ConnectionObservation`. Stops asking for payload once the handshake's outcome is known.
struct ConnectionTracker: TCPStreamHandler {
    enum Relevance { case undecided, analyzed, ignored }

    private(set) var observation: ConnectionObservation
    private(set) var relevance: Relevance = .undecided
    /// Reported early (live capture): the close only releases it.
    private(set) var reportedEarly = false
    private var clientParser: TLSStreamParser
    private var serverParser: TLSStreamParser
    private var payloadStopped = PerSide<Bool>()
    /// `HandshakeProgress.outcomeKnown`, nil when an event it depends on came since it was last computed.
    private var outcomeKnown: Bool?
    private let ports: Set<UInt16>
    private let sink: ConclusionSink?
    /// The events array `receive` fills, kept (empty) between calls so that parsing allocates none per segment.
    private var scratchEvents: [TLSEvent] = []
    /// Present when a key log was given (ConnectionDecryption.swift). Boxed: about 450 bytes inline otherwise,
    /// in every connection, key log or not.
    private var decryption: CopyOnWriteBox<ConnectionDecryption>?

    /// Whether this connection belongs in the report: an analyzed port, or a ClientHello on another port.
    var isReportable: Bool {
        switch relevance {
        case .analyzed: true
        case .ignored: false
        case .undecided: ports.contains(observation.server.port)
        }
    }

    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision {
        observation.client = connection.client
        observation.server = connection.server
        observation.last = FrameMark(frame: connection.lastFrame, timestamp: connection.lastTimestamp)
        switch event {
        case .syn(let direction, let frame, let timestamp):
            let at = FrameMark(frame: frame, timestamp: timestamp)
            if direction == .clientToServer {
                observation.clientSYNCount += 1
                if observation.clientSYN == nil {
                    observation.clientSYN = at
                    observation.addTimeline(TimelineEntry(from: .client, kind: .tcp, message: "SYN", frame: frame, timestamp: timestamp))
                }
            } else if observation.serverSYNACK == nil {
                observation.serverSYNACK = at
                observation.addTimeline(TimelineEntry(from: .server, kind: .tcp, message: "SYN-ACK", frame: frame, timestamp: timestamp))
            }
            observation.rolesFromHandshake = connection.roleSource != .guessed
            return .continue
        case .data(let direction, let bytes, let frame, let timestamp):
            return receive(bytes, side: side(direction), at: FrameMark(frame: frame, timestamp: timestamp), connection: connection)
        case .gap(let direction, let missing, let frame, let timestamp):
            let side = side(direction)
            observation.missingBytes[side, default: 0] += missing
            if observation.firstGap[side] == nil {
                observation.firstGap[side] = FrameMark(frame: frame, timestamp: timestamp)
            }
            if side == .client { clientParser.skip(missingBytes: missing, frame: frame) } else { serverParser.skip(missingBytes: missing, frame: frame) }
            return .continue
        case .fin(let direction, let frame, let timestamp):
            let side = side(direction)
            if observation.fin[side] == nil {
                flushParser(side, at: FrameMark(frame: frame, timestamp: timestamp))
                observation.fin[side] = FrameMark(frame: frame, timestamp: timestamp)
                observation.addTimeline(TimelineEntry(from: side, kind: .tcp, message: "FIN", frame: frame, timestamp: timestamp))
            }
            concludeIfDecided()
            return .continue
        case .rst(let direction, let frame, let timestamp):
            let side = side(direction)
            if observation.rst[side] == nil {
                observation.rst[side] = FrameMark(frame: frame, timestamp: timestamp)
                observation.addTimeline(TimelineEntry(from: side, kind: .tcp, message: "RST", frame: frame, timestamp: timestamp))
            }
            concludeIfDecided()
            return .continue
        }
    }

    /// Marks the connection as open at the end of the capture (or idle) before it is judged.
    mutating func markOpenAtEnd() {
        observation.openAtEnd = true
        for side in [Side.client, .server] where observation.fin[side] == nil {
            flushParser(side, at: observation.last)
        }
    }

    /// Hands the observation over, leaving one with only the connection's endpoints and first packet.
    mutating func takeObservation() -> ConnectionObservation {
        var taken = ConnectionObservation(client: observation.client, server: observation.server,
                                          rolesFromHandshake: observation.rolesFromHandshake, first: observation.first)
        swap(&taken, &observation)
        return taken
    }

    /// A direction ended: what its parser still holds (a short non-TLS reply) is reported now.
    private mutating func flushParser(_ side: Side, at: FrameMark) {
        guard relevance == .analyzed, payloadStopped[side] == nil else { return }
        let events = side == .client ? clientParser.finish() : serverParser.finish()
        for event in events { record(event, side: side, timestamp: at.timestamp) }
    }

    /// Live capture: a handshake that has waited too long is concluded as it stands.
    mutating func concludeForTimeout(afterSeconds seconds: Int64) {
        guard !reportedEarly, isReportable else { return }
        observation.openAtEnd = true
        observation.liveTimeoutSeconds = seconds
        reportedEarly = true
        sink?.concluded.append(observation)
    }

    var awaitingConclusion: Bool { sink != nil && !reportedEarly && isReportable }

    private func side(_ direction: StreamDirection) -> Side {
        direction == .clientToServer ? .client : .server
    }

    private mutating func receive(_ bytes: ArraySlice<UInt8>, side: Side, at: FrameMark,
                                  connection: TCPConnectionInfo) -> StreamHandlerDecision {
        if relevance == .undecided {
            if side == .server, connection.roleSource == .guessed, Self.looksLikeClientHello(bytes) {
                // Mid-stream start guessed wrong: the "server" opened with a ClientHello.
                swapRoles()
                relevance = .analyzed
                return .swapRoles
            }
            if side == .client {
                if ports.contains(observation.server.port) || Self.looksLikeClientHello(bytes) {
                    relevance = .analyzed
                } else if connection.roleSource == .guessed, ports.contains(observation.client.port) {
                    swapRoles()
                    relevance = .analyzed
                    return .swapRoles
                } else {
                    relevance = .ignored
                    return .ignoreConnection
                }
            } else if !ports.contains(observation.server.port) {
                if connection.roleSource == .guessed, ports.contains(observation.client.port) {
                    swapRoles()
                    relevance = .analyzed
                    return .swapRoles
                }
                // Server speaks first on a port we do not analyze (SMTP, SSH, ...): not ours.
                relevance = .ignored
                return .ignoreConnection
            } else {
                relevance = .analyzed
            }
        }
        guard payloadStopped[side] == nil else { return .continue }
        observation.payloadBytes[side, default: 0] += bytes.count
        var events = scratchEvents
        scratchEvents = []
        if events.capacity == 0 { events.reserveCapacity(8) }
        if side == .client {
            clientParser.feed(bytes, frame: at.frame, into: &events)
        } else {
            serverParser.feed(bytes, frame: at.frame, into: &events)
        }
        // Moved out one by one, in order, rather than copied and then destroyed with the array: a handshake event
        // holds a dozen arrays, and each copy or destruction of a TLSEvent here goes through its runtime type.
        // (Reversed through the buffer, which moves the events; `Array.reverse` copies them.)
        if events.count > 1 { events.withUnsafeMutableBufferPointer { $0.reverse() } }
        while let event = events.popLast() {
            record(event, side: side, timestamp: at.timestamp)
        }
        scratchEvents = events
        concludeIfDecided()
        if let stop = payloadToStop() {
            payloadStopped[stop] = true
            return .stopPayload(stop == .client ? .clientToServer : .serverToClient)
        }
        return .continue
    }

    private mutating func swapRoles() {
        outcomeKnown = nil
        observation.swapRoles()
        swap(&clientParser, &serverParser)
    }

    /// A TLS handshake record carrying ClientHello, or an SSLv2-format CLIENT-HELLO.
    static func looksLikeClientHello(_ bytes: ArraySlice<UInt8>) -> Bool {
        let s = bytes.startIndex
        if bytes.count >= 6, bytes[s] == 0x16, bytes[s + 1] == 0x03, bytes[s + 2] <= 0x04, bytes[s + 5] == 0x01 { return true }
        if bytes.count >= 3, bytes[s] & 0x80 != 0, bytes[s + 2] == 0x01 { return true }
        return false
    }
}

extension ConnectionTracker {
    /// Delegates to the memberwise initializer (out here, so that it exists), which makes the tracker as one
    /// value: assigned field by field to `self`, the 1.3 KB tracker was copied whole (everything it holds
    /// retained) and the first one freed, once per connection.
    init(connection: TCPConnectionInfo, ports: Set<UInt16>, parserLimits: TLSParserLimits, sink: ConclusionSink?,
         keyLog: KeyLog? = nil) {
        self.init(
            observation: ConnectionObservation(
                client: connection.client, server: connection.server,
                rolesFromHandshake: connection.roleSource != .guessed,
                first: FrameMark(frame: connection.firstFrame, timestamp: connection.firstTimestamp)),
            clientParser: TLSStreamParser(limits: parserLimits),
            serverParser: TLSStreamParser(limits: parserLimits),
            ports: ports, sink: sink,
            decryption: keyLog.map {
                CopyOnWriteBox(ConnectionDecryption(keyLog: $0, maxHandshakeMessageLength: parserLimits.maxHandshakeMessageLength))
            })
    }
}

extension ConnectionTracker {
    /// Takes the event: its message moves on into the observation (see `recordHandshake`).
    private mutating func record(_ event: consuming TLSEvent, side: Side, timestamp: Timestamp) {
        switch event {
        case .notTLS, .malformed, .resynchronized:
            break
        default:
            outcomeKnown = nil  // HandshakeProgress reads messages, ChangeCipherSpec, alerts and records
        }
        if decryption != nil, recordWithKeyLog(event, side: side, timestamp: timestamp) { return }
        recordPlain(event, side: side, timestamp: timestamp)
    }

    private mutating func recordPlain(_ event: consuming TLSEvent, side: Side, timestamp: Timestamp) {
        let startsTLS13Encryption = side == .server && Self.isTLS13ServerHello(event)
        switch consume event {
        case .handshake(let message, let frame):
            observation.recordHandshake(message, side: side, at: FrameMark(frame: frame, timestamp: timestamp))
            if startsTLS13Encryption {
                // TLS 1.3 (RFC 8446 §2): everything after ServerHello is encrypted, both ways.
                serverParser.markEncrypted()
                clientParser.markEncrypted()
            }
        case .changeCipherSpec(let frame):
            observation.recordChangeCipherSpec(side: side, at: FrameMark(frame: frame, timestamp: timestamp))
        case .alert(let alert, let frame):
            observation.recordAlert(ObservedAlert(side: side, alert: alert, at: FrameMark(frame: frame, timestamp: timestamp)))
        case .encryptedRecord(let type, let length, let frame):
            observation.recordEncrypted(EncryptedRecordMark(side: side, contentType: type, length: length,
                                                            at: FrameMark(frame: frame, timestamp: timestamp)))
        case .encryptedRecordBody(let record, let frame):
            observation.recordEncrypted(EncryptedRecordMark(side: side, contentType: record.contentType, length: record.body.count,
                                                            at: FrameMark(frame: frame, timestamp: timestamp)))
        case .notTLS(let proto, let frame):
            observation.recordNotTLS(proto, side: side, at: FrameMark(frame: frame, timestamp: timestamp))
        case .malformed(let error, let frame):
            observation.recordMalformed(error, side: side, at: FrameMark(frame: frame, timestamp: timestamp))
        case .resynchronized:
            observation.resynchronizations += 1
        }
    }

    /// A ServerHello (not a HelloRetryRequest) that chose TLS 1.3 or a draft of it. (Read before the event is consumed.)
    private static func isTLS13ServerHello(_ event: borrowing TLSEvent) -> Bool {
        switch event {
        case .handshake(.serverHello(let hello), _): !hello.isHelloRetryRequest && hello.negotiatedVersion.isTLS13OrDraft
        default: false
        }
    }

    /// Once the outcome is known nothing later changes the verdict: stop parsing payload (issue: speed).
    private mutating func payloadToStop() -> Side? {
        guard outcomeKnown != nil || outcomeMayBeKnown else { return nil }
        let known = outcomeKnown ?? HandshakeProgress(observation).outcomeKnown
        outcomeKnown = known
        guard known else { return nil }
        if payloadStopped[.client] == nil { return .client }
        return payloadStopped[.server] == nil ? .server : nil
    }

    /// A cheap necessary condition for `HandshakeProgress.outcomeKnown` without a key log: a failure needs an
    /// alert (or, in TLS 1.3, a client record answering the server's flight); success needs the client's
    /// encrypted records, and before TLS 1.3 its application data (after its Finished, the server's
    /// ChangeCipherSpec and Finished cannot settle it). Spares computing the progress for every record.
    /// (Inlined: called out of line, it copied the whole tracker for every received segment.)
    @inline(__always) private var outcomeMayBeKnown: Bool {
        if decryption != nil || !observation.alerts.isEmpty { return true }
        if observation.isTLS13 { return observation.encryptedRecordCount[.client] != nil }
        return observation.encryptedRecords.contains { $0.side == .client && $0.contentType == .applicationData }
    }

    private mutating func concludeIfDecided() {
        guard sink != nil, !reportedEarly, isReportable else { return }
        let progress = HandshakeProgress(observation)
        let tcpEnded = !observation.rst.isEmpty || !observation.fin.isEmpty
        if progress.outcomeKnown || progress.failedByAlert || observation.notTLS != nil || tcpEnded {
            reportedEarly = true
            sink?.concluded.append(observation)
        }
    }
}

extension ConnectionTracker {
    /// With a key log: encrypted records are opened and their contents recorded as plaintext ones would be
    /// (alerts keep `encrypted: true`). Returns true when the event was recorded here.
    private mutating func recordWithKeyLog(_ event: TLSEvent, side: Side, timestamp: Timestamp) -> Bool {
        guard case .encryptedRecordBody(let record, let frame) = event else {
            decryption?.value.observe(event, side: side, observation: &observation)
            let bodies = decryption?.value.wantsBodies ?? false
            clientParser.deliversEncryptedBodies = bodies
            serverParser.deliversEncryptedBodies = bodies
            return false
        }
        guard let events = decryption?.value.decrypt(record, side: side, frame: frame, observation: &observation) else { return false }
        for decrypted in events {
            if case .alert(let alert, let frame) = decrypted {
                observation.recordAlert(ObservedAlert(side: side, alert: alert, at: FrameMark(frame: frame, timestamp: timestamp),
                                                      encrypted: true))
            } else {
                recordPlain(decrypted, side: side, timestamp: timestamp)
            }
        }
        return true
    }
}
