// Parses one direction of a TLS connection from in-order bytes (as the reassembler delivers them).
//
// Modes: `start` judges the first bytes (TLS record, SSLv2 hello, or something else); `records` is the TLS
// record layer; `sslv2` the SSLv2 record layer; `notTLSPending` collects the preview of a non-TLS stream;
// `startTLSScan` and `resync` look for a record header to continue from; `lost` ignores the rest.

/// Parses records, handshake messages (split across records or several per record), alerts and
/// ChangeCipherSpec from one direction of a connection. Feed bytes in order; short input waits for more.
///
/// - The first bytes decide: a TLS record header, an SSLv2 CLIENT-HELLO/SERVER-HELLO, or `.notTLS` (then
///   the parser watches the first 64 KiB for a STARTTLS-style switch to a ClientHello/ServerHello record and
///   continues from there with `.resynchronized`).
/// - Application data and encrypted record bodies are counted down, never buffered; each ends in one
///   `.encryptedRecord`. Handshake messages are buffered up to `limits.maxHandshakeMessageLength`.
/// - A capture that starts mid-connection: call `skip(missingBytes: 0, frame:)` before the first `feed`, and
///   the parser looks for a record header instead of judging the first bytes.
/// - Call `finish()` when the direction ends: a short non-TLS stream (e.g. PostgreSQL's one-byte 'N') is only
///   reported then, as are events completed by a gap (`skip`).
public struct TLSStreamParser: Sendable {
    public private(set) var limits: TLSParserLimits
    /// True once this direction sent ChangeCipherSpec: later handshake/alert records are encrypted.
    public internal(set) var isEncrypted = false
    /// Deliver encrypted records whole (`.encryptedRecordBody`, at most one record buffered) instead of counting
    /// them down: only for connections a key log can decrypt. Takes effect from the next record.
    public var deliversEncryptedBodies: Bool

    enum Mode: Sendable { case start, notTLSPending, records, sslv2, startTLSScan, resync, lost }
    enum BodyKind: Sendable { case opaque, handshake, alert, afterChangeCipherSpec, sslv2Clear }

    var mode = Mode.start
    /// Bytes kept between feeds outside the record layer: the first bytes (start, notTLSPending), the tail a
    /// scan could not judge yet (startTLSScan, resync), a partial SSLv2 header (sslv2). Never more than 70.
    var held: [UInt8] = []
    /// Bytes given up so far by the current scan (the `skippedBytes` of the `.resynchronized` it ends with).
    var scanned = 0
    /// Events completed by `skip` (a gap that ended a record); handed out by the next `feed` or `finish`.
    var pendingEvents: [TLSEvent] = []
    var lastFrame = 0

    // Record layer (RFC 8446 §5.1): a header gathered across feeds, then the body.
    var headerBytes: UInt64 = 0
    var headerCount = 0
    var inBody = false
    var recordType = ContentType.handshake
    var recordLength = 0
    var bodyRemaining = 0
    var body = BodyKind.opaque
    /// Alert bodies, clear SSLv2 records.
    var smallBody: [UInt8] = []
    /// The first bytes of a handshake record after ChangeCipherSpec (up to 4, packed big-endian), and how many.
    var leadBytes: UInt32 = 0
    var leadCount = 0
    /// The current record's body while `collecting` (encrypted, and bodies were asked for).
    var encryptedBody: [UInt8] = []
    var collecting = false
    var recordVersion = ProtocolVersion.tls12
    var handshake: HandshakeReassembler
    /// SSLv2: after SERVER-HELLO (server) or CLIENT-MASTER-KEY (client), records are encrypted.
    var sslv2Encrypted = false

    public init(limits: TLSParserLimits = TLSParserLimits(), deliverEncryptedBodies: Bool = false) {
        self.limits = limits
        self.deliversEncryptedBodies = deliverEncryptedBodies
        self.handshake = HandshakeReassembler(maxLength: limits.maxHandshakeMessageLength)
    }

