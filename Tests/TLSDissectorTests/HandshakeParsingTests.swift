// Hand-built handshake messages for exact edges: malformed fields (which error, which field), HelloRetryRequest,
// SSLv2-format hellos, TLS 1.3 Certificate layout, CertificateRequest layouts, offered versions.

import Testing
@testable import TLSDissector

/// ClientHello body: version, zero random, session id, suites, null compression, extensions (when given).
func clientHelloBody(
    version: UInt16 = 0x0303, sessionID: [UInt8] = [], suites: [UInt16] = [0x1301, 0xc02f],
    extensions: [(UInt16, [UInt8])]? = []
) -> [UInt8] {
    var body = [UInt8(version >> 8), UInt8(version & 0xff)] + [UInt8](repeating: 0, count: 32)
    body += [UInt8(sessionID.count)] + sessionID
    body += u16(suites.count * 2) + suites.flatMap(u16) + [1, 0]
    if let extensions { body += u16Prefixed(extensions.flatMap { u16(Int($0.0)) + u16Prefixed($0.1) }) }
    return body
}

func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
func u16(_ value: UInt16) -> [UInt8] { u16(Int(value)) }
func u16Prefixed(_ bytes: [UInt8]) -> [UInt8] { u16(bytes.count) + bytes }
func u24Prefixed(_ bytes: [UInt8]) -> [UInt8] { [UInt8(bytes.count >> 16), UInt8(bytes.count >> 8 & 0xff), UInt8(bytes.count & 0xff)] + bytes }

/// Parses one handshake message carried in one record; returns the single event.
func parseMessage(_ type: UInt8, _ body: [UInt8]) -> TLSEvent? {
    let events = expectConsistentParsing(segments(record(22, handshakeMessage(type, body))))
    #expect(events.count == 1)
    return events.first
}

func parseError(_ type: UInt8, _ body: [UInt8]) -> TLSParseError? {
    if case .malformed(let error, _)? = parseMessage(type, body) { return error }
    return nil
}

@Suite struct HandshakeParsingTests {
    @Test("malformed messages name the field", arguments: [
        (1, Array(clientHelloBody().prefix(20)), "ClientHello of 20 bytes ends inside version and random"),
        (1, [3, 3] + [UInt8](repeating: 0, count: 32) + [33] + [UInt8](repeating: 0, count: 33) + [0, 2, 0x13, 1, 1, 0],
         "ClientHello legacy_session_id length 33 exceeds 32"),
        (1, [3, 3] + [UInt8](repeating: 0, count: 32) + [0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 1, 0],
         "ClientHello cipher_suites length 7 is odd"),
        (1, clientHelloBody(extensions: nil) + [0, 4, 0, 0, 0, 5],
         "ClientHello extension server_name length exceeds the extensions block"),
        (1, clientHelloBody(extensions: nil) + [0, 4, 0, 0x2b, 0, 0] + [7],
         "ClientHello has 1 bytes after the extensions"),
        (1, clientHelloBody(extensions: [(43, [3, 3, 4, 3])]), "ClientHello supported_versions length 3 is odd"),
        (1, clientHelloBody(extensions: [(0, [0, 9, 0, 0, 5, 0x61])]),
         "ClientHello server_name list length does not match its extension"),
        (2, [3, 3] + [UInt8](repeating: 1, count: 32) + [0, 0x13],
         "ServerHello ends before cipher_suite"),
        (2, [3, 3] + [UInt8](repeating: 1, count: 32) + [0, 0x13, 1, 0] + u16Prefixed([0, 43, 0, 1, 4]),
         "ServerHello supported_versions is 1 bytes, not 2"),
        (11, u24Prefixed(u24Prefixed([0x30, 0x03, 1, 2, 3]) + [9]),
         "Certificate lengths do not add up to its 12 bytes (neither the TLS 1.2 nor the TLS 1.3 layout)"),
        (13, [1, 1, 0, 4], "CertificateRequest lengths do not add up to its 4 bytes"),
    ] as [(UInt8, [UInt8], String)])
    func malformed(_ type: UInt8, _ body: [UInt8], _ detail: String) throws {
        let error = try #require(parseError(type, body))
        #expect(error.code == .malformedHandshake)
        #expect(error.detail == detail)
    }

