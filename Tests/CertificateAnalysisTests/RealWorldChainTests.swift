import CertificateAnalysis
import Foundation
import Testing
import WireFormat

/// Chains recorded from real servers (zeek test traces; see Fixtures/RealWorldFixtures.swift).
@Suite("Real-world chains")
struct RealWorldChainTests {
    static func chain(_ pems: [String]) throws -> [CertificateSummary] {
        try pems.map { pem in
            let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            return try CertificateSummary(derEncoded: Array(try #require(Data(base64Encoded: body))))
        }
    }

    static let starfieldRoot = "CN=Starfield Root Certificate Authority - G2, O=Starfield Technologies\\, Inc., L=Scottsdale, ST=Arizona, C=US"
    static let starfieldCA = "CN=Starfield Secure Certificate Authority - G2, OU=http://certs.starfieldtech.com/repository/, O=Starfield Technologies\\, Inc., L=Scottsdale, ST=Arizona, C=US"

    /// zeek's missing-intermediate trace: one connection sends the whole chain, another only the leaf.
    @Test func starfieldMissingIntermediate() throws {
        let full = try Self.chain(RealWorldFixtures.starfieldChain)
        let lone = try Self.chain(RealWorldFixtures.missingIntermediate)
        try #require(full.count == 3 && lone.count == 1)
        #expect(full[2].subject == Self.starfieldRoot && full[2].isSelfSigned)
        let store = TrustStore(roots: [full[2]], source: "Starfield root")
        let fullTime = Timestamp(seconds: RealWorldFixtures.starfieldChainTime, nanoseconds: 0)
        let loneTime = Timestamp(seconds: RealWorldFixtures.missingIntermediateTime, nanoseconds: 0)
        #expect(store.evaluate(served: full, at: fullTime) == .trusted(root: Self.starfieldRoot))
        #expect(store.evaluate(served: lone, at: loneTime) == .incompleteChain(missing: Self.starfieldCA))
        #expect(ChainAnalysis(served: full, trustStore: store).problems == [.rootSent(subject: Self.starfieldRoot)])
        #expect(ChainAnalysis(served: lone, trustStore: store).problems
            == [.missingIssuer(issuer: Self.starfieldCA, issuedTo: "CN=www.cviis.org, OU=Domain Control Validated")])
        #expect(lone[0].subject == "CN=www.cviis.org, OU=Domain Control Validated")
        #expect(HostnameMatcher.match(hostname: "cviis.org", certificate: lone[0]) == .subjectAltName("cviis.org"))
    }

    /// zeek's tls-early-alert trace: a 2010 GoDaddy leaf that encodes `cA FALSE` explicitly (DER forbids it,
    /// OpenSSL accepts it), SHA-1 / RSA-1024 upper chain, expired at capture time.
    @Test func goDaddyExplicitCAFalseAndExpiry() throws {
        let chain = try Self.chain(RealWorldFixtures.goDaddyChain)
        try #require(chain.count == 4)
        #expect(chain.map(\.isCA) == [false, true, true, false])  // the v1 ValiCert root has no extensions
        #expect(chain[0].dnsNames == ["www.jeffbryner.com", "jeffbryner.com"])
        #expect(chain[3].isSelfSigned)
        let capture = Timestamp(seconds: RealWorldFixtures.goDaddyChainTime, nanoseconds: 0)
        let leaf = chain[0]
        // Go Daddy Class 2 trusted (as in system bundles): the path stops there, before the RSA-1024 ValiCert root.
        let goDaddy = TrustStore(roots: [chain[2]], source: "Go Daddy Class 2")
        #expect(goDaddy.evaluate(served: chain, at: capture) == .expired(subject: leaf.subject, notAfter: leaf.notAfter))
        #expect(goDaddy.evaluate(served: chain, at: utc(2010, 6, 1)) == .trusted(root: chain[2].subject))
        // Only the ValiCert root trusted: its RSA-1024 signature cannot be checked with swift-crypto.
        let valiCert = TrustStore(roots: [chain[3]], source: "ValiCert root")
        #expect(valiCert.evaluate(served: chain, at: utc(2010, 6, 1)) == .undetermined(reason:
            "cannot check the signature on \(chain[2].subject) (issuer \(chain[3].subject)): RSA-1024 keys are not supported (swift-crypto needs 2048 bits or more)"))
        // Nothing trusted: untrusted whatever that signature says, and the chain is named up to its root.
        let empty = TrustStore(roots: [], source: "none")
        #expect(empty.evaluate(served: chain, at: capture) == .unknownCA(root: chain[3].subject))
        #expect(TrustVerdict.validityProblem(in: chain, at: capture) == .expired(subject: leaf.subject, notAfter: leaf.notAfter))
        #expect(TrustVerdict.validityProblem(in: chain, at: utc(2010, 6, 1)) == nil)
    }
}
