import TLSDissector

/// A connection's two record decryptors, made from its key log secrets once ServerHello has chosen the
/// version and cipher suite.
public struct SessionDecryption: Sendable {
    public var client: RecordDecryptor
    public var server: RecordDecryptor

    /// - Throws: `unsupportedVersion` (SSL 3.0, drafts), `unsupportedCipherSuite`, `missingSecret` (the key log
    ///   lacks what this version needs: both handshake traffic secrets, or the master secret).
    public init(secrets: KeyLog.Secrets, clientHello: ClientHello, serverHello: ServerHello,
                maxHandshakeMessageLength: Int = TLSParserLimits().maxHandshakeMessageLength) throws(TLSDecryptionError) {
        let version = serverHello.negotiatedVersion
        guard let suite = SuiteParameters(serverHello.cipherSuite) else {
            throw TLSDecryptionError(code: .unsupportedCipherSuite,
                                     detail: "\(serverHello.cipherSuite) cannot be decrypted (AES-GCM, ChaCha20-Poly1305 and AES-CBC suites can)")
        }
        if version == .tls13 {
            if case .aesCBC = suite.cipher {
                throw TLSDecryptionError(code: .unsupportedCipherSuite, detail: "\(serverHello.cipherSuite) is not a TLS 1.3 suite")
            }
            (client, server) = try Self.tls13(secrets, suite: suite, clientHello: clientHello, limit: maxHandshakeMessageLength)
            return
        }
        guard version >= .tls10, version <= .tls12 else {
            throw TLSDecryptionError(code: .unsupportedVersion, detail: "\(version) records cannot be decrypted")
        }
        if case .aesCBC = suite.cipher {} else if version < .tls12 {
            throw TLSDecryptionError(code: .unsupportedCipherSuite, detail: "\(serverHello.cipherSuite) needs TLS 1.2")
        }
        guard let master = secrets.masterSecret else {
            throw TLSDecryptionError(code: .missingSecret, detail: "the key log has no CLIENT_RANDOM line (master secret) for this connection")
        }
        guard clientHello.random.count == 32, serverHello.random.count == 32 else {
            throw TLSDecryptionError(code: .missingSecret, detail: "the hellos' randoms are not 32 bytes")
        }
        let keys = KeySchedule.tls12KeyBlock(version: version.rawValue, suite: suite, masterSecret: master,
                                             clientRandom: clientHello.random, serverRandom: serverHello.random)
        // RFC 7366 §2: encrypt-then-MAC applies to CBC suites when the ServerHello echoes the extension.
        let encryptThenMAC = serverHello.extensions.contains(ExtensionType(rawValue: 22))
        client = RecordDecryptor(tls12: version, suite: suite, keys: keys.client, encryptThenMAC: encryptThenMAC,
                                 maxHandshakeMessageLength: maxHandshakeMessageLength)
        server = RecordDecryptor(tls12: version, suite: suite, keys: keys.server, encryptThenMAC: encryptThenMAC,
                                 maxHandshakeMessageLength: maxHandshakeMessageLength)
    }

    private static func tls13(_ secrets: KeyLog.Secrets, suite: SuiteParameters, clientHello: ClientHello,
                              limit: Int) throws(TLSDecryptionError) -> (RecordDecryptor, RecordDecryptor) {
        let length = suite.hash.outputLength
        func required(_ secret: [UInt8]?, _ label: String) throws(TLSDecryptionError) -> [UInt8] {
            guard let secret else {
                throw TLSDecryptionError(code: .missingSecret, detail: "the key log has no \(label) for this connection")
            }
            guard secret.count == length else {
                throw TLSDecryptionError(code: .missingSecret,
                                         detail: "the key log's \(label) is \(secret.count) bytes, not the \(length) of this suite's hash")
            }
            return secret
        }
        let clientHandshake = try required(secrets.clientHandshakeTrafficSecret, "CLIENT_HANDSHAKE_TRAFFIC_SECRET")
        let serverHandshake = try required(secrets.serverHandshakeTrafficSecret, "SERVER_HANDSHAKE_TRAFFIC_SECRET")
        let clientApplication = secrets.clientTrafficSecret0.flatMap { $0.count == length ? $0 : nil }
        let serverApplication = secrets.serverTrafficSecret0.flatMap { $0.count == length ? $0 : nil }
        let client = RecordDecryptor(tls13: suite, handshakeSecret: clientHandshake, applicationSecret: clientApplication,
                                     applicationSecretLabel: "CLIENT_TRAFFIC_SECRET_0", mayBeEarlyData: clientHello.offersEarlyData,
                                     maxHandshakeMessageLength: limit)
        let server = RecordDecryptor(tls13: suite, handshakeSecret: serverHandshake, applicationSecret: serverApplication,
                                     applicationSecretLabel: "SERVER_TRAFFIC_SECRET_0", mayBeEarlyData: false,
                                     maxHandshakeMessageLength: limit)
        return (client, server)
    }
}