    @Test func helloRetryRequestCarriesOnlyTheGroup() throws {
        let body = [3, 3] + ServerHello.helloRetryRequestRandom + [0, 0x13, 0x01, 0]
            + u16Prefixed([0, 43, 0, 2, 3, 4] + [0, 51, 0, 2, 0, 0x17] + [0, 44, 0, 4, 0, 2, 0xab, 0xcd])
        guard case .handshake(.serverHello(let hello), _)? = parseMessage(2, body) else {
            Issue.record("no ServerHello")
            return
        }
        #expect(hello.isHelloRetryRequest)
        #expect(hello.keyShareGroup == .secp256r1)
        #expect(hello.selectedVersion == .tls13)
        #expect(hello.extensions == [.supportedVersions, .keyShare, .cookie])
    }

    @Test func tls13ResumptionOffer() throws {
        let body = clientHelloBody(extensions: [
            (0x0a0a, []),  // GREASE
            (0, [0, 8, 0, 0, 5] + Array("a\u{e9}b".utf8) + [0xff]),  // invalid UTF-8 kept as U+FFFD
            (43, [6, 0x1a, 0x1a, 3, 4, 3, 3]),
            (51, u16Prefixed([0x1a, 0x1a, 0, 1, 0] + [0, 0x1d, 0, 2, 9, 9])),
            (35, [1, 2, 3]),
            (42, []),
            (41, u16Prefixed([0, 1, 7, 0, 0, 0, 0]) + u16Prefixed([1, 0])),
        ])
        guard case .handshake(.clientHello(let hello), _)? = parseMessage(1, body) else {
            Issue.record("no ClientHello")
            return
        }
        #expect(hello.serverName == "a\u{e9}b\u{fffd}")
        #expect(hello.supportedVersions.map(\.rawValue) == [0x1a1a, 0x0304, 0x0303])
        #expect(hello.offeredVersions == [.tls13, .tls12])
        #expect(hello.offersSessionTicket && hello.offersEarlyData && hello.offersPreSharedKey)
        #expect(hello.extensionCount == 7)  // the GREASE one counted
    }

    @Test("offered versions, newest first", arguments: [
        (0x0301, [UInt16](), ["TLS 1.0"]),
        (0x0303, [UInt16](), ["TLS 1.2", "TLS 1.1", "TLS 1.0"]),
        (0x0300, [], ["SSL 3.0"]),
        (0x0303, [0x0301, 0x7f1c, 0x0304, 0x0a0a, 0x0303], ["TLS 1.3", "TLS 1.3 draft 28", "TLS 1.2", "TLS 1.0"]),
        (0x0303, [0x0304, 0x0303], ["TLS 1.3", "TLS 1.2"]),
        (0x0303, [0x0303, 0x0304], ["TLS 1.3", "TLS 1.2"]),
        (0x0303, [0x1a1a, 0x0304, 0x0303], ["TLS 1.3", "TLS 1.2"]),
        (0x0302, [0x2a2a], ["TLS 1.1", "TLS 1.0"]),
        (0x0304, [], ["TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0"]),
        (0x0305, [], ["TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0"]),
        (0x0300, [0x0300], ["SSL 3.0"]),
    ] as [(UInt16, [UInt16], [String])])
    func offeredVersions(_ legacy: UInt16, _ listed: [UInt16], _ expected: [String]) {
        var hello = ClientHello()
        hello.legacyVersion = ProtocolVersion(rawValue: legacy)
        hello.supportedVersions = listed.map(ProtocolVersion.init(rawValue:))
        #expect(hello.offeredVersions.map(\.description) == expected)
    }

