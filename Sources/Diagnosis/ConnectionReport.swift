import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis

/// Which side of a connection did something.
public enum Side: String, Sendable, Hashable {
    case client
    case server
}

/// How the connection's packets ended, per the report contract.
public enum EndedBy: String, Sendable, Hashable {
    case alert
    case rst
    case fin
    case captureEnd = "capture_end"
    case open
}

/// The cause word of the report contract. Open, like a protocol number: new words can be added.
public struct Cause: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static func < (lhs: Cause, rhs: Cause) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }

    public static let ok = Cause(rawValue: "ok")
    public static let tcpRefused = Cause(rawValue: "tcp_refused")
    public static let noServerResponse = Cause(rawValue: "no_server_response")
    public static let connectionReset = Cause(rawValue: "connection_reset")
    public static let notTLS = Cause(rawValue: "not_tls")
    public static let protocolVersionMismatch = Cause(rawValue: "protocol_version_mismatch")
    public static let cipherMismatch = Cause(rawValue: "cipher_mismatch")
    public static let unknownCA = Cause(rawValue: "unknown_ca")
    public static let incompleteChain = Cause(rawValue: "incomplete_chain")
    public static let certificateExpired = Cause(rawValue: "certificate_expired")
    public static let hostnameMismatch = Cause(rawValue: "hostname_mismatch")
    public static let missingSNI = Cause(rawValue: "missing_sni")
    public static let unrecognizedName = Cause(rawValue: "unrecognized_name")
    public static let alpnMismatch = Cause(rawValue: "alpn_mismatch")
    public static let clientCertificateRequired = Cause(rawValue: "client_certificate_required")
    public static let badCertificate = Cause(rawValue: "bad_certificate")
    public static let certificateRejected = Cause(rawValue: "certificate_rejected")
    public static let handshakeIncomplete = Cause(rawValue: "handshake_incomplete")
    public static let captureIncomplete = Cause(rawValue: "capture_incomplete")
    public static let unknown = Cause(rawValue: "unknown")
}

/// One line of a connection's timeline: a handshake message, ChangeCipherSpec, an alert, encrypted records,
/// or a TCP event (SYN, FIN, RST).
public struct TimelineEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case handshakeMessage
        case changeCipherSpec
        case alert
        case encrypted
        case tcp
        case other
    }
    public var from: Side
    public var kind: Kind
    /// `ClientHello`, `ChangeCipherSpec`, `Alert`, `EncryptedRecord`, `SYN`, `FIN`, `RST`, ...
    public var message: String
    public var frame: Int
    public var timestamp: Timestamp
    /// A short human summary (`TLS 1.3, 1.2; 31 suites; SNI api.example.test`); untrusted parts unescaped.
    /// Worded when read: most timelines are never printed.
    public var detail: String? {
        get { summary.text }
        set { summary = newValue.map(TimelineSummary.text) ?? .none }
    }
    /// The facts `detail` is worded from.
    public var summary: TimelineSummary

    public init(from: Side, kind: Kind, message: String, frame: Int, timestamp: Timestamp, detail: String? = nil) {
        self.init(from: from, kind: kind, message: message, frame: frame, timestamp: timestamp,
                  summary: detail.map(TimelineSummary.text) ?? .none)
    }

    public init(from: Side, kind: Kind, message: String, frame: Int, timestamp: Timestamp, summary: TimelineSummary) {
        self.from = from
        self.kind = kind
        self.message = message
        self.frame = frame
        self.timestamp = timestamp
        self.summary = summary
    }

    /// Equal when they read the same, however the detail is held.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.from == rhs.from && lhs.kind == rhs.kind && lhs.message == rhs.message && lhs.frame == rhs.frame
            && lhs.timestamp == rhs.timestamp && lhs.detail == rhs.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(from)
        hasher.combine(kind)
        hasher.combine(message)
        hasher.combine(frame)
        hasher.combine(timestamp)
        hasher.combine(detail)
    }
}

/// The alert that ended the handshake (contract: the first fatal one, else the last one seen).
public struct AlertReport: Sendable, Hashable {
    public var from: Side
    /// nil when encrypted and not decrypted.
    public var level: AlertLevel?
    public var description: AlertDescription?
    public var encrypted: Bool
    public var frame: Int

    public init(from: Side, level: AlertLevel?, description: AlertDescription?, encrypted: Bool, frame: Int) {
        self.from = from
        self.level = level
        self.description = description
        self.encrypted = encrypted
        self.frame = frame
    }
}

/// Everything the report contract says about one connection.
public struct ConnectionReport: Sendable {
    public var id: Int
    public var client: Endpoint
    public var server: Endpoint
    public var firstFrame: Int
    public var lastFrame: Int
    public var firstPacket: Timestamp
    public var lastPacket: Timestamp
    public var durationMilliseconds: Double { firstPacket.milliseconds(until: lastPacket) }
    /// nil = the ClientHello carried no SNI (or there was no ClientHello).
    public var sni: String?
    public var offeredVersions: [ProtocolVersion]
    public var version: ProtocolVersion?
    public var offeredCipherSuites: [CipherSuite]
    public var cipherSuite: CipherSuite?
    public var alpnOffered: [String]
    public var alpn: String?
    public var timeline: [TimelineEntry]
    public var established: Bool
    /// `"after ClientHello"`, `"complete"`, ...
    public var stage: String
    public var alert: AlertReport?
    public var endedBy: EndedBy
    public var cause: Cause
    public var explanation: String
    public var nextSteps: [String]
    public var certificates: [CertificateSummary]
    public var warnings: [String]
    /// True when the handshake resumed a session (TLS 1.3 PSK, or a TLS ≤ 1.2 session ID / ticket).
    public var resumed: Bool
    public var helloRetryRequest: Bool
    /// What trust evaluation said, when a trust store was given.
    public var trust: TrustVerdict?
    /// A key log decrypted some of this connection's records (TLS 1.3 handshake messages, encrypted alerts).
    public var decrypted: Bool

    /// The TLS part of the timeline (the contract's `handshake` array): everything but TCP events.
    public var handshake: [TimelineEntry] { timeline.filter { $0.kind != .tcp } }
    public var failed: Bool { cause != .ok }
}

extension ConnectionReport {
    /// Delegates to the memberwise initializer (out here, so that it exists), which makes the report as one
    /// value: assigned field by field to `self`, it was copied whole (its strings and arrays retained) and the
    /// first one freed, once per connection.
    public init(id: Int, client: Endpoint, server: Endpoint, firstFrame: Int, lastFrame: Int,
                firstPacket: Timestamp, lastPacket: Timestamp) {
        self.init(id: id, client: client, server: server, firstFrame: firstFrame, lastFrame: lastFrame,
                  firstPacket: firstPacket, lastPacket: lastPacket, sni: nil, offeredVersions: [], version: nil,
                  offeredCipherSuites: [], cipherSuite: nil, alpnOffered: [], alpn: nil, timeline: [],
                  established: false, stage: "before ClientHello", alert: nil, endedBy: .open, cause: .unknown,
                  explanation: "", nextSteps: [], certificates: [], warnings: [], resumed: false,
                  helloRetryRequest: false, trust: nil, decrypted: false)
    }
}
