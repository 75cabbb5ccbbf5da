import CertificateAnalysis
import Testing

@Suite("HostnameMatcher")
struct HostnameMatcherTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var certificate: CertificateSummary
        var host: String
        var expected: HostnameMatch
        var testDescription: String { "\(host) vs \(certificate.dnsNames + certificate.ipAddresses) CN \(certificate.subjectCommonName ?? "-")" }
        init(_ certificate: CertificateSummary, _ host: String, _ expected: HostnameMatch) {
            self.certificate = certificate
            self.host = host
            self.expected = expected
        }
    }

    static let leafNames = ["api.example.test", "www.example.test"]
    static let ipPresented = ["ip.example.test", "192.0.2.10", "2001:db8::1"]

    static let realCertificates: [Case] = [
        Case(Certs.leaf, "api.example.test", .subjectAltName("api.example.test")),
        Case(Certs.leaf, "API.Example.TEST.", .subjectAltName("api.example.test")),  // case, trailing dot
        Case(Certs.leaf, "www.example.test", .subjectAltName("www.example.test")),
        Case(Certs.leaf, "example.test", .mismatch(presented: leafNames)),
        Case(Certs.leaf, "api.example.test.evil", .mismatch(presented: leafNames)),
        Case(Certs.leaf, "", .mismatch(presented: leafNames)),
        Case(Certs.wildcard, "a.example.test", .subjectAltName("*.example.test")),
        Case(Certs.wildcard, "A.EXAMPLE.TEST.", .subjectAltName("*.example.test")),
        Case(Certs.wildcard, "example.test", .mismatch(presented: ["*.example.test"])),
        Case(Certs.wildcard, "a.b.example.test", .mismatch(presented: ["*.example.test"])),
        Case(Certs.wildcard, ".example.test", .mismatch(presented: ["*.example.test"])),
        Case(Certs.commonNameOnly, "legacy.example.test", .commonNameOnly("legacy.example.test")),
        Case(Certs.commonNameOnly, "LEGACY.example.test.", .commonNameOnly("legacy.example.test")),
        Case(Certs.commonNameOnly, "x.example.test", .mismatch(presented: ["legacy.example.test"])),
        Case(Certs.ipAddresses, "192.0.2.10", .subjectAltName("192.0.2.10")),
        Case(Certs.ipAddresses, "2001:db8::1", .subjectAltName("2001:db8::1")),
        Case(Certs.ipAddresses, "2001:DB8:0:0::0001", .subjectAltName("2001:db8::1")),  // canonical compare
        Case(Certs.ipAddresses, "[2001:db8::1]", .subjectAltName("2001:db8::1")),
        Case(Certs.ipAddresses, "192.0.2.11", .mismatch(presented: ipPresented)),
        Case(Certs.ipAddresses, "::ffff:192.0.2.10", .mismatch(presented: ipPresented)),  // mapped is not v4
        // iPAddress SANs are not DNS SANs: the CN still counts for a DNS name.
        Case(Certs.ipAddresses, "ip.example.test", .commonNameOnly("ip.example.test")),
    ]

    static let patterns: [Case] = [
        // The CN is ignored as soon as there is a dNSName SAN.
        Case(summary(commonName: "cn.example.com", dnsNames: ["san.example.com"]), "cn.example.com",
             .mismatch(presented: ["san.example.com"])),
        // Partial and misplaced wildcards never match (RFC 9525 §6.3).
        Case(summary(dnsNames: ["f*.example.com"]), "foo.example.com", .mismatch(presented: ["f*.example.com"])),
        Case(summary(dnsNames: ["*o.example.com"]), "foo.example.com", .mismatch(presented: ["*o.example.com"])),
        Case(summary(dnsNames: ["a.*.example.com"]), "a.b.example.com", .mismatch(presented: ["a.*.example.com"])),
        Case(summary(dnsNames: ["*.*.example.com"]), "a.b.example.com", .mismatch(presented: ["*.*.example.com"])),
        Case(summary(dnsNames: ["*"]), "localhost", .mismatch(presented: ["*"])),
        Case(summary(dnsNames: ["*.com"]), "example.com", .mismatch(presented: ["*.com"])),
        Case(summary(dnsNames: ["*.Example.COM."]), "www.example.com", .subjectAltName("*.Example.COM.")),
        Case(summary(commonName: "*.example.com"), "www.example.com", .commonNameOnly("*.example.com")),
        // IDN: A-labels compare as ASCII; U-labels are not converted.
        Case(summary(dnsNames: ["xn--bcher-kva.example"]), "XN--BCHER-KVA.example", .subjectAltName("xn--bcher-kva.example")),
        Case(summary(dnsNames: ["xn--bcher-kva.example"]), "bücher.example", .mismatch(presented: ["xn--bcher-kva.example"])),
        // Non-ASCII letters are not case-folded.
        Case(summary(dnsNames: ["bücher.example"]), "BÜCHER.example", .mismatch(presented: ["bücher.example"])),
        // An IP-literal host matches only iPAddress SANs, never a dNSName or the CN that spells the address.
        Case(summary(commonName: "10.0.0.1", dnsNames: ["10.0.0.1"]), "10.0.0.1", .mismatch(presented: ["10.0.0.1"])),
        Case(summary(commonName: "10.0.0.1"), "10.0.0.1", .mismatch(presented: ["10.0.0.1"])),
        Case(summary(ipAddresses: ["10.0.0.1"]), "10.0.0.1", .subjectAltName("10.0.0.1")),
        // A leading-zero quad is not an IP literal here, so it is compared as a DNS name.
        Case(summary(ipAddresses: ["10.0.0.1"]), "010.0.0.1", .mismatch(presented: ["10.0.0.1"])),
        Case(summary(), "anything.example", .mismatch(presented: [])),
    ]

    @Test("real certificates", arguments: realCertificates)
    func real(_ c: Case) {
        #expect(HostnameMatcher.match(hostname: c.host, certificate: c.certificate) == c.expected)
    }

    @Test("patterns", arguments: patterns)
    func pattern(_ c: Case) {
        #expect(HostnameMatcher.match(hostname: c.host, certificate: c.certificate) == c.expected)
    }
}
