import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis
import Analysis

// Hand-built reports covering the cases a report must word differently. Other stages are stubs while this
// module is written (IP and version names print as placeholders), so tests assert structure and this
// module's own wording, never other modules' names.

enum Fixtures {
    /// 2026-11-29T02:41:07Z
    static let base: Int64 = 1_795_920_067

    static func time(_ offsetSeconds: Int64, ms: UInt32 = 0) -> Timestamp {
        Timestamp(seconds: base + offsetSeconds, nanoseconds: ms * 1_000_000)
    }

    static let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0009), port: 443)
    static let otherServer = Endpoint(address: IPAddress(ipv4: 0x0A00_000C), port: 8443)
    static func client(_ host: UInt32, _ port: UInt16) -> Endpoint {
        Endpoint(address: IPAddress(ipv4: 0x0A00_0100 + host), port: port)
    }
    static let v6Client = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0x10), port: 50_100)
    static let v6Server = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0x1), port: 443)

    static let hostile = "evil\u{1b}[31m\r\n#99 FAKE OK\u{0}\u{202e}gnp.exe\u{200b}\u{9b}2J|`x`"

    static func entry(_ from: Side, _ kind: TimelineEntry.Kind, _ message: String, _ frame: Int, _ at: Timestamp,
                      _ detail: String? = nil) -> TimelineEntry {
        TimelineEntry(from: from, kind: kind, message: message, frame: frame, timestamp: at, detail: detail)
    }

    static func certificate(subject: String = "CN=api.example.test, O=Example", commonName: String? = "api.example.test",
                            issuer: String = "CN=Example Intermediate CA, O=Example",
                            issuerCommonName: String? = "Example Intermediate CA",
                            dnsNames: [String] = ["api.example.test", "www.example.test"],
                            selfSigned: Bool = false) -> CertificateSummary {
        CertificateSummary(subject: subject, issuer: issuer, subjectCommonName: commonName,
                           issuerCommonName: issuerCommonName,
                           notBefore: Timestamp(seconds: base - 86_400 * 300, nanoseconds: 0),
                           notAfter: Timestamp(seconds: base + 86_400 * 365, nanoseconds: 0),
                           dnsNames: dnsNames, ipAddresses: ["10.0.0.9"], isSelfSigned: selfSigned, isCA: false,
                           subjectKeyIdentifier: nil, authorityKeyIdentifier: nil,
                           sha256: String(repeating: "ab", count: 32), der: [0x30, 0x00])
    }

    /// TLS 1.3 to api.example.test, h2.
    static func ok(id: Int, at: Int64 = 0) -> ConnectionReport {
        let t = time(at)
        var c = ConnectionReport(id: id, client: client(1, 50_000), server: server, firstFrame: 1, lastFrame: 12,
                                 firstPacket: t, lastPacket: time(at, ms: 42))
        c.sni = "api.example.test"
        c.offeredVersions = [.tls13, .tls12]
        c.version = .tls13
        c.offeredCipherSuites = [CipherSuite(rawValue: 0x1301), CipherSuite(rawValue: 0x1302)]
        c.cipherSuite = CipherSuite(rawValue: 0x1301)
        c.alpnOffered = ["h2", "http/1.1"]
        c.alpn = "h2"
        c.timeline = [
            entry(.client, .tcp, "SYN", 1, t),
            entry(.server, .tcp, "SYN, ACK", 2, t),
            entry(.client, .handshakeMessage, "ClientHello", 4, t, "TLS 1.3, 1.2; 2 suites; SNI api.example.test"),
            entry(.server, .handshakeMessage, "ServerHello", 6, t, "TLS 1.3"),
            entry(.server, .encrypted, "EncryptedRecord", 7, t),
            entry(.server, .encrypted, "EncryptedRecord", 8, t),
            entry(.server, .encrypted, "EncryptedRecord", 9, t),
            entry(.client, .encrypted, "EncryptedRecord", 11, t),
        ]
        c.established = true
        c.stage = "complete"
        c.endedBy = .fin
        c.cause = .ok
        c.explanation = "The handshake completed."
        return c
    }

    /// The client rejects the server's chain with alert 48 after ServerHelloDone (TLS 1.2).
    static func unknownCA(id: Int, client host: UInt32, at: Int64) -> ConnectionReport {
        let t = time(at, ms: 118)
        var c = ConnectionReport(id: id, client: client(host, 50_068), server: server, firstFrame: 41, lastFrame: 52,
                                 firstPacket: t, lastPacket: time(at, ms: 160))
        c.sni = "api.example.test"
        c.offeredVersions = [.tls13, .tls12]
        c.version = .tls12
        c.offeredCipherSuites = [CipherSuite(rawValue: 0xc02b)]
        c.cipherSuite = CipherSuite(rawValue: 0xc02b)
        c.timeline = [
            entry(.client, .tcp, "SYN", 41, t),
            entry(.client, .handshakeMessage, "ClientHello", 44, t, "TLS 1.3, 1.2; 1 suite; SNI api.example.test"),
            entry(.server, .handshakeMessage, "ServerHello", 46, t),
            entry(.server, .handshakeMessage, "Certificate", 46, t, "1 certificate: CN=api.example.test"),
            entry(.server, .handshakeMessage, "ServerHelloDone", 46, t),
            entry(.client, .alert, "Alert", 50, t, "fatal unknown_ca"),
            entry(.client, .tcp, "FIN", 51, t),
        ]
        c.stage = "after ServerHelloDone"
        c.alert = AlertReport(from: .client, level: .fatal, description: .unknownCA, encrypted: false, frame: 50)
        c.endedBy = .alert
        c.cause = .unknownCA
        c.explanation = "The client does not trust the CA that issued the server's certificate (CN=Example Root)."
        c.nextSteps = [
            "Check which CA bundle the client uses and add the issuing root, or serve a chain to a public root.",
            "Confirm with `openssl s_client -connect 10.0.0.9:443 -servername api.example.test -showcerts`.",
        ]
        c.certificates = [certificate(selfSigned: false)]
        c.trust = .unknownCA(root: "CN=Example Root")
        return c
    }

    /// SYN answered by RST, IPv6, no ClientHello.
    static func refused(id: Int, at: Int64) -> ConnectionReport {
        let t = time(at)
        var c = ConnectionReport(id: id, client: v6Client, server: v6Server, firstFrame: 60, lastFrame: 61,
                                 firstPacket: t, lastPacket: time(at, ms: 1))
        c.timeline = [entry(.client, .tcp, "SYN", 60, t), entry(.server, .tcp, "RST, ACK", 61, t)]
        c.stage = "before ClientHello"
        c.endedBy = .rst
        c.cause = .tcpRefused
        c.explanation = "Nothing listens on port 443 at the server, or a firewall rejects the connection."
        c.nextSteps = ["Check that the service listens: `ss -ltnp 'sport = :443'` on the server."]
        return c
    }

    /// A ClientHello without SNI that nobody answered before the capture ended.
    static func unanswered(id: Int, at: Int64) -> ConnectionReport {
        let t = time(at)
        var c = ConnectionReport(id: id, client: client(7, 40_000), server: otherServer, firstFrame: 70,
                                 lastFrame: 75, firstPacket: t, lastPacket: time(at + 9))
        c.offeredVersions = [.tls12]
        c.offeredCipherSuites = [CipherSuite(rawValue: 0x002f)]
        c.timeline = [
            entry(.client, .tcp, "SYN", 70, t),
            entry(.server, .tcp, "SYN, ACK", 71, t),
            entry(.client, .handshakeMessage, "ClientHello", 73, t, "TLS 1.2; 1 suite; no SNI"),
        ]
        c.stage = "after ClientHello"
        c.endedBy = .captureEnd
        c.cause = .noServerResponse
        c.explanation = "The server accepted the TCP connection but never answered the ClientHello."
        c.nextSteps = ["Check that the port speaks TLS."]
        return c
    }

    /// TLS 1.3: the client sends an encrypted alert right after the server's encrypted flight.
    static func encryptedAlert(id: Int, at: Int64) -> ConnectionReport {
        let t = time(at)
        var c = ConnectionReport(id: id, client: client(8, 40_100), server: server, firstFrame: 80, lastFrame: 86,
                                 firstPacket: t, lastPacket: time(at, ms: 30))
        c.sni = "api.example.test"
        c.offeredVersions = [.tls13]
        c.version = .tls13
        c.cipherSuite = CipherSuite(rawValue: 0x1301)
        c.timeline = [
            entry(.client, .handshakeMessage, "ClientHello", 80, t),
            entry(.server, .handshakeMessage, "ServerHello", 82, t),
            entry(.server, .encrypted, "EncryptedRecord", 82, t),
            entry(.client, .alert, "EncryptedAlert", 84, t),
            entry(.client, .tcp, "RST", 86, t),
        ]
        c.stage = "after the server's encrypted flight"
        c.alert = AlertReport(from: .client, level: nil, description: nil, encrypted: true, frame: 84)
        c.endedBy = .alert
        c.cause = .certificateRejected
        c.explanation = "The client aborted right after the server's certificate; most likely it rejected it."
        return c
    }

    /// Every untrusted field carries terminal escapes, CR/LF, bidi overrides, NUL and markdown syntax.
    static func hostileConnection(id: Int, at: Int64) -> ConnectionReport {
        var c = unknownCA(id: id, client: 9, at: at)
        c.sni = hostile
        c.alpnOffered = [hostile]
        c.alpn = hostile
        c.certificates = [certificate(subject: "CN=" + hostile, commonName: hostile, issuer: "CN=" + hostile,
                                      issuerCommonName: hostile, dnsNames: [hostile, "*.example.test"],
                                      selfSigned: true)]
        c.explanation = "The certificate for \(hostile) is self-signed."
        c.nextSteps = ["# \(hostile)", "1. \(hostile)", "- \(hostile)"]
        c.warnings = [hostile]
        c.timeline[1].detail = "SNI \(hostile)"
        c.trust = .unknownCA(root: "CN=" + hostile)
        c.cause = .badCertificate
        return c
    }

    static func capture(warnings: [String] = ["The last packet is cut short (truncated file)."]) -> CaptureSummary {
        CaptureSummary(file: "incident-0300.pcap", format: "pcapng", linkType: .ethernet, packets: 2_114,
                       bytes: 1_234_567, firstPacket: time(0, ms: 118), lastPacket: time(1_500, ms: 902),
                       warnings: warnings)
    }

    /// ok, 2× unknown_ca (same server and SNI), refused (IPv6), unanswered (no SNI), encrypted alert, ok.
    static func incident() -> AnalysisReport {
        AnalysisReport(
            capture: capture(),
            connections: [
                ok(id: 1, at: 0),
                unknownCA(id: 2, client: 2, at: 10),
                refused(id: 3, at: 20),
                unknownCA(id: 4, client: 3, at: 1_440),
                unanswered(id: 5, at: 30),
                encryptedAlert(id: 6, at: 40),
                ok(id: 7, at: 50),
            ],
            trustSource: "/etc/ssl/certs/ca-certificates.crt",
            crossConnectionFindings: ["api.example.test was answered with 2 different certificates."])
    }

    static func hostileReport() -> AnalysisReport {
        var report = incident()
        report.connections.append(hostileConnection(id: 8, at: 60))
        report.capture.file = "capture\u{1b}]0;pwned\u{7}.pcap"
        report.capture.warnings.append(hostile)
        report.crossConnectionFindings.append(hostile)
        return report
    }
}
