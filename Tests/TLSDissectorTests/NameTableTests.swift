// The IANA name tables: known values by name, unknown ones as numbers, helper predicates.

import Testing
@testable import TLSDissector

@Suite struct NameTableTests {
    @Test("cipher suites", arguments: [
        (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
        (0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
        (0x1301, "TLS_AES_128_GCM_SHA256"),
        (0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
        (0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
        (0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"),
        (0x5600, "TLS_FALLBACK_SCSV"),
        (0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8"),
        (0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256"),
        (0x0000, "TLS_NULL_WITH_NULL_NULL"),
        (0x0a0a, "0x0a0a"),
        (0x001c, "0x001c"),
        (0xcc13, "0xcc13"),
        (0xffff, "0xffff"),
    ] as [(UInt16, String)])
    func cipherSuiteNames(_ value: UInt16, _ name: String) {
        #expect(CipherSuite(rawValue: value).description == name)
    }

    @Test func cipherSuitePredicates() {
        let tls13 = CipherSuite(rawValue: 0x1302), ecdheGCM = CipherSuite(rawValue: 0xc030)
        let rsaCBC = CipherSuite(rawValue: 0x0035), dheChaCha = CipherSuite(rawValue: 0xccaa)
        #expect(tls13.isTLS13Suite && !ecdheGCM.isTLS13Suite && !rsaCBC.isTLS13Suite)
        #expect(ecdheGCM.usesECDHE && !tls13.usesECDHE && !rsaCBC.usesECDHE && !dheChaCha.usesECDHE)
        #expect(ecdheGCM.usesAESGCM && tls13.usesAESGCM && !rsaCBC.usesAESGCM && !dheChaCha.usesAESGCM)
        #expect(dheChaCha.usesDHE && !ecdheGCM.usesDHE)
        #expect(CipherSuite(rawValue: 0x2a2a).isGREASE && CipherSuite(rawValue: 0x2a2a).isSignalingValue)
        #expect(CipherSuite.fallbackSCSV.isSignalingValue && CipherSuite.emptyRenegotiationInfoSCSV.isSignalingValue)
        #expect(!ecdheGCM.isSignalingValue && !CipherSuite(rawValue: 0x2a2b).isGREASE)
        #expect(ecdheGCM.keyExchange == "ECDHE_RSA" && rsaCBC.keyExchange == "RSA" && tls13.keyExchange == nil)
        #expect(ecdheGCM.certificateKeyType == "RSA" && CipherSuite(rawValue: 0xc02b).certificateKeyType == "ECDSA")
        #expect(CipherSuite(rawValue: 0x0013).certificateKeyType == "DSS" && CipherSuite(rawValue: 0x008c).certificateKeyType == nil)
        #expect(CipherSuite(rawValue: 0x0003).certificateKeyType == "RSA")  // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    }

    @Test("versions", arguments: [
        (0x0002, "SSL 2.0"), (0x0300, "SSL 3.0"), (0x0301, "TLS 1.0"), (0x0302, "TLS 1.1"),
        (0x0303, "TLS 1.2"), (0x0304, "TLS 1.3"), (0x7f1c, "TLS 1.3 draft 28"), (0x7e02, "0x7e02"), (0x3a3a, "0x3a3a"),
    ] as [(UInt16, String)])
    func versionNames(_ value: UInt16, _ name: String) {
        #expect(ProtocolVersion(rawValue: value).description == name)
    }

    @Test("alerts", arguments: [
        (0, "close_notify"), (10, "unexpected_message"), (20, "bad_record_mac"), (40, "handshake_failure"),
        (42, "bad_certificate"), (45, "certificate_expired"), (48, "unknown_ca"), (52, "too_many_cids_requested"),
        (70, "protocol_version"), (86, "inappropriate_fallback"), (109, "missing_extension"),
        (112, "unrecognized_name"), (116, "certificate_required"), (117, "general_error"),
        (120, "no_application_protocol"), (121, "ech_required"), (1, "1"), (255, "255"),
    ] as [(UInt8, String)])
    func alertNames(_ value: UInt8, _ name: String) {
        #expect(AlertDescription(rawValue: value).name == name)
        #expect(AlertDescription(rawValue: value).description == name)
    }

    @Test func otherTables() {
        #expect(AlertLevel.warning.description == "warning" && AlertLevel.fatal.description == "fatal")
        #expect(AlertLevel(rawValue: 9).description == "9")
        #expect(HandshakeType.clientHello.description == "ClientHello")
        #expect(HandshakeType.serverHelloDone.description == "ServerHelloDone")
        #expect(HandshakeType.helloVerifyRequest.description == "HelloVerifyRequest")
        #expect(HandshakeType.messageHash.description == "MessageHash")
        #expect(HandshakeType(rawValue: 99).description == "HandshakeType(99)")
        #expect(ContentType.applicationData.description == "ApplicationData")
        #expect(ContentType(rawValue: 99).description == "content type 99")
        #expect(ExtensionType.applicationLayerProtocolNegotiation.description == "application_layer_protocol_negotiation")
        #expect(ExtensionType.encryptedClientHello.description == "encrypted_client_hello")
        #expect(ExtensionType(rawValue: 0x1234).description == "0x1234")
        #expect(NamedGroup.x25519.description == "x25519" && NamedGroup.secp256r1.description == "secp256r1")
        #expect(NamedGroup.x25519MLKEM768.description == "X25519MLKEM768" && NamedGroup.ffdhe2048.description == "ffdhe2048")
        #expect(NamedGroup(rawValue: 0x6399).description == "X25519Kyber768Draft00")
        #expect(NamedGroup(rawValue: 0x0a0a).description == "0x0a0a" && NamedGroup(rawValue: 0x0a0a).isGREASE)
        #expect(SignatureScheme.rsaPSSRSAESHA256.description == "rsa_pss_rsae_sha256")
        #expect(SignatureScheme(rawValue: 0x0603).description == "ecdsa_secp521r1_sha512")
        #expect(SignatureScheme(rawValue: 0x0301).description == "rsa_sha224")
        #expect(SignatureScheme(rawValue: 0xfe00).description == "0xfe00")
    }
}
