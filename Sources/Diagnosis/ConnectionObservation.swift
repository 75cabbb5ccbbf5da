import WireFormat
import PacketDecoding
import TLSDissector

/// A point in the capture: frame number and time.
public struct FrameMark: Sendable, Hashable {
    public var frame: Int
    public var timestamp: Timestamp
    public init(frame: Int, timestamp: Timestamp) { self.frame = frame; self.timestamp = timestamp }
}

/// A record whose content the capture cannot show (application data, TLS 1.3 handshake, encrypted alert).
public struct EncryptedRecordMark: Sendable, Hashable {
    public var side: Side
    public var contentType: ContentType
    public var length: Int
    public var at: FrameMark
    public init(side: Side, contentType: ContentType, length: Int, at: FrameMark) {
        self.side = side
        self.contentType = contentType
        self.length = length
        self.at = at
    }
}

/// An alert as seen: plaintext (decoded) or an encrypted record that is one.
public struct ObservedAlert: Sendable, Hashable {
    public var side: Side
    /// nil when encrypted (and not decrypted).
    public var alert: Alert?
    public var at: FrameMark
    /// Sent encrypted: true when `alert` is nil, and for alerts a key log decrypted.
    public var encrypted: Bool
    public init(side: Side, alert: Alert?, at: FrameMark, encrypted: Bool? = nil) {
        self.side = side
        self.alert = alert
        self.at = at
        self.encrypted = encrypted ?? (alert == nil)
    }
    public var isFatal: Bool { alert?.level == .fatal }
}

/// Everything the capture showed about one connection, before any judgement. Built by the analysis
/// pipeline from reassembled TCP events and TLS events; judged by `Diagnoser`.
public struct ConnectionObservation: Sendable {
    public var client: Endpoint
    public var server: Endpoint
    /// True when roles came from a SYN or SYN-ACK rather than a guess.
    public var rolesFromHandshake: Bool
    public var first: FrameMark
    public var last: FrameMark

    // TCP
    public var clientSYN: FrameMark?
    public var clientSYNCount = 0
    public var serverSYNACK: FrameMark?
    public var fin = PerSide<FrameMark>()
    public var rst = PerSide<FrameMark>()
    /// Bytes never captured, per side, with the first frame after which they were missing.
    public var missingBytes = PerSide<Int>()
    public var firstGap = PerSide<FrameMark>()
    /// The connection was still open when the capture ended (or it was let go for being idle).
    public var openAtEnd = false
    /// Live capture gave up waiting after this many seconds without progress (`--handshake-timeout`).
    public var liveTimeoutSeconds: Int64?
    /// Payload bytes per side (captured, in order).
    public var payloadBytes = PerSide<Int>()

    // TLS
    public var timeline: [TimelineEntry] = []
    public var timelineDropped = 0
    public var clientHellos: [(hello: ClientHello, at: FrameMark)] = []
    public var serverHellos: [(hello: ServerHello, at: FrameMark)] = [] {
        // Kept at hand: the pipeline asks for the version after every record of every connection.
        // (Read in place: `serverHello` would copy the hello, a dozen arrays, for one version.)
        didSet { negotiatedVersion = chosenServerHelloIndex.map { serverHellos[$0].hello.negotiatedVersion } }
    }
    /// The version of the ServerHello that is not a HelloRetryRequest.
    public private(set) var negotiatedVersion: ProtocolVersion?
    public var serverCertificates: [[UInt8]] = []
    public var serverCertificateAt: FrameMark?
    public var certificateRequestAt: FrameMark?
    /// Certificates the client sent in answer to a CertificateRequest (nil: no Certificate message seen).
    public var clientCertificateCount: Int?
    public var clientCertificateAt: FrameMark?
    public var serverHelloDoneAt: FrameMark?
    public var clientKeyExchangeAt: FrameMark?
    public var changeCipherSpec = PerSide<FrameMark>()
    /// First handshake record after ChangeCipherSpec per side (the encrypted Finished in TLS ≤ 1.2).
    public var encryptedFinished = PerSide<FrameMark>()
    /// Application-data records per side (TLS ≤ 1.2) or encrypted records (TLS 1.3), first ones kept.
    public var encryptedRecords: [EncryptedRecordMark] = []
    public var encryptedRecordCount = PerSide<Int>()
    public var alerts: [ObservedAlert] = []
    public var notTLS: (side: Side, protocol: NonTLSProtocol, at: FrameMark)?
    public var malformed: [(side: Side, error: TLSParseError, at: FrameMark)] = []
    public var resynchronizations = 0
    public var newSessionTicketSeen = false
    /// The first NewSessionTicket per side (the server's, decrypted, confirms a TLS 1.3 client's Finished).
    public var newSessionTicketAt = PerSide<FrameMark>()
    /// Finished messages read in plaintext, i.e. decrypted with a key log (else see `encryptedFinished`).
    public var finished = PerSide<FrameMark>()
    /// Records a key log decrypted, per side.
    public var decryptedRecords = PerSide<Int>()
    /// Problems the pipeline met with this connection (a key log without its secrets, a failed decryption).
    public var warnings: [String] = []

    public init(client: Endpoint, server: Endpoint, rolesFromHandshake: Bool, first: FrameMark) {
        self.client = client
        self.server = server
        self.rolesFromHandshake = rolesFromHandshake
        self.first = first
        self.last = first
    }

    public var clientHello: ClientHello? { clientHellos.first?.hello }
    /// The ServerHello that is not a HelloRetryRequest.
    public var serverHello: ServerHello? { chosenServerHelloIndex.map { serverHellos[$0].hello } }
    public var serverHelloAt: FrameMark? { chosenServerHelloIndex.map { serverHellos[$0].at } }
    /// Where `serverHello` is in `serverHellos`, to read its fields in place (the property copies the hello).
    public var chosenServerHelloIndex: Int? { serverHellos.lastIndex { !$0.hello.isHelloRetryRequest } }
    /// A ClientHello or ServerHello is in the capture: without one, the connection was seen from its middle.
    public var sawHello: Bool { !clientHellos.isEmpty || !serverHellos.isEmpty }
    public var sawHelloRetryRequest: Bool { serverHellos.contains { $0.hello.isHelloRetryRequest } }
    public var isTLS13: Bool { negotiatedVersion?.isTLS13OrDraft ?? false }
    /// A key log decrypted at least one of this connection's records.
    public var decrypted: Bool { decryptedRecords[.client, default: 0] > 0 || decryptedRecords[.server, default: 0] > 0 }
    public var sawAnyTLS: Bool { sawHello || !encryptedRecords.isEmpty || !alerts.isEmpty }

    /// Maximum timeline entries kept; the rest are counted.
    public static let timelineLimit = 80
    public static let encryptedRecordLimit = 24

    /// Takes the entry: it moves into `timeline` instead of being copied (this runs for every record kept).
    public mutating func addTimeline(_ entry: consuming TimelineEntry) {
        if timeline.count < Self.timelineLimit {
            // A handshake with its TCP entries takes 13–18 entries: room for 20 at the second entry (one allocation
            // instead of one per doubling; with 16, a tenth of the connections grew once more), not at the first:
            // a flood of SYNs that never get an answer holds tens of thousands of one-entry timelines.
            if timeline.count == 1 { timeline.reserveCapacity(20) }
            timeline.append(entry)
        } else {
            timelineDropped += 1
        }
    }
}
