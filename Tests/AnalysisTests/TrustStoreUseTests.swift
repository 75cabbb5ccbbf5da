import Foundation
import Testing
import CertificateAnalysis
import Analysis
import Diagnosis

/// `--ca-bundle` with a private CA: the samples' chains verify against their own CA, judged at capture time.
@Suite struct TrustStoreUseTests {
    /// A PEM bundle holding the intermediate CA that the sample servers send (the samples' private root is
    /// not in any capture, so the intermediate serves as the trust anchor).
    static func privateBundle() throws -> TrustStore {
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent("tls12-ok.pcap"))
        let chain = try #require(report.connections.first?.certificates)
        let intermediate = try #require(chain.first { $0.isCA })
        let pem = "-----BEGIN CERTIFICATE-----\n"
            + Data(intermediate.der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END CERTIFICATE-----\n"
        return try TrustStore(pemBundle: Array(pem.utf8), source: "private-ca.pem")
    }

    @Test func privateCAMakesTheSampleChainTrusted() throws {
        let store = try Self.privateBundle()
        #expect(store.rootCount == 1)
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent("tls12-ok.pcap"),
                                                 trustStore: store)
        #expect(report.trustSource == "private-ca.pem")
        let connection = try #require(report.connections.first)
        guard case .trusted = connection.trust else {
            Issue.record("expected a trusted chain, got \(String(describing: connection.trust))")
            return
        }
        #expect(connection.cause == .ok)
    }

    @Test func expiredLeafIsJudgedAtCaptureTimeNotToday() throws {
        let store = try Self.privateBundle()
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent("certificate-expired.pcap"),
                                                 trustStore: store)
        let connection = try #require(report.connections.first)
        #expect(connection.cause == .certificateExpired)
        let leaf = try #require(connection.certificates.first)
        #expect(leaf.notAfter < connection.firstPacket)
        #expect(connection.explanation.contains(leaf.notAfter.date))
    }

    @Test func withoutABundleTrustIsNotJudged() throws {
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent("tls12-ok.pcap"))
        #expect(report.trustSource == nil)
        #expect(report.connections.first?.trust == nil)
    }
}
