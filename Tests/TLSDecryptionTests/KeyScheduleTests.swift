import Testing
import TLSDissector
@testable import TLSDecryption

/// Published vectors: RFC 8448 §3 (TLS 1.3 traffic keys), the TLS 1.2 PRF vectors from the TLS WG list
/// (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), the TLS 1.0 PRF vector of the
/// "PRF Testvector" set.
@Suite struct KeyScheduleTests {
    struct TrafficKeyVector: Sendable, CustomTestStringConvertible {
        var name: String
        var secret: String
        var key: String
        var iv: String
        var testDescription: String { name }
    }

    static let rfc8448: [TrafficKeyVector] = [
        .init(name: "server handshake", secret: "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
              key: "3fce516009c21727d0f2e4e86ee403bc", iv: "5d313eb2671276ee13000b30"),
        .init(name: "client handshake", secret: "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
              key: "dbfaa693d1762c5b666af5d950258d01", iv: "5bd3c71b836e0b76bb73265f"),
        .init(name: "server application", secret: "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
              key: "9f02283b6c9c07efc26bb9f2ac92e356", iv: "cf782b88dd83549aadf1e984"),
        .init(name: "client application", secret: "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",
              key: "17422dda596ed5d9acd890e3c63f5051", iv: "5b78923dee08579033e523d9"),
    ]

    @Test(arguments: rfc8448)
    func hkdfExpandLabelGivesRFC8448TrafficKeys(_ vector: TrafficKeyVector) {
        let keys = KeySchedule.trafficKeys(.sha256, secret: hex(vector.secret), keyLength: 16)
        #expect(keys.key == hex(vector.key))
        #expect(keys.iv == hex(vector.iv))
    }

    @Test func hkdfExpandLabelWithContextGivesRFC8448HandshakeSecrets() {
        // RFC 8448 §3: "derive secret tls13 s hs traffic" = HKDF-Expand-Label(handshake secret, "s hs traffic",
        // Hash(ClientHello..ServerHello), 32).
        let handshakeSecret = hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
        let transcript = hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")
        #expect(KeySchedule.hkdfExpandLabel(.sha256, secret: handshakeSecret, label: "s hs traffic", context: transcript, length: 32)
                == hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"))
        #expect(KeySchedule.hkdfExpandLabel(.sha256, secret: handshakeSecret, label: "c hs traffic", context: transcript, length: 32)
                == hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"))
    }

    @Test func tls12PRFWithSHA256() {
        let output = KeySchedule.prf12(.sha256, secret: hex("9bbe436ba940f017b17652849a71db35"), label: "test label",
                                       seed: hex("a0ba9f936cda311827a6f796ffd5198c"), length: 100)
        #expect(output == hex("""
            e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7\
            077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66
            """))
    }

    @Test func tls12PRFWithSHA384() {
        let output = KeySchedule.prf12(.sha384, secret: hex("b80b733d6ceefcdc71566ea48e5567df"), label: "test label",
                                       seed: hex("cd665cf6a8447dd6ff8b27555edb7465"), length: 148)
        #expect(output == hex("""
            7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb40\
            0fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d\
            31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f
            """))
    }

    @Test func tls10PRF() {
        let output = KeySchedule.prf10(secret: [UInt8](repeating: 0xab, count: 48), label: "PRF Testvector",
                                       seed: [UInt8](repeating: 0xcd, count: 64), length: 104)
        #expect(output == hex("""
            d3d4d1e349b5d515044666d51de32bab258cb521b6b053463e354832fd976754443bcf9a296519bc289abcbc1187e4ebd31e6023\
            53776c408aafb74cbc85eff69255f9788faa184cbb957a9819d84a5d7eb006eb459d3ae8de9810454b8b2d8f1afbc655a8c9a013
            """))
    }

    struct SuiteCase: Sendable, CustomTestStringConvertible {
        var value: UInt16
        var expected: SuiteParameters?
        var testDescription: String { CipherSuite(rawValue: value).description }
    }

    static let suites: [SuiteCase] = [
        .init(value: 0x1301, expected: .init(cipher: .aesGCM(keyLength: 16), hash: .sha256)),
        .init(value: 0x1302, expected: .init(cipher: .aesGCM(keyLength: 32), hash: .sha384)),
        .init(value: 0x1303, expected: .init(cipher: .chaCha20Poly1305, hash: .sha256)),
        .init(value: 0x1304, expected: nil),  // TLS_AES_128_CCM_SHA256
        .init(value: 0xc02f, expected: .init(cipher: .aesGCM(keyLength: 16), hash: .sha256)),
        .init(value: 0xc030, expected: .init(cipher: .aesGCM(keyLength: 32), hash: .sha384)),
        .init(value: 0xcca8, expected: .init(cipher: .chaCha20Poly1305, hash: .sha256)),
        .init(value: 0x009c, expected: .init(cipher: .aesGCM(keyLength: 16), hash: .sha256)),
        .init(value: 0x002f, expected: .init(cipher: .aesCBC(keyLength: 16), hash: .sha1)),
        .init(value: 0xc028, expected: .init(cipher: .aesCBC(keyLength: 32), hash: .sha384)),
        .init(value: 0xc0ac, expected: nil),  // TLS_ECDHE_ECDSA_WITH_AES_128_CCM
        .init(value: 0x000a, expected: nil),  // TLS_RSA_WITH_3DES_EDE_CBC_SHA
        .init(value: 0x0005, expected: nil),  // TLS_RSA_WITH_RC4_128_SHA
        .init(value: 0xc050, expected: nil),  // TLS_RSA_WITH_ARIA_128_GCM_SHA256
        .init(value: 0x7a7a, expected: nil),  // GREASE
    ]

    @Test(arguments: suites)
    func suiteParametersComeFromTheIANAName(_ suite: SuiteCase) {
        #expect(SuiteParameters(CipherSuite(rawValue: suite.value)) == suite.expected)
    }
}
