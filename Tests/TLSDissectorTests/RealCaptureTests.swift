// Real captures (Fixtures.swift): what each direction yields, expectations taken from tshark's dissection.

import Testing
@testable import TLSDissector

@Suite struct RealCaptureTests {
    static let all: [Capture] = [
        .tls12, .tls13HelloRetry, .cipherMismatch, .versionMismatch, .sslv2, .postgres, .smtpStartTLS,
        .httpServer, .earlyAlert, .draft16,
    ]

    @Test("segment by segment, byte by byte and all at once agree", arguments: all)
    func feedingStylesAgree(_ capture: Capture) {
        _ = expectConsistentParsing(capture.client)
        _ = expectConsistentParsing(capture.server)
    }

    @Test func tls12ClientFlight() throws {
        let events = parseSegments(Capture.tls12.client)
        #expect(events.summaries == [
            "ClientHello@4", "Certificate@8", "ClientKeyExchange@8", "CertificateVerify@8", "ChangeCipherSpec@8",
            "Encrypted(Handshake, 40)@8", "Encrypted(ApplicationData, 30)@10", "Encrypted(Alert, 26)@12",
        ])
        let hello = try #require(events.clientHellos.first)
        #expect(hello.serverName == "api.example.test")
        #expect(hello.alpnProtocols == ["h2", "http/1.1"])
        #expect(hello.legacyVersion == .tls12)
        #expect(hello.supportedVersions.isEmpty)
        #expect(hello.offeredVersions == [.tls12, .tls11, .tls10])
        #expect(hello.cipherSuites.count == 28)
        #expect(hello.cipherSuites.first?.description == "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
        #expect(hello.cipherSuites.last == .emptyRenegotiationInfoSCSV)
        #expect(hello.realCipherSuites.count == 27)
        #expect(hello.extensionCount == 7)  // 0, 11, 10, 16, 22, 23, 13
        #expect(hello.compressionMethods == [0])
        #expect(!hello.offersSessionTicket && !hello.offersPreSharedKey && !hello.isSSLv2Format)
        guard case .certificate(let certificate)? = events[1].handshakeMessage else {
            Issue.record("no client Certificate")
            return
        }
        #expect(certificate.certificates.map(\.count) == [406])
        #expect(certificate.certificates.first?.prefix(2) == [0x30, 0x82])
        #expect(events[2].handshakeMessage == .clientKeyExchange(length: 33))
    }

    @Test func tls12ServerFlight() throws {
        let events = parseSegments(Capture.tls12.server)
        #expect(events.summaries == [
            "ServerHello@6", "Certificate@6", "ServerKeyExchange@6", "CertificateRequest@6", "ServerHelloDone@6",
            "ChangeCipherSpec@9", "Encrypted(Handshake, 40)@9", "Encrypted(Alert, 26)@15",
        ])
        let hello = try #require(events.serverHellos.first)
        #expect(hello.negotiatedVersion == .tls12)
        #expect(hello.cipherSuite.description == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        #expect(hello.alpnProtocol == "http/1.1")
        #expect(hello.sessionIDLength == 32)
        #expect(!hello.isHelloRetryRequest && hello.selectedVersion == nil)
        guard case .certificate(let certificate)? = events[1].handshakeMessage,
              case .certificateRequest(let request)? = events[3].handshakeMessage else {
            Issue.record("no Certificate or CertificateRequest")
            return
        }
        #expect(certificate.certificates.map(\.count) == [428])
        #expect(request.certificateTypes == [1, 2, 64])
        #expect(request.signatureAlgorithms.count == 20)
        #expect(request.signatureAlgorithms.first?.description == "ecdsa_secp256r1_sha256")
        #expect(request.signatureAlgorithms.last?.description == "dsa_sha512")
        #expect(request.certificateAuthorities.map(\.count) == [32])
        #expect(events[2].handshakeMessage == .serverKeyExchange(length: 112))
    }

    @Test func helloRetryRequestWithCompatibilityChangeCipherSpecs() throws {
        var client = TLSStreamParser()
        var clientEvents: [TLSEvent] = []
        for segment in Capture.tls13HelloRetry.client { clientEvents += client.feed(segment.bytes[...], frame: segment.frame) }
        #expect(clientEvents.map(\.kind).prefix(3) == ["ClientHello", "ChangeCipherSpec", "ClientHello"])
        #expect(clientEvents.dropFirst(3).allSatisfy { $0.kind.hasPrefix("Encrypted(ApplicationData") })
        let hellos = clientEvents.clientHellos
        #expect(hellos.allSatisfy { $0.offeredVersions == [.tls13] && $0.serverName == "api.example.test" })
        #expect(hellos.first?.cipherSuites.map(\.description) == [
            "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        ])
        // The ChangeCipherSpec before the second ClientHello encrypted nothing.
        #expect(!client.isEncrypted)

        let serverEvents = parseSegments(Capture.tls13HelloRetry.server)
        #expect(serverEvents.summaries.prefix(4) == ["ServerHello@6", "ChangeCipherSpec@6", "ServerHello@9", "Encrypted(ApplicationData, 32)@9"])
        let serverHellos = serverEvents.serverHellos
        #expect(serverHellos.map(\.isHelloRetryRequest) == [true, false])
        #expect(serverHellos.map(\.keyShareGroup) == [.secp256r1, .secp256r1])
        #expect(serverHellos.map(\.negotiatedVersion) == [.tls13, .tls13])
        #expect(serverHellos.map(\.cipherSuite.description) == ["TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"])
    }

    @Test("plaintext fatal alerts answering the ClientHello", arguments: [
        (Capture.cipherMismatch, AlertDescription.handshakeFailure),
        (Capture.versionMismatch, AlertDescription.protocolVersion),
    ])
    func serverRejectsClientHello(_ capture: Capture, _ expected: AlertDescription) {
        #expect(parseSegments(capture.client).map(\.kind) == ["ClientHello"])
        #expect(parseSegments(capture.server) == [.alert(Alert(level: .fatal, description: expected), frame: 6)])
    }

    @Test func sslv2Handshake() throws {
        let client = parseSegments(Capture.sslv2.client)
        #expect(client.summaries == ["ClientHello@1", "ClientKeyExchange@3", "Encrypted(SSLv2, 40)@5"])
        let hello = try #require(client.clientHellos.first)
        #expect(hello.isSSLv2Format && hello.legacyVersion == .ssl2)
        #expect(hello.offeredVersions == [.ssl2])
        #expect(hello.sslv2CipherSpecs == [0x0700c0, 0x050080, 0x030080, 0x010080, 0x060040, 0x040080, 0x020080])
        #expect(hello.cipherSuites.isEmpty)

        let server = parseSegments(Capture.sslv2.server)
        #expect(server.summaries == ["ServerHello@2", "Certificate@2", "Encrypted(SSLv2, 40)@4", "Encrypted(SSLv2, 40)@6"])
        let serverHello = try #require(server.serverHellos.first)
        #expect(serverHello.isSSLv2Format && serverHello.negotiatedVersion == .ssl2)
        #expect(serverHello.sslv2CipherSpecs.count == 6)
        guard case .certificate(let certificate)? = server[1].handshakeMessage else {
            Issue.record("no certificate")
            return
        }
        #expect(certificate.certificates.map(\.count) == [0x387])
    }

    @Test func postgresSSLRequestThenTLS() throws {
        let client = parseSegments(Capture.postgres.client)
        #expect(client.summaries == ["NotTLS(PostgreSQL)@1", "Resync(8)@3", "ClientHello@3"])
        guard case .notTLS(let found, _) = client[0] else { return }
        #expect(found.preview == "\\x00\\x00\\x00\\x08\\x04\\xd2\\x16/")
        // The 'S' answer is only known to end where the ServerHello record begins.
        let server = parseSegments(Capture.postgres.server)
        #expect(server.summaries == ["NotTLS(PostgreSQL)@4", "Resync(1)@4", "ServerHello@4", "ChangeCipherSpec@4"])
        #expect(server.serverHellos.first?.isHelloRetryRequest == true)
    }

    @Test func smtpStartTLS() {
        let client = parseSegments(Capture.smtpStartTLS.client)
        #expect(client.summaries == ["NotTLS(SMTP)@2", "Resync(38)@6", "ClientHello@6"])
        #expect(client.first == .notTLS(NonTLSProtocol(name: "SMTP", preview: "EHLO xxxxxxxxxxxxx.xxx.com\\r\\n"), frame: 2))
        let server = parseSegments(Capture.smtpStartTLS.server)
        #expect(server.summaries == ["NotTLS(SMTP)@1", "Resync(235)@7", "ServerHello@7"])
        #expect(server.serverHellos.first?.negotiatedVersion == .tls10)
    }

    @Test func httpAnswerToClientHello() {
        let events = parseSegments(Capture.httpServer.server)
        #expect(events == [.notTLS(NonTLSProtocol(name: "HTTP", preview: "<!DOCTYPE HTML>\\n"), frame: 2)])
    }

    @Test func warningAlertBeforeServerHelloInOneSegment() {
        let events = parseSegments(Capture.earlyAlert.server)
        #expect(events.summaries == ["Alert(warning unrecognized_name)@2", "ServerHello@2"])
    }

    @Test func tls13Draft16ServerHello() throws {
        let hello = try #require(parseSegments(Capture.draft16.server).serverHellos.first)
        #expect(hello.legacyVersion.rawValue == 0x7f10)
        #expect(hello.negotiatedVersion.description == "TLS 1.3 draft 16")
        #expect(hello.negotiatedVersion.isTLS13Draft)
        #expect(hello.sessionIDLength == 0)
        #expect(hello.cipherSuite.description == "TLS_CHACHA20_POLY1305_SHA256")
        #expect(hello.keyShareGroup == .secp384r1)  // draft key_share, extension 40
        let client = parseSegments(Capture.draft16.client)
        #expect(client.map(\.kind) == ["ClientHello", "Alert(fatal unknown_ca)"])
        #expect(client.clientHellos.first?.offeredVersions.first?.rawValue == 0x7f10)
    }
}
