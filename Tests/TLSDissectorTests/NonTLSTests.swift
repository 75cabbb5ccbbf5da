// Streams that are not TLS (or not yet): which protocol, the preview, and the switch to TLS after STARTTLS.

import Testing
@testable import TLSDissector

@Suite struct NonTLSTests {
    @Test("recognized protocols", arguments: [
        ("GET / HTTP/1.1\r\nHost: api.example.test\r\n\r\n", "HTTP", "GET / HTTP/1.1\\r\\n"),
        ("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n", "HTTP", "HTTP/1.1 400 Bad Request\\r\\n"),
        ("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", "SSH", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\\r\\n"),
        ("220 mail.example.test ESMTP Postfix\r\n", "SMTP", "220 mail.example.test ESMTP Postfix\\r\\n"),
        ("220 ProFTPD Server (Debian) [::ffff:10.0.0.5]\r\n", "FTP", "220 ProFTPD Server (Debian) [::ffff:10.0.0.5]\\r\\n"),
        ("+OK Dovecot ready.\r\n", "POP3", "+OK Dovecot ready.\\r\\n"),
        ("* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", "IMAP", "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\\r\\n"),
        ("hello\tworld \\ ok\n", "unknown", "hello\\tworld \\\\ ok\\n"),
    ])
    func recognizesTheFirstLine(_ text: String, _ name: String, _ preview: String) {
        let events = expectConsistentParsing(segments(Array(text.utf8), sizes: [3]))
        #expect(events == [.notTLS(NonTLSProtocol(name: name, preview: preview), frame: 2)])
    }

    @Test func binaryStreamIsJudgedAfter64Bytes() {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 0x80) }
        let events = expectConsistentParsing(segments(bytes, sizes: [40, 30]))
        guard case .notTLS(let found, let frame)? = events.first else {
            Issue.record("no notTLS")
            return
        }
        #expect(events.count == 1 && frame == 2 && found.name == "unknown")
        #expect(found.preview.count <= 64)
        #expect(found.preview.hasPrefix("\\x80\\xa5\\xca\\xef"))
    }

    @Test func shortStreamIsReportedByFinish() {
        // PostgreSQL refusing TLS: a single 'N'.
        var parser = TLSStreamParser()
        #expect(parser.feed([UInt8(ascii: "N")][...], frame: 4).isEmpty)
        #expect(parser.finish() == [.notTLS(NonTLSProtocol(name: "PostgreSQL", preview: "N"), frame: 4)])
        #expect(parser.finish().isEmpty)
    }

    @Test func implausibleRecordHeaderAtTheStartIsNotTLS() {
        // Handshake type byte and version, but a length beyond 2^14 + 2048.
        let events = expectConsistentParsing(segments([0x16, 0x03, 0x01, 0xff, 0xff] + [UInt8](repeating: 0x41, count: 80)))
        #expect(events.map(\.kind) == ["NotTLS(unknown)"])
    }

    @Test func tlsAfterAnHTTPConnectResponse() throws {
        let response = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        let serverHello = records(Capture.tls12.server[0].bytes).first.map { record(22, $0.body) } ?? []
        let events = expectConsistentParsing(segments(response + serverHello, sizes: [response.count]))
        #expect(events.summaries == ["NotTLS(HTTP)@1", "Resync(39)@2", "ServerHello@2"])
    }

    @Test func startTLSScanGivesUpAfter64KiB() {
        let text = (0..<1200).flatMap { _ in Array("250-PIPELINING and more text\r\n".utf8) }  // 36,000 bytes
        let late = text + text + Capture.tls12.client[0].bytes
        #expect(parseSegments(segments(late, sizes: [1000])).map(\.kind) == ["NotTLS(unknown)"])
        let early = text + Capture.tls12.client[0].bytes
        #expect(parseSegments(segments(early, sizes: [1000])).map(\.kind) == ["NotTLS(unknown)", "Resync(36000)", "ClientHello"])
    }

    @Test func previewEscapesAndStopsAt64Characters() {
        #expect(NonTLS.preview([0x41, 0x0d, 0x0a, 0x09, 0x5c, 0x00, 0xff][...]) == "A\\r\\n\\t\\\\\\x00\\xff")
        let long = NonTLS.preview([UInt8](repeating: 0x01, count: 64)[...])
        #expect(long.count == 64 && long.hasSuffix("\\x01"))
    }
}
