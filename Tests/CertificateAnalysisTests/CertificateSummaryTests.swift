import Testing
import WireFormat
@testable import CertificateAnalysis

@Suite("CertificateSummary")
struct CertificateSummaryTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var name: String
        var fixture: Fixture
        var subject: String
        var issuer: String
        var commonName: String?
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        var selfSigned = false
        var isCA = false
        var testDescription: String { name }
    }

    static let inter = "CN=Test Intermediate CA, O=tlsdiag tests, C=US"
    static let cases: [Expected] = [
        Expected(name: "root", fixture: F.root, subject: "CN=Test Root CA, O=tlsdiag tests, C=US",
                 issuer: "CN=Test Root CA, O=tlsdiag tests, C=US", commonName: "Test Root CA", selfSigned: true, isCA: true),
        Expected(name: "intermediate", fixture: F.intermediate, subject: inter,
                 issuer: "CN=Test Root CA, O=tlsdiag tests, C=US", commonName: "Test Intermediate CA", isCA: true),
        Expected(name: "leaf", fixture: F.leaf, subject: "CN=api.example.test, O=Example Ltd, C=US", issuer: inter,
                 commonName: "api.example.test", dnsNames: ["api.example.test", "www.example.test"]),
        Expected(name: "wildcard", fixture: F.wildcard, subject: "CN=*.example.test, O=Example Ltd, C=US",
                 issuer: inter, commonName: "*.example.test", dnsNames: ["*.example.test"]),
        Expected(name: "CN only", fixture: F.commonNameOnly, subject: "CN=legacy.example.test, O=Example Ltd, C=US",
                 issuer: inter, commonName: "legacy.example.test"),
        Expected(name: "IP SANs, escaped O", fixture: F.ipAddresses,
                 subject: #"CN=ip.example.test, O=Example\, Inc. \"Quoted\", C=US"#, issuer: inter,
                 commonName: "ip.example.test", ipAddresses: ["192.0.2.10", "2001:db8::1"]),
        Expected(name: "self-signed P-384", fixture: F.selfSigned, subject: "CN=self.example.test, O=Example Ltd, C=US",
                 issuer: "CN=self.example.test, O=Example Ltd, C=US", commonName: "self.example.test",
                 dnsNames: ["self.example.test"], selfSigned: true),
        Expected(name: "Ed25519 root", fixture: F.otherRoot, subject: "CN=Other Root CA, O=Elsewhere Ltd, C=US",
                 issuer: "CN=Other Root CA, O=Elsewhere Ltd, C=US", commonName: "Other Root CA", selfSigned: true, isCA: true),
        Expected(name: "Ed25519 leaf", fixture: F.otherLeaf, subject: "CN=api.example.test, O=Example Ltd, C=US",
                 issuer: "CN=Other Root CA, O=Elsewhere Ltd, C=US", commonName: "api.example.test",
                 dnsNames: ["api.example.test"]),
        // RSA-PSS: swift-certificates cannot verify it; self-signed is decided by names and key identifiers.
        Expected(name: "RSA-PSS root (openssl)", fixture: F.pssRoot, subject: "CN=PSS Root CA, O=tlsdiag tests, C=US",
                 issuer: "CN=PSS Root CA, O=tlsdiag tests, C=US", commonName: "PSS Root CA", selfSigned: true, isCA: true),
        Expected(name: "RSA-PSS leaf (openssl)", fixture: F.pssLeaf, subject: "CN=pss.example.test",
                 issuer: "CN=PSS Root CA, O=tlsdiag tests, C=US", commonName: "pss.example.test",
                 dnsNames: ["pss.example.test"]),
    ]

    @Test("fields", arguments: cases)
    func fields(_ expected: Expected) throws {
        let summary = try expected.fixture.summary()
        #expect(summary.subject == expected.subject)
        #expect(summary.issuer == expected.issuer)
        #expect(summary.subjectCommonName == expected.commonName)
        #expect(summary.dnsNames == expected.dnsNames)
        #expect(summary.ipAddresses == expected.ipAddresses)
        #expect(summary.isSelfSigned == expected.selfSigned)
        #expect(summary.isCA == expected.isCA)
        #expect(summary.sha256 == expected.fixture.sha256)
        #expect(summary.subjectKeyIdentifier.map { hex($0) } == expected.fixture.subjectKeyIdentifier)
        #expect(summary.notBefore == Timestamp(seconds: expected.fixture.notBefore, nanoseconds: 0))
        #expect(summary.notAfter == Timestamp(seconds: expected.fixture.notAfter, nanoseconds: 0))
        #expect(summary.der == expected.fixture.der)
    }

    @Test func issuerCommonNameAndKeyIdentifiers() throws {
        let leaf = try F.leaf.summary()
        #expect(leaf.issuerCommonName == "Test Intermediate CA")
        #expect(leaf.authorityKeyIdentifier.map { hex($0) } == F.intermediate.subjectKeyIdentifier)
    }

    /// UTCTime before 1970 (negative epoch seconds) and GeneralizedTime after 2050.
    @Test func datesOutsideTheEpochAndUTCTimeRange() throws {
        let wide = try F.wideDates.summary()
        #expect(wide.notBefore == utc(1960, 6, 15, 12))
        #expect(wide.notBefore.seconds < 0)
        #expect(wide.notAfter == utc(2150))
        #expect(wide.notBefore.date == "1960-06-15")
        #expect(wide.notAfter.date == "2150-01-01")
    }

    @Test("civil time conversion", arguments: [
        (1970, 1, 1, 0 as Int64), (1969, 12, 31, -86_400), (2000, 3, 1, 951_868_800), (1950, 1, 1, -631_152_000),
        (2050, 1, 1, 2_524_608_000), (9999, 12, 31, 253_402_214_400), (0, 1, 1, -62_167_219_200),
    ])
    func civil(year: Int, month: Int, day: Int, seconds: Int64) {
        #expect(civilTimestamp(year: year, month: month, day: day, hours: 0, minutes: 0, seconds: 0).seconds == seconds)
    }

    /// ESC and U+202E (right-to-left override) come out as RFC 4514 hex pairs, not raw.
    @Test func controlCharactersInNamesAreEscaped() throws {
        let hostile = try F.hostileName.summary()
        #expect(hostile.subject == #"CN=evil.example.test, O=Evil\1B[31m\E2\80\AECorp, C=US"#)
        #expect(!hostile.subject.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
    }

    /// Older string types: UniversalString and BMPString decoded, T61String as Latin-1, others as RFC 4514 #hex.
    @Test func legacyStringTypes() throws {
        let legacy = try F.legacyStrings.summary()
        #expect(legacy.subject
            == "CN=legacy-strings.example.test, postalCode=#120438303031, OU=Cafe Ops, O=Bücher ☃ GmbH, L=Zürich, C=CH")
        #expect(legacy.subjectCommonName == "legacy-strings.example.test")
    }

    @Test("RFC 4514 escaping", arguments: [
        ("plain", "plain"), (#"a,b+c"d\e<f>g;h"#, #"a\,b\+c\"d\\e\<f\>g\;h"#), (" lead", #"\ lead"#),
        ("#hash", ##"\#hash"##), ("trail ", #"trail\ "#), ("in#side mid", "in#side mid"), ("tab\t", #"tab\09"#),
        ("nul\u{0}", #"nul\00"#), ("c1\u{85}", #"c1\C2\85"#), ("rlo\u{202E}", #"rlo\E2\80\AE"#), ("é", "é"),
        ("", ""), ("x", "x"), (" ", #"\ "#), ("#", ##"\#"##), ("del\u{7F}", #"del\7F"#), ("~!@$%^&*()", "~!@$%^&*()"),
    ])
    func escaping(raw: String, escaped: String) {
        #expect(NameText.escaped(raw) == escaped)
    }

    @Test func attributeValuesAreSplitOutOfTheText() {
        #expect(NameText.values(of: ["O", "CN"], in: #"CN=a\, b, OU=x, O=Example\, Inc.+CN=c"#)
            == ["a, b", "Example, Inc.", "c"])
    }
}

@Suite("CertificateSummary on garbage")
struct GarbageTests {
    /// A small deterministic generator so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func expectNotACertificate(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try CertificateSummary(derEncoded: bytes)
            Issue.record("parsed \(bytes.count) garbage bytes", sourceLocation: sourceLocation)
        } catch let error as CertificateAnalysisError {
            #expect(error.code == .notACertificate, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func randomBytes() {
        var rng = SplitMix(state: 0x7157_d1a6)
        for length in 0..<600 {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expectNotACertificate(bytes)
            // Random contents behind a plausible SEQUENCE header get further into the parser.
            if length > 4 {
                bytes[0] = 0x30
                bytes[1] = 0x82
                bytes[2] = UInt8((length - 4) >> 8)
                bytes[3] = UInt8((length - 4) & 0xFF)
                expectNotACertificate(bytes)
            }
        }
    }

    @Test("every truncation fails cleanly", arguments: [F.leaf, F.ipAddresses, F.otherLeaf, F.pssLeaf, F.wideDates])
    func truncated(_ fixture: Fixture) {
        let der = fixture.der
        for length in 0..<der.count { expectNotACertificate(Array(der[..<length])) }
        expectNotACertificate(der + [0])
    }

    /// Corrupting any byte either still parses (a changed name or key bit) or throws `.notACertificate`.
    @Test func corruptedBytesNeverCrash() throws {
        let der = F.leaf.der
        for index in der.indices {
            for mask: UInt8 in [0xFF, 0x80, 0x01] {
                var bytes = der
                bytes[index] ^= mask
                do {
                    _ = try CertificateSummary(derEncoded: bytes)
                } catch let error as CertificateAnalysisError {
                    #expect(error.code == .notACertificate)
                }
            }
        }
    }

    @Test func aValidDERValueThatIsNotACertificate() {
        expectNotACertificate([0x30, 0x03, 0x02, 0x01, 0x05])  // SEQUENCE { INTEGER 5 }
        expectNotACertificate(Array("-----BEGIN CERTIFICATE-----".utf8))
    }

    @Test func errorDescriptionNamesTheCode() throws {
        let error = try #require(throws: CertificateAnalysisError.self) { try CertificateSummary(derEncoded: [1, 2, 3]) }
        #expect(error.description.hasPrefix("not a DER certificate: 3 bytes"))
    }
}
