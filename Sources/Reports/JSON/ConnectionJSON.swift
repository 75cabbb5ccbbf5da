import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis

// `JSONReport.connection(c)` written straight into the stream: the same keys in the same order, the same
// layout, byte for byte (a test holds the two together), without the JSONValue tree.

extension JSONWriter {
    mutating func writeConnection(_ c: ConnectionReport, indent: Int) {
        let level = indent + 1
        openObject()
        member("id", indent: level, first: true)
        integer(c.id)
        member("client", indent: level)
        endpoint(c.client, indent: level)
        member("server", indent: level)
        endpoint(c.server, indent: level)
        member("first_frame", indent: level)
        integer(c.firstFrame)
        member("first_packet", indent: level)
        timestamp(c.firstPacket)
        member("duration_ms", indent: level)
        milliseconds(c.durationMilliseconds)
        member("sni", indent: level)
        write(JSONValue(c.sni), indent: level)
        member("offered_versions", indent: level)
        stringArray(c.offeredVersions.lazy.map(\.description), indent: level)
        member("version", indent: level)
        write(JSONValue(c.version?.description), indent: level)
        member("offered_cipher_suites", indent: level)
        // Each suite's name worded once (measuring the line and writing it would word it twice).
        stringArray(c.offeredCipherSuites.map(\.description), indent: level)
        member("cipher_suite", indent: level)
        write(JSONValue(c.cipherSuite?.description), indent: level)
        member("alpn_offered", indent: level)
        stringArray(c.alpnOffered, indent: level)
        member("alpn", indent: level)
        write(JSONValue(c.alpn), indent: level)
        member("handshake", indent: level)
        timeline(c.timeline, start: c.firstPacket, tcp: false, indent: level)
        member("established", indent: level)
        write(.bool(c.established), indent: level)
        member("stage", indent: level)
        writeString(c.stage)
        member("alert", indent: level)
        if let alert = c.alert { self.alert(alert, indent: level) } else { write(.null, indent: level) }
        member("ended_by", indent: level)
        writeString(c.endedBy.rawValue)
        member("cause", indent: level)
        writeString(c.cause.rawValue)
        member("explanation", indent: level)
        writeString(c.explanation)
        member("next_steps", indent: level)
        stringArray(c.nextSteps, indent: level)
        member("certificates", indent: level)
        // The closures capture the fields they read, not the report (which they would copy whole).
        let certificates = c.certificates
        array(count: certificates.count, indent: level) { writer, index in
            writer.certificate(certificates[index], indent: level + 1)
            return true
        }
        member("warnings", indent: level)
        stringArray(c.warnings, indent: level)
        member("last_frame", indent: level)
        integer(c.lastFrame)
        member("last_packet", indent: level)
        timestamp(c.lastPacket)
        member("resumed", indent: level)
        write(.bool(c.resumed), indent: level)
        member("hello_retry_request", indent: level)
        write(.bool(c.helloRetryRequest), indent: level)
        member("decrypted", indent: level)
        write(.bool(c.decrypted), indent: level)
        member("trust", indent: level)
        write(JSONValue(c.trust.map(TrustWording.word)), indent: level)
        member("trust_detail", indent: level)
        write(JSONValue(c.trust.map(TrustWording.detail)), indent: level)
        member("tcp", indent: level)
        timeline(c.timeline, start: c.firstPacket, tcp: true, indent: level)
        closeObject(indent: indent)
    }

    private mutating func integer(_ value: Int) {
        ByteText.appendDecimal(value, to: &stream)
    }

    /// RFC 3339 text needs no JSON escape.
    private mutating func timestamp(_ time: Timestamp) {
        stream.append(byte: UInt8(ascii: "\""))
        ByteText.appendRFC3339(time, to: &stream)
        stream.append(byte: UInt8(ascii: "\""))
    }

    /// An IPv4 endpoint (most) is written from its bytes, on one line as `scalarObject` would lay it out
    /// (`"ip"`, `"port"` and at most 15 bytes of address always fit).
    private mutating func endpoint(_ endpoint: Endpoint, indent: Int) {
        guard endpoint.address.isIPv6 else {
            openObject()
            rowMember("ip", first: true)
            stream.append(byte: UInt8(ascii: "\""))
            ByteText.appendIPv4Address(endpoint.address, to: &stream)
            stream.append(byte: UInt8(ascii: "\""))
            rowMember("port")
            integer(Int(endpoint.port))
            closeRow()
            return
        }
        scalarObject(["ip": .string(endpoint.address.description), "port": .int(Int(endpoint.port))],
                     indent: indent)
    }

