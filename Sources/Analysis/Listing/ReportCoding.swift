import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis

/// A connection report as bytes, for the spill file of `ConnectionList`: fixed-width integers (big-endian, as
/// `ByteCursor` reads them),
/// strings and arrays prefixed by their 32-bit count, optionals by a presence byte. Certificates are stored once
/// per list (`CertificateTable`) and referred to by number. Only this process reads what it wrote, so there is
/// no version; a read that does not parse yields nil, never a trap.
enum ReportCoding {
    static func encode(_ r: ConnectionReport, certificates: inout CertificateTable, into out: inout [UInt8]) {
        var w = ByteWriter()
        swap(&w.bytes, &out)  // append to the caller's array in place (a copy would grow it from nothing)
        w.int(r.id)
        w.endpoint(r.client)
        w.endpoint(r.server)
        w.int(r.firstFrame)
        w.int(r.lastFrame)
        w.timestamp(r.firstPacket)
        w.timestamp(r.lastPacket)
        w.optional(r.sni) { $0.string($1) }
        w.array(r.offeredVersions) { $0.uint16($1.rawValue) }
        w.optional(r.version) { $0.uint16($1.rawValue) }
        w.array(r.offeredCipherSuites) { $0.uint16($1.rawValue) }
        w.optional(r.cipherSuite) { $0.uint16($1.rawValue) }
        w.array(r.alpnOffered) { $0.string($1) }
        w.optional(r.alpn) { $0.string($1) }
        w.array(r.timeline) { w, entry in
            w.side(entry.from)
            w.uint8(TimelineKindCode.code(entry.kind))
            w.message(entry.message)
            w.int(entry.frame)
            w.timestamp(entry.timestamp)
            w.optional(entry.detail) { $0.string($1) }
        }
        w.bool(r.established)
        w.string(r.stage)
        w.optional(r.alert) { w, alert in
            w.side(alert.from)
            w.optional(alert.level) { $0.uint8($1.rawValue) }
            w.optional(alert.description) { $0.uint8($1.rawValue) }
            w.bool(alert.encrypted)
            w.int(alert.frame)
        }
        w.string(r.endedBy.rawValue)
        w.string(r.cause.rawValue)
        w.string(r.explanation)
        w.array(r.nextSteps) { $0.string($1) }
        w.array(r.certificates) { w, certificate in w.int(certificates.number(of: certificate)) }
        w.array(r.warnings) { $0.string($1) }
        w.bool(r.resumed)
        w.bool(r.helloRetryRequest)
        w.optional(r.trust) { $0.trustVerdict($1) }
        w.bool(r.decrypted)
        swap(&w.bytes, &out)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, certificates: CertificateTable) -> ConnectionReport? {
        var r = ByteReader(bytes)
        guard let id = r.int(), let client = r.endpoint(), let server = r.endpoint(), let firstFrame = r.int(),
              let lastFrame = r.int(), let firstPacket = r.timestamp(), let lastPacket = r.timestamp() else { return nil }
        var report = ConnectionReport(id: id, client: client, server: server, firstFrame: firstFrame,
                                      lastFrame: lastFrame, firstPacket: firstPacket, lastPacket: lastPacket)
        guard let sni = r.optional({ $0.string() }),
              let offeredVersions = r.array({ $0.uint16().map(ProtocolVersion.init(rawValue:)) }),
              let version = r.optional({ $0.uint16().map(ProtocolVersion.init(rawValue:)) }),
              let offeredSuites = r.array({ $0.uint16().map(CipherSuite.init(rawValue:)) }),
              let suite = r.optional({ $0.uint16().map(CipherSuite.init(rawValue:)) }),
              let alpnOffered = r.array({ $0.string() }),
              let alpn = r.optional({ $0.string() }),
              let timeline = r.array({ $0.timelineEntry() }),
              let established = r.bool(), let stage = r.string(),
              let alert = r.optional({ $0.alertReport() }),
              let endedBy = r.string().flatMap(EndedBy.init(rawValue:)),
              let cause = r.string().map(Cause.init(rawValue:)),
              let explanation = r.string(),
              let nextSteps = r.array({ $0.string() }),
              let certificateList = r.array({ $0.int().flatMap(certificates.certificate(number:)) }),
              let warnings = r.array({ $0.string() }),
              let resumed = r.bool(), let helloRetryRequest = r.bool(),
              let trust = r.optional({ $0.trustVerdict() }),
              let decrypted = r.bool() else { return nil }
        report.sni = sni
        report.offeredVersions = offeredVersions
        report.version = version
        report.offeredCipherSuites = offeredSuites
        report.cipherSuite = suite
        report.alpnOffered = alpnOffered
        report.alpn = alpn
        report.timeline = timeline
        report.established = established
        report.stage = stage
        report.alert = alert
        report.endedBy = endedBy
        report.cause = cause
        report.explanation = explanation
        report.nextSteps = nextSteps
        report.certificates = certificateList
        report.warnings = warnings
        report.resumed = resumed
        report.helloRetryRequest = helloRetryRequest
        report.trust = trust
        report.decrypted = decrypted
        return report
    }
}

