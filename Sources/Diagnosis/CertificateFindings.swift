import WireFormat
import CertificateAnalysis

/// What the served certificates say, judged at the capture's time (not today).
public struct CertificateFindings: Sendable {
    public var summaries: [CertificateSummary]
    /// Certificates that did not parse (`certificate 2: not a DER certificate`).
    public var unreadable: [String]
    public var chain: ChainAnalysis?
    /// nil when there was no name to check (no SNI) or no certificate.
    public var hostname: HostnameMatch?
    /// The first certificate not valid at capture time.
    public var expired: CertificateSummary?
    public var notYetValid: CertificateSummary?
    /// Certificates that expire within 14 days of the capture.
    public var expiringSoon: [CertificateSummary]
    public var trust: TrustVerdict?
    /// A TLS-terminating proxy or inspection product named by the issuer.
    public var interceptionProduct: String?

    public init(summaries: [CertificateSummary], unreadable: [String], sni: String?, serverAddress: String,
                captureTime: Timestamp, trust: TrustVerdict?) {
        self.summaries = summaries
        self.unreadable = unreadable
        self.trust = trust
        self.chain = summaries.isEmpty ? nil : ChainAnalysis(served: summaries)
        if let leaf = summaries.first {
            hostname = sni.map { HostnameMatcher.match(hostname: $0, certificate: leaf) }
            interceptionProduct = summaries.lazy.compactMap { InterceptionProducts.product(issuing: $0) }.first
        }
        expired = summaries.first { $0.notAfter < captureTime }
        notYetValid = summaries.first { captureTime < $0.notBefore }
        let soon = Timestamp(seconds: captureTime.seconds + 14 * 86_400, nanoseconds: 0)
        expiringSoon = summaries.filter { captureTime <= $0.notAfter && $0.notAfter < soon }
        _ = serverAddress
    }

    public var leaf: CertificateSummary? { summaries.first }

    /// The issuer the served chain lacks, judged from the chain alone (no trust store).
    public var structuralMissingIssuer: String? {
        for problem in chain?.problems ?? [] {
            if case .missingIssuer(let issuer, _) = problem { return issuer }
        }
        return nil
    }

    /// The issuer the served chain lacks, when the leaf (or an intermediate) points to one that was not sent.
    public var missingIssuer: String? {
        if case .incompleteChain(let missing) = trust { return missing }
        for problem in chain?.problems ?? [] {
            if case .missingIssuer(let issuer, _) = problem { return issuer }
        }
        return nil
    }

    public var selfSignedLeaf: Bool { leaf?.isSelfSigned ?? false }

    /// The root the chain ends at when it is not trusted (from the trust store, or a self-signed leaf).
    public var untrustedRoot: String? {
        if case .unknownCA(let root) = trust { return root }
        if trust == nil, let leaf, leaf.isSelfSigned { return leaf.subject }
        return nil
    }

    public var hostnameMismatch: [String]? {
        if case .mismatch(let presented) = hostname { return presented }
        return nil
    }

    public var commonNameOnly: String? {
        if case .commonNameOnly(let name) = hostname { return name }
        return nil
    }

    /// Names the leaf covers, for explanations.
    public var leafNames: [String] {
        guard let leaf else { return [] }
        let names = leaf.dnsNames + leaf.ipAddresses
        return names.isEmpty ? leaf.subjectCommonName.map { [$0] } ?? [] : names
    }
}
