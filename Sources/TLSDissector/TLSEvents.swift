// What the TLS stream parser reports, and its limits.

/// A protocol recognized where TLS was expected.
public struct NonTLSProtocol: Sendable, Hashable, CustomStringConvertible {
    /// `"HTTP"`, `"SSH"`, `"SMTP"`, ... or `"unknown"`.
    public var name: String
    /// The first bytes, printable ASCII kept and the rest escaped (`HTTP/1.1 400 Bad Request\r\n`), ≤ 64 chars.
    public var preview: String
    public init(name: String, preview: String) { self.name = name; self.preview = preview }
    public var description: String { name }
}

/// Why bytes could not be parsed as TLS.
public struct TLSParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let invalidRecordHeader = Code(rawValue: "invalid record header")
        public static let recordTooLong = Code(rawValue: "record longer than 2^14+2048 bytes")
        public static let malformedHandshake = Code(rawValue: "malformed handshake message")
        public static let handshakeTooLong = Code(rawValue: "handshake message longer than the limit")
        public static let malformedAlert = Code(rawValue: "malformed alert")
    }
    public var code: Code
    /// Detail for the report (`ClientHello cipher_suites length 7 is odd`).
    public var detail: String
    public init(code: Code, detail: String) { self.code = code; self.detail = detail }
    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}

/// What the parser found, in stream order. `frame` is the frame holding the last byte of the item (for
/// `notTLS`, the frame in which the preview was settled; after a gap, the frame given to `skip`).
public enum TLSEvent: Sendable, Hashable {
    case handshake(HandshakeMessage, frame: Int)
    case changeCipherSpec(frame: Int)
    case alert(Alert, frame: Int)
    /// An encrypted record: application data, a TLS 1.3 encrypted handshake/alert (outer type 23), or a
    /// handshake/alert record after ChangeCipherSpec, a heartbeat, or (type `.sslv2Record`) an SSLv2 record after
    /// the hellos. `length` is the record's payload length.
    case encryptedRecord(ContentType, length: Int, frame: Int)
    /// The same record with its body, in place of `encryptedRecord`, when the parser was asked to deliver
    /// encrypted bodies (`TLSStreamParser.deliversEncryptedBodies`, for a key log). A record whose body a
    /// gap cut is still reported as `encryptedRecord`.
    case encryptedRecordBody(EncryptedRecord, frame: Int)
    /// The first bytes are not TLS at all (reported once per stream; a later switch to TLS, as after
    /// STARTTLS or PostgreSQL's SSLRequest, follows as `resynchronized`).
    case notTLS(NonTLSProtocol, frame: Int)
    /// Bytes that do not parse; the parser then looks for the next plausible record header.
    case malformed(TLSParseError, frame: Int)
    /// After a gap or malformed bytes, the parser found a plausible record header again after skipping bytes;
    /// after `notTLS`, TLS starts here (`skippedBytes` then counts from the start of the stream).
    case resynchronized(skippedBytes: Int, frame: Int)
}

/// A whole encrypted record, as a key log needs it (RFC 8446 §5.2 TLSCiphertext, RFC 5246 §6.2.3).
public struct EncryptedRecord: Sendable, Hashable {
    /// The outer content type (`application_data` for every TLS 1.3 encrypted record).
    public var contentType: ContentType
    public var version: ProtocolVersion
    /// The encrypted fragment, at most 2^14 + 2048 bytes.
    public var body: [UInt8]

    public init(contentType: ContentType, version: ProtocolVersion, body: [UInt8]) {
        self.contentType = contentType
        self.version = version
        self.body = body
    }

    /// The 5-byte record header (TLS 1.3's additional data).
    public var header: [UInt8] {
        [contentType.rawValue, UInt8(version.rawValue >> 8), UInt8(version.rawValue & 0xff),
         UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)]
    }
}

/// Bounds on what a stream can make the parser buffer.
public struct TLSParserLimits: Sendable, Hashable {
    /// Largest handshake message reassembled across records (certificate chains can be large).
    public var maxHandshakeMessageLength: Int = 1 << 20
    public init() {}
}

