import Testing
import TLSDissector
@testable import TLSDecryption

/// Each recorded OpenSSL session (RecordedSessions.swift) parsed with `TLSStreamParser` delivering encrypted
/// bodies, then decrypted with its key log: the messages tshark shows with the same key log.
@Suite struct RecordedSessionTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var session: RecordedSession
        var client: [String]
        var server: [String]
        var testDescription: String { session.name }
    }

    static let tls12Client = ["Finished", "ApplicationData", "Alert(warning close_notify)"]
    static let tls12Server = ["Finished", "ApplicationData", "Alert(warning close_notify)"]
    static let tls13Server = ["EncryptedExtensions", "Certificate", "CertificateVerify", "Finished", "NewSessionTicket",
                              "NewSessionTicket", "ApplicationData", "Alert(warning close_notify)"]

    static let expectations: [Expected] = [
        .init(session: .chacha12, client: tls12Client, server: tls12Server),
        .init(session: .gcm128, client: tls12Client, server: tls12Server),
        .init(session: .cbc256etm, client: tls12Client, server: tls12Server),
        .init(session: .cbc128mte, client: tls12Client, server: tls12Server),
        // OpenSSL splits TLS 1.0 CBC records 1/n-1 (a 1-byte record first) against BEAST.
        .init(session: .tls10cbc, client: ["Finished", "ApplicationData", "ApplicationData", "Alert(warning close_notify)"],
              server: ["Finished", "ApplicationData", "ApplicationData", "Alert(warning close_notify)"]),
        .init(session: .tls11mte, client: tls12Client, server: tls12Server),
        .init(session: .chacha13, client: tls12Client, server: tls13Server),
        .init(session: .keyupdate13,
              client: ["Finished", "ApplicationData", "KeyUpdate", "ApplicationData", "Alert(warning close_notify)"],
              server: ["EncryptedExtensions", "Certificate", "CertificateVerify", "Finished", "NewSessionTicket",
                       "NewSessionTicket", "ApplicationData", "ApplicationData", "Alert(warning close_notify)"]),
    ]

    /// One direction's parser events.
    static func events(_ segments: [String]) -> [TLSEvent] {
        var parser = TLSStreamParser(deliverEncryptedBodies: true)
        var events: [TLSEvent] = []
        for (index, segment) in segments.enumerated() { events += parser.feed(hex(segment)[...], frame: index + 1) }
        return events + parser.finish()
    }

    static func hellos(_ session: RecordedSession) throws -> (ClientHello, ServerHello) {
        var client: ClientHello?
        var server: ServerHello?
        for case .handshake(.clientHello(let hello), _) in events(session.client) { client = hello }
        for case .handshake(.serverHello(let hello), _) in events(session.server) { server = hello }
        return (try #require(client), try #require(server))
    }

    /// Decrypts one direction as the analyzer does: ChangeCipherSpec starts TLS ≤ 1.2 protection, each body
    /// is opened in turn. Returns the decrypted events and the first error.
    static func decrypt(_ segments: [String], with decryptor: RecordDecryptor) -> ([TLSEvent], TLSDecryptionError?) {
        var decryptor = decryptor
        var decrypted: [TLSEvent] = []
        for event in events(segments) {
            switch event {
            case .changeCipherSpec: decryptor.changeCipherSpec()
            case .encryptedRecordBody(let record, let frame):
                do {
                    decrypted += try decryptor.decrypt(record, frame: frame)
                } catch {
                    return (decrypted, error)
                }
            default: break
            }
        }
        return (decrypted, nil)
    }

    static func names(_ events: [TLSEvent]) -> [String] {
        events.map { event in
            if case .encryptedRecord(let type, _, _) = event { return "\(type)" }
            return event.kind
        }
    }

    @Test(arguments: expectations)
    func keyLogDecryptsBothDirections(_ expected: Expected) throws {
        let session = expected.session
        let keyLog = KeyLog(parsing: Array(session.keyLog.utf8))
        let (clientHello, serverHello) = try Self.hellos(session)
        let secrets = try #require(keyLog[clientRandom: clientHello.random])
        let decryption = try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: serverHello)
        let (client, clientError) = Self.decrypt(session.client, with: decryption.client)
        let (server, serverError) = Self.decrypt(session.server, with: decryption.server)
        #expect(clientError == nil)
        #expect(serverError == nil)
        #expect(Self.names(client) == expected.client)
        #expect(Self.names(server) == expected.server)
        for case .handshake(.certificate(let certificate), _) in server {
            #expect(certificate.certificates.count == 1)  // TLS 1.3 layout: context, then CertificateEntry
        }
    }

    @Test(arguments: expectations)
    func anotherSessionsSecretsDoNotAuthenticate(_ expected: Expected) throws {
        let session = expected.session
        let (clientHello, serverHello) = try Self.hellos(session)
        // The secrets of a session with the same version, bound to this session's hellos.
        let other = RecordedSession.all.first { candidate in
            candidate.name != session.name && (try? Self.hellos(candidate).1.negotiatedVersion) == serverHello.negotiatedVersion
        } ?? RecordedSession.all.first { $0.name != session.name }!
        let otherLog = KeyLog(parsing: Array(other.keyLog.utf8))
        let secrets = try #require(otherLog.secrets.values.first)
        guard let decryption = try? SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: serverHello) else {
            return  // e.g. a SHA-384 suite's secrets are the wrong length for a SHA-256 suite: refused up front
        }
        let (client, clientError) = Self.decrypt(session.client, with: decryption.client)
        #expect(client.isEmpty)
        #expect(clientError?.code == .authenticationFailed)
    }

    @Test func keyUpdateLabelOfOpenSSLIsIgnored() {
        let keyLog = KeyLog(parsing: Array(RecordedSession.keyupdate13.keyLog.utf8))
        #expect(keyLog.ignoredLines == 1)  // CLIENT_TRAFFIC_SECRET_N
        #expect(keyLog.badLines == 0)
    }

    @Test func whatTheKeyLogLacksIsNamed() throws {
        let (clientHello, serverHello) = try Self.hellos(.chacha13)
        var secrets = try #require(KeyLog(parsing: Array(RecordedSession.chacha13.keyLog.utf8))[clientRandom: clientHello.random])
        secrets.serverHandshakeTrafficSecret = nil
        #expect(throws: TLSDecryptionError.self) {
            try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: serverHello)
        }
        do {
            _ = try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: serverHello)
        } catch {
            #expect(error.code == .missingSecret)
            #expect(error.detail.contains("SERVER_HANDSHAKE_TRAFFIC_SECRET"))
        }
        let (tls12Client, tls12Server) = try Self.hellos(.gcm128)
        do {
            _ = try SessionDecryption(secrets: KeyLog.Secrets(), clientHello: tls12Client, serverHello: tls12Server)
            Issue.record("no master secret, yet keys")
        } catch {
            #expect(error.code == .missingSecret)
            #expect(error.detail.contains("CLIENT_RANDOM"))
        }
    }

    @Test func unsupportedSuitesAndVersionsAreRefused() throws {
        let (clientHello, serverHello) = try Self.hellos(.gcm128)
        let secrets = try #require(KeyLog(parsing: Array(RecordedSession.gcm128.keyLog.utf8))[clientRandom: clientHello.random])
        var ccm = serverHello
        ccm.cipherSuite = CipherSuite(rawValue: 0xc0ac)  // TLS_ECDHE_ECDSA_WITH_AES_128_CCM
        var ssl3 = serverHello
        ssl3.legacyVersion = .ssl3
        ssl3.cipherSuite = CipherSuite(rawValue: 0x002f)
        var gcmOverTLS11 = serverHello
        gcmOverTLS11.legacyVersion = .tls11
        for (hello, code) in [(ccm, TLSDecryptionError.Code.unsupportedCipherSuite), (ssl3, .unsupportedVersion),
                              (gcmOverTLS11, .unsupportedCipherSuite)] {
            do {
                _ = try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: hello)
                Issue.record("\(hello.cipherSuite) over \(hello.negotiatedVersion) accepted")
            } catch {
                #expect(error.code == code)
            }
        }
    }

    @Test func recordsBeforeChangeCipherSpecAreNotDecrypted() throws {
        let (clientHello, serverHello) = try Self.hellos(.gcm128)
        let secrets = try #require(KeyLog(parsing: Array(RecordedSession.gcm128.keyLog.utf8))[clientRandom: clientHello.random])
        var decryption = try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: serverHello)
        let body = try #require(Self.events(RecordedSession.gcm128.client).lazy.compactMap { event -> EncryptedRecord? in
            if case .encryptedRecordBody(let record, _) = event { return record }
            return nil
        }.first)
        do {
            _ = try decryption.client.decrypt(body, frame: 1)
            Issue.record("decrypted before ChangeCipherSpec")
        } catch {
            #expect(error.code == .notActive)
        }
        decryption.client.changeCipherSpec()
        #expect(try decryption.client.decrypt(body, frame: 2).map(\.kind) == ["Finished"])
    }
}