    @Test func sslv2CompatibleClientHelloThenTLS() throws {
        // RFC 5246 E.2: version 3.1, one TLS suite (00 00 2f) and one SSL 2.0 kind (07 00 c0), 16-byte challenge.
        let message: [UInt8] = [1, 3, 1, 0, 6, 0, 0, 0, 16, 0, 0, 0x2f, 7, 0, 0xc0] + [UInt8](repeating: 0xcc, count: 16)
        let bytes = [0x80, UInt8(message.count)] + message + record(21, [2, 40], version: 0x0301)
        let events = expectConsistentParsing(segments(bytes, sizes: [10]))
        #expect(events.summaries == ["ClientHello@2", "Alert(fatal handshake_failure)@2"])
        let hello = try #require(events.clientHellos.first)
        #expect(hello.isSSLv2Format && hello.legacyVersion == .tls10)
        #expect(hello.cipherSuites.map(\.description) == ["TLS_RSA_WITH_AES_128_CBC_SHA"])
        #expect(hello.sslv2CipherSpecs == [0x0700c0])
        #expect(hello.offeredVersions == [.tls10])
    }

    @Test func malformedSSLv2ClientHello() throws {
        let message: [UInt8] = [1, 0, 2, 0, 4, 0, 0, 0, 16, 1, 0, 0x80, 7] + [UInt8](repeating: 0xcc, count: 16)
        let events = expectConsistentParsing(segments([0x80, UInt8(message.count)] + message))
        let error = try #require(events.errors.first)
        #expect(error.code == .malformedHandshake)
        #expect(error.detail == "SSLv2 CLIENT-HELLO cipher_spec_length 4 is not a multiple of 3")
    }

    @Test func tls13CertificateLayout() {
        // context "", one entry: DER + empty extensions; then a second entry with an extension.
        let body = [0] + u24Prefixed(u24Prefixed([0x30, 0x01, 0x00]) + [0, 0] + u24Prefixed([0x30, 0x00]) + u16Prefixed([0, 5, 0, 0]))
        #expect(parseMessage(11, body)?.handshakeMessage == .certificate(CertificateMessage(certificates: [[0x30, 0x01, 0x00], [0x30, 0x00]])))
    }

    @Test func certificateRequestLayouts() {
        let authorities = u16Prefixed(u16Prefixed([0x30, 0x02, 0x31, 0x00]))
        // TLS 1.0/1.1: types, then authorities.
        var expected = CertificateRequest()
        expected.certificateTypes = [1, 64]
        expected.certificateAuthorities = [[0x30, 0x02, 0x31, 0x00]]
        #expect(parseMessage(13, [2, 1, 64] + authorities)?.handshakeMessage == .certificateRequest(expected))
        // TLS 1.2: signature algorithms in between.
        expected.signatureAlgorithms = [.ecdsaSecp256r1SHA256, .rsaPSSRSAESHA256]
        #expect(parseMessage(13, [2, 1, 64] + u16Prefixed([4, 3, 8, 4]) + authorities)?.handshakeMessage
            == .certificateRequest(expected))
        // TLS 1.3 (draft-era plaintext): context, extensions.
        var tls13 = CertificateRequest()
        tls13.signatureAlgorithms = [.ed25519]
        #expect(parseMessage(13, [0] + u16Prefixed([0, 13, 0, 4, 0, 2, 8, 7]))?.handshakeMessage
            == .certificateRequest(tls13))
    }

    @Test("other messages keep their type and length", arguments: [
        (0, [UInt8](), HandshakeMessage.helloRequest),
        (4, [0, 0, 0, 1], .newSessionTicket),
        (15, [4, 3, 0, 0], .certificateVerify),
        (20, [UInt8](repeating: 9, count: 12), .finished),
        (22, [1, 0, 0, 0], .certificateStatus),
        (24, [0], .other(.keyUpdate, length: 1)),
        (99, [1, 2], .other(HandshakeType(rawValue: 99), length: 2)),
    ] as [(UInt8, [UInt8], HandshakeMessage)])
    func otherMessages(_ type: UInt8, _ body: [UInt8], _ expected: HandshakeMessage) {
        #expect(parseMessage(type, body)?.handshakeMessage == expected)
        #expect(expected.type.rawValue == type)
    }
}