    /// `handshake` (TLS entries) or `tcp`: one row per entry, with `t_ms` since the connection's first packet.
    /// Entries are read in place, field by field (a connection can have thousands, and a whole entry read is
    /// an entry copied and freed).
    private mutating func timeline(_ timeline: [TimelineEntry], start: Timestamp, tcp: Bool, indent: Int) {
        var count = 0
        for index in timeline.indices where (timeline[index].kind == .tcp) == tcp { count += 1 }
        var index = timeline.startIndex
        array(count: count, indent: indent) { writer, _ in
            while index < timeline.endIndex, (timeline[index].kind == .tcp) != tcp { index += 1 }
            guard index < timeline.endIndex else { return false }
            writer.openObject()
            writer.rowMember("from", first: true)
            writer.side(timeline[index].from)
            writer.rowMember("message")
            writer.writeString(timeline[index].message)
            writer.rowMember("frame")
            writer.integer(timeline[index].frame)
            writer.rowMember("detail")
            writer.detail(timeline[index].summary)
            writer.rowMember("t_ms")
            writer.milliseconds(start.milliseconds(until: timeline[index].timestamp))
            writer.closeRow()
            index += 1
            return true
        }
    }

    /// `Side.rawValue` as a JSON string, from a literal (a row's first member, some 140,000 times in a large
    /// capture).
    private mutating func side(_ side: Side) {
        switch side {
        case .client: ascii("\"client\"")
        case .server: ascii("\"server\"")
        }
    }

    /// `TimelineEntry.detail` as a JSON string (or null). The counts most entries carry are written as their
    /// words would be (`1380 bytes`: ASCII, nothing to escape) without making the String.
    private mutating func detail(_ summary: TimelineSummary) {
        switch summary {
        case .none:
            ascii("null")
        case .byteCount(let count):
            stream.append(byte: UInt8(ascii: "\""))
            integer(count)
            ascii(" bytes\"")
        case .encryptedByteCount(let count):
            ascii("\"encrypted, ")
            integer(count)
            ascii(" bytes\"")
        default:
            if let text = summary.text { writeString(text) } else { ascii("null") }
        }
    }

    /// `JSONReport.milliseconds(value)` as `JSONValue.numberText` writes it (Swift's shortest round-trip
    /// form), from its digits when it is a whole number of thousandths below 10^9 (every duration and `t_ms`
    /// of a capture): such a value has at most 12 significant digits, so no shorter decimal than its
    /// thousandths (trailing zeros dropped) reads back as it, and that is the form Swift prints.
    private mutating func milliseconds(_ value: Double) {
        let rounded = JSONReport.milliseconds(value)
        let thousandths = (rounded * 1000).rounded()
        guard abs(rounded) < 1e9, !(rounded == 0 && rounded.sign == .minus), let whole = Int(exactly: thousandths),
              Double(whole) / 1000 == rounded else {
            write(.double(rounded), indent: 0)
            return
        }
        if whole < 0 { stream.append(byte: UInt8(ascii: "-")) }
        let magnitude = whole.magnitude
        integer(Int(magnitude / 1000))
        // `.` and the three digits of the thousandths, stored at once; the count then drops their trailing zeros
        // (one digit kept: `12.0`).
        let fraction = magnitude % 1000
        let digits = fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3
        stream.append(upTo: 4) { room in
            guard let base = room.baseAddress else { return 0 }
            base.initialize(to: UInt8(ascii: "."))
            (base + 1).initialize(to: UInt8(ascii: "0") + UInt8(truncatingIfNeeded: fraction / 100))
            (base + 2).initialize(to: UInt8(ascii: "0") + UInt8(truncatingIfNeeded: fraction / 10 % 10))
            (base + 3).initialize(to: UInt8(ascii: "0") + UInt8(truncatingIfNeeded: fraction % 10))
            return 1 + digits
        }
    }

    private mutating func alert(_ alert: AlertReport, indent: Int) {
        scalarObject([
            "from": .string(alert.from.rawValue),
            "level": JSONValue(JSONReport.levelWord(alert.level)),
            "code": JSONValue(alert.description.map { Int($0.rawValue) }),
            "name": JSONValue(alert.description?.name),
            "encrypted": .bool(alert.encrypted),
            "frame": .int(alert.frame),
        ], indent: indent)
    }

    private mutating func certificate(_ certificate: CertificateSummary, indent: Int) {
        let level = indent + 1
        openObject()
        member("subject", indent: level, first: true)
        writeString(certificate.subject)
        member("issuer", indent: level)
        writeString(certificate.issuer)
        member("not_before", indent: level)
        timestamp(certificate.notBefore)
        member("not_after", indent: level)
        timestamp(certificate.notAfter)
        member("san", indent: level)
        stringArray(certificate.dnsNames + certificate.ipAddresses, indent: level)
        member("self_signed", indent: level)
        write(.bool(certificate.isSelfSigned), indent: level)
        member("sha256", indent: level)
        writeString(certificate.sha256)
        member("ca", indent: level)
        write(.bool(certificate.isCA), indent: level)
        closeObject(indent: indent)
    }
}