/// Certificates of a list's reports, each stored once (servers send the same chain to every client).
struct CertificateTable: Sendable {
    private(set) var certificates: [CertificateSummary] = []
    private var numbers: [String: Int] = [:]

    mutating func number(of certificate: CertificateSummary) -> Int {
        // The SHA-256 of the DER names a certificate (one without it is kept as it comes).
        if let number = numbers[certificate.sha256] { return number }
        certificates.append(certificate)
        if !certificate.sha256.isEmpty { numbers[certificate.sha256] = certificates.count - 1 }
        return certificates.count - 1
    }

    func certificate(number: Int) -> CertificateSummary? {
        certificates.indices.contains(number) ? certificates[number] : nil
    }
}

/// Timeline kinds as one byte each (a string per entry made up half of a report's bytes and decoding time).
private enum TimelineKindCode {
    static let kinds: [TimelineEntry.Kind] = [.handshakeMessage, .changeCipherSpec, .alert, .encrypted, .tcp, .other]

    static func code(_ kind: TimelineEntry.Kind) -> UInt8 {
        switch kind {  // exhaustive: a new kind must be given a code here
        case .handshakeMessage: 0
        case .changeCipherSpec: 1
        case .alert: 2
        case .encrypted: 3
        case .tcp: 4
        case .other: 5
        }
    }

    static func kind(_ code: UInt8) -> TimelineEntry.Kind? {
        kinds.indices.contains(Int(code)) ? kinds[Int(code)] : nil
    }
}

/// The timeline's usual message names as one byte each (1…); 0 is followed by the name as a string.
private enum TimelineMessageCode {
    static let names = [
        "SYN", "SYN-ACK", "FIN", "RST", "ChangeCipherSpec", "Alert", "EncryptedRecord", "Finished", "Not TLS",
        "ClientHello", "ServerHello", "HelloRetryRequest", "Certificate", "ServerKeyExchange", "CertificateRequest",
        "ServerHelloDone", "CertificateVerify", "ClientKeyExchange", "NewSessionTicket", "EncryptedExtensions",
        "CertificateStatus",
    ]
    static let codes: [String: UInt8] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, UInt8($0 + 1)) })
}

private struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uint8(_ value: UInt8) { bytes.append(value) }
    mutating func uint16(_ value: UInt16) { integer(value) }
    mutating func uint32(_ value: UInt32) { integer(value) }
    mutating func uint64(_ value: UInt64) { integer(value) }

    /// Byte by byte, most significant first (cheaper than appending a buffer of a few bytes).
    private mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }
    mutating func int(_ value: Int) { uint64(UInt64(bitPattern: Int64(value))) }
    mutating func bool(_ value: Bool) { uint8(value ? 1 : 0) }
    mutating func side(_ value: Side) { uint8(value == .client ? 0 : 1) }

    mutating func string(_ value: String) {
        uint32(UInt32(truncatingIfNeeded: value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func message(_ value: String) {
        if let code = TimelineMessageCode.codes[value] {
            uint8(code)
        } else {
            uint8(0)
            string(value)
        }
    }

    mutating func timestamp(_ value: Timestamp) {
        uint64(UInt64(bitPattern: value.seconds))
        uint32(value.nanoseconds)
    }

    mutating func endpoint(_ value: Endpoint) {
        bool(value.address.isIPv6)
        uint64(value.address.high)
        uint64(value.address.low)
        uint16(value.port)
    }

    mutating func optional<T>(_ value: T?, _ write: (inout ByteWriter, T) -> Void) {
        guard let value else { return bool(false) }
        bool(true)
        write(&self, value)
    }

    mutating func array<T>(_ values: [T], _ write: (inout ByteWriter, T) -> Void) {
        uint32(UInt32(truncatingIfNeeded: values.count))
        for value in values { write(&self, value) }
    }

    mutating func trustVerdict(_ verdict: TrustVerdict) {
        switch verdict {
        case .trusted(let root): uint8(0); string(root)
        case .unknownCA(let root): uint8(1); string(root)
        case .incompleteChain(let missing): uint8(2); string(missing)
        case .expired(let subject, let notAfter): uint8(3); string(subject); timestamp(notAfter)
        case .notYetValid(let subject, let notBefore): uint8(4); string(subject); timestamp(notBefore)
        case .undetermined(let reason): uint8(5); string(reason)
        }
    }
}

private struct ByteReader {
    var cursor: ByteCursor
    init(_ bytes: ArraySlice<UInt8>) { cursor = ByteCursor(bytes) }

    mutating func uint8() -> UInt8? { cursor.readInteger(as: UInt8.self) }
    mutating func uint16() -> UInt16? { cursor.readInteger(as: UInt16.self) }
    mutating func uint32() -> UInt32? { cursor.readInteger(as: UInt32.self) }
    mutating func uint64() -> UInt64? { cursor.readInteger(as: UInt64.self) }
    mutating func int() -> Int? { uint64().map { Int(truncatingIfNeeded: Int64(bitPattern: $0)) } }
    mutating func bool() -> Bool? { uint8().map { $0 != 0 } }
    mutating func side() -> Side? { uint8().map { $0 == 0 ? .client : .server } }

    mutating func string() -> String? {
        guard let count = uint32(), let utf8 = cursor.readSlice(length: Int(count)) else { return nil }
        return String(decoding: utf8, as: UTF8.self)
    }

    mutating func message() -> String? {
        guard let code = uint8() else { return nil }
        guard code > 0 else { return string() }
        let names = TimelineMessageCode.names
        return names.indices.contains(Int(code) - 1) ? names[Int(code) - 1] : nil
    }

    mutating func timestamp() -> Timestamp? {
        guard let seconds = uint64(), let nanoseconds = uint32() else { return nil }
        return Timestamp(seconds: Int64(bitPattern: seconds), nanoseconds: nanoseconds)
    }

    mutating func endpoint() -> Endpoint? {
        guard let isIPv6 = bool(), let high = uint64(), let low = uint64(), let port = uint16() else { return nil }
        let address = isIPv6 ? IPAddress(ipv6High: high, low: low) : IPAddress(ipv4: UInt32(truncatingIfNeeded: low))
        return Endpoint(address: address, port: port)
    }

    /// `.some(nil)` for an absent value, nil when the bytes do not parse.
    mutating func optional<T>(_ read: (inout ByteReader) -> T?) -> T?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        return read(&self).map { .some($0) }
    }

    mutating func array<T>(_ read: (inout ByteReader) -> T?) -> [T]? {
        guard let count = uint32(), Int(count) <= cursor.readableBytes else { return nil }
        var values: [T] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let value = read(&self) else { return nil }
            values.append(value)
        }
        return values
    }

    mutating func timelineEntry() -> TimelineEntry? {
        guard let from = side(), let kind = uint8().flatMap(TimelineKindCode.kind),
              let message = message(), let frame = int(), let timestamp = timestamp(),
              let detail = optional({ $0.string() }) else { return nil }
        return TimelineEntry(from: from, kind: kind, message: message, frame: frame, timestamp: timestamp, detail: detail)
    }

    mutating func alertReport() -> AlertReport? {
        guard let from = side(),
              let level = optional({ $0.uint8().map(AlertLevel.init(rawValue:)) }),
              let description = optional({ $0.uint8().map(AlertDescription.init(rawValue:)) }),
              let encrypted = bool(), let frame = int() else { return nil }
        return AlertReport(from: from, level: level, description: description, encrypted: encrypted, frame: frame)
    }

    mutating func trustVerdict() -> TrustVerdict? {
        switch uint8() {
        case 0: return string().map { .trusted(root: $0) }
        case 1: return string().map { .unknownCA(root: $0) }
        case 2: return string().map { .incompleteChain(missing: $0) }
        case 3:
            guard let subject = string(), let notAfter = timestamp() else { return nil }
            return .expired(subject: subject, notAfter: notAfter)
        case 4:
            guard let subject = string(), let notBefore = timestamp() else { return nil }
            return .notYetValid(subject: subject, notBefore: notBefore)
        case 5: return string().map { .undetermined(reason: $0) }
        default: return nil
        }
    }
}
