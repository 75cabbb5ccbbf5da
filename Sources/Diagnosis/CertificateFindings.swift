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
    /// When the certificates were seen: validity is judged then, not today.
    public var captureTime: Timestamp
    public var trust: TrustVerdict?
    /// A TLS-terminating proxy or inspection product named by the issuer.
    public var interceptionProduct: String?

    public var leaf: CertificateSummary? { summaries.first }

    // Worked out when asked (a few times per report with certificates): stored, two optional summaries made
    // every connection's findings, with certificates or without, several hundred bytes larger.

    /// The first certificate not valid at capture time: expired.
    public var expired: CertificateSummary? { summaries.first { $0.notAfter < captureTime } }

    /// The first certificate not valid yet at capture time.
    public var notYetValid: CertificateSummary? { summaries.first { captureTime < $0.notBefore } }

    /// Certificates that expire within 14 days of the capture.
    public var expiringSoon: [CertificateSummary] {
        let soon = Timestamp(seconds: captureTime.seconds + 14 * 86_400, nanoseconds: 0)
        return summaries.filter { captureTime <= $0.notAfter && $0.notAfter < soon }
    }

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

    /// How the served chain departs from RFC 8446 §4.4.2 / RFC 5246 §7.4.2 (leaf first, each certificate
    /// certifying the one before, the root omitted), for the connection's warnings.
    /// Problems the cause already explains are left out.
    public func chainWarnings(explainedBy cause: Cause) -> [String] {
        (chain?.problems ?? []).compactMap { problem in
            switch problem {
            case .missingIssuer(let issuer, let issuedTo):
                cause == .incompleteChain ? nil : "the chain lacks the certificate of \(issuer), which issued \(issuedTo)"
            case .selfSignedLeaf:
                cause == .unknownCA ? nil : "the server's certificate is self-signed"
            case .rootSent(let subject):
                "the server also sends the root \(subject): harmless, but clients never need it"
            case .wrongOrder:
                "the chain is out of order: each certificate should be followed by its issuer"
            case .caCertificateAsLeaf:
                "the first certificate is a CA certificate, not the server's own (wrong file in the server's configuration?)"
            case .unrelatedCertificates(let count):
                "the server sends \(count) certificate\(count == 1 ? "" : "s") that are not part of its chain"
            }
        }
    }
}

// Out here, so that the memberwise initializer exists: `noCertificatesAt` made its value with an initializer of
// its own, which was copied whole into `self` and freed (a few hundred instructions per connection without
// certificates, most of them).
extension CertificateFindings {
    public init(summaries: [CertificateSummary], unreadable: [String], sni: String?,
                captureTime: Timestamp, trust: TrustVerdict?) {
        self.summaries = summaries
        self.unreadable = unreadable
        self.trust = trust
        self.captureTime = captureTime
        guard let leaf = summaries.first else {
            chain = nil
            hostname = nil
            interceptionProduct = nil
            return
        }
        chain = ChainAnalysis(served: summaries)
        hostname = sni.map { HostnameMatcher.match(hostname: $0, certificate: leaf) }
        interceptionProduct = summaries.lazy.compactMap { InterceptionProducts.product(issuing: $0) }.first
    }

    /// No certificate seen (most connections: TLS 1.3 encrypts it).
    public init(noCertificatesAt captureTime: Timestamp) {
        self.init(summaries: [], unreadable: [], chain: nil, hostname: nil, captureTime: captureTime, trust: nil,
                  interceptionProduct: nil)
    }
}