    /// Feeds in-order bytes that ended in `frame`; returns what they completed.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, frame: Int) -> [TLSEvent] {
        var events: [TLSEvent] = []
        feed(bytes, frame: frame, into: &events)
        return events
    }

    /// Like `feed(_:frame:)`, appending to `events`: a caller that reuses one array allocates none per call.
    public mutating func feed(_ bytes: ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        lastFrame = frame
        if !pendingEvents.isEmpty {
            events.append(contentsOf: pendingEvents)
            pendingEvents.removeAll()
        }
        process(bytes, frame: frame, into: &events)
    }

    /// `count` bytes were lost here. Inside the current record's body the parser stays in sync (a handshake
    /// message the gap cut is dropped); otherwise it drops partial state and resynchronizes on the next
    /// plausible record header. Before any data, it means the capture started mid-connection.
    public mutating func skip(missingBytes count: Int, frame: Int) {
        lastFrame = frame
        let count = max(0, count)
        switch mode {
        case .records:
            if inBody && count <= bodyRemaining {
                bodyRemaining -= count
                if count > 0 { collecting = false }
                switch body {
                case .handshake: handshake.lose(count)
                case .alert, .afterChangeCipherSpec, .sslv2Clear: if count > 0 { body = .opaque }
                case .opaque: break
                }
                if bodyRemaining == 0 {
                    var completed: [TLSEvent] = []
                    swap(&completed, &pendingEvents)
                    endRecord(frame: frame, into: &completed)
                    pendingEvents = completed
                }
            } else {
                enterResync(holding: [], skipped: 0)
            }
        case .start, .sslv2:
            enterResync(holding: [], skipped: 0)
        case .notTLSPending:
            var completed: [TLSEvent] = []
            swap(&completed, &pendingEvents)
            reportNotTLS(end: min(held.count, NonTLS.previewBytes), frame: frame, into: &completed)
            pendingEvents = completed
            held = []
            mode = .startTLSScan
        case .startTLSScan, .resync:
            held = []  // the tail kept for the scan is not contiguous with what follows
        case .lost:
            break
        }
    }

    /// From now on handshake and alert records are encrypted (TLS 1.3 after ServerHello: the analyzer knows).
    public mutating func markEncrypted() {
        isEncrypted = true
    }

    /// The direction ended: reports what was waiting for more bytes (the preview of a short non-TLS stream,
    /// events completed by a gap).
    public mutating func finish() -> [TLSEvent] {
        var events: [TLSEvent] = []
        swap(&events, &pendingEvents)
        if (mode == .start || mode == .notTLSPending) && !held.isEmpty {
            reportNotTLS(end: min(held.count, NonTLS.previewBytes), frame: lastFrame, into: &events)
            held = []
            mode = .lost
        }
        return events
    }

    mutating func process(_ bytes: ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        var input = bytes
        while !input.isEmpty {
            switch mode {
            case .records: consumeRecords(&input, frame: frame, into: &events)
            case .start: consumeStart(&input, frame: frame, into: &events)
            case .notTLSPending: consumeNotTLSPreview(&input, frame: frame, into: &events)
            case .sslv2: consumeSSLv2(&input, frame: frame, into: &events)
            case .startTLSScan, .resync: consumeScan(&input, frame: frame, into: &events)
            case .lost: input = input.suffix(0)
            }
        }
    }

    /// Leaves the record layer to look for the next plausible header; `holding` are bytes to scan first.
    mutating func enterResync(holding: [UInt8], skipped: Int) {
        mode = .resync
        held = holding
        scanned = skipped
        resetRecordLayer()
        handshake.markUnsynchronized()
    }

    mutating func resetRecordLayer() {
        headerBytes = 0
        headerCount = 0
        inBody = false
        bodyRemaining = 0
        smallBody.removeAll(keepingCapacity: smallBody.capacity <= 1 << 12)
        leadBytes = 0
        leadCount = 0
        collecting = false
    }
}
