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
        write(.double(JSONReport.milliseconds(c.durationMilliseconds)), indent: level)
        member("sni", indent: level)
        write(JSONValue(c.sni), indent: level)
        member("offered_versions", indent: level)
        stringArray(c.offeredVersions.lazy.map(\.description), indent: level)
        member("version", indent: level)
        write(JSONValue(c.version?.description), indent: level)
        member("offered_cipher_suites", indent: level)
        stringArray(c.offeredCipherSuites.lazy.map(\.description), indent: level)
        member("cipher_suite", indent: level)
        write(JSONValue(c.cipherSuite?.description), indent: level)
        member("alpn_offered", indent: level)
        stringArray(c.alpnOffered, indent: level)
        member("alpn", indent: level)
        write(JSONValue(c.alpn), indent: level)
        member("handshake", indent: level)
        timeline(c, tcp: false, indent: level)
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
        array(count: c.certificates.count, indent: level) { writer, index in
            writer.certificate(c.certificates[index], indent: level + 1)
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
        timeline(c, tcp: true, indent: level)
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

    private mutating func endpoint(_ endpoint: Endpoint, indent: Int) {
        scalarObject(["ip": .string(endpoint.address.description), "port": .int(Int(endpoint.port))],
                     indent: indent)
    }

    /// `handshake` (TLS entries) or `tcp`: one row per entry, with `t_ms` since the connection's first packet.
    /// Entries are read in place (a connection can have thousands).
    private mutating func timeline(_ c: ConnectionReport, tcp: Bool, indent: Int) {
        let timeline = c.timeline
        var count = 0
        for index in timeline.indices where (timeline[index].kind == .tcp) == tcp { count += 1 }
        var index = timeline.startIndex
        array(count: count, indent: indent) { writer, _ in
            while index < timeline.endIndex, (timeline[index].kind == .tcp) != tcp { index += 1 }
            guard index < timeline.endIndex else { return false }
            writer.openObject()
            writer.rowMember("from", first: true)
            writer.writeString(timeline[index].from.rawValue)
            writer.rowMember("message")
            writer.writeString(timeline[index].message)
            writer.rowMember("frame")
            writer.integer(timeline[index].frame)
            writer.rowMember("detail")
            if let detail = timeline[index].detail { writer.writeString(detail) } else { writer.ascii("null") }
            writer.rowMember("t_ms")
            let milliseconds = c.firstPacket.milliseconds(until: timeline[index].timestamp)
            writer.write(.double(JSONReport.milliseconds(milliseconds)), indent: 0)
            writer.closeRow()
            index += 1
            return true
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
