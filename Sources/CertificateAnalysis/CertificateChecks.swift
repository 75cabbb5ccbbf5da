import WireFormat

/// How a certificate covers a requested host name (RFC 6125 / RFC 9525).
public enum HostnameMatch: Sendable, Hashable {
    /// A subjectAltName dNSName (possibly a one-label wildcard) or iPAddress matches.
    case subjectAltName(String)
    /// No SAN at all and the subject CN matches: accepted by OpenSSL, rejected by Go, Chrome and recent Python.
    case commonNameOnly(String)
    /// Nothing matches; `presented` lists the names the certificate does cover.
    case mismatch(presented: [String])
}

public enum HostnameMatcher {
    public static func match(hostname: String, certificate: CertificateSummary) -> HostnameMatch {
        // Implemented by the certificate stage.
        .mismatch(presented: [])
    }
}

/// What is wrong with the order and completeness of a served chain (leaf first, as sent).
public struct ChainAnalysis: Sendable, Hashable {
    public enum Problem: Sendable, Hashable {
        /// The leaf's (or an intermediate's) issuer was not sent and the chain does not end at a self-signed cert.
        case missingIssuer(issuer: String, issuedTo: String)
        case selfSignedLeaf
        /// A self-signed root was sent (harmless but needless).
        case rootSent(subject: String)
        /// Certificates after the leaf are not each the issuer of the one before.
        case wrongOrder
        /// The first certificate is a CA certificate, not an end-entity one.
        case caCertificateAsLeaf
        /// Certificates that are not part of the leaf's chain.
        case unrelatedCertificates(count: Int)
    }
    /// The served certificates ordered leaf → root by issuer/subject and key identifiers.
    public var ordered: [CertificateSummary]
    public var problems: [Problem]

    public init(served: [CertificateSummary]) {
        // Implemented by the certificate stage.
        self.ordered = served
        self.problems = []
    }
}

/// The result of checking a chain against trusted roots at the capture's time.
public enum TrustVerdict: Sendable, Hashable {
    case trusted(root: String)
    /// The chain ends at a root not in the store (self-signed included); `root` names where it ends.
    case unknownCA(root: String)
    /// It would verify with an intermediate that was not sent; `missing` names it.
    case incompleteChain(missing: String)
    /// A certificate in the chain is not valid at the capture time.
    case expired(subject: String, notAfter: Timestamp)
    case notYetValid(subject: String, notBefore: Timestamp)
    /// Could not decide (e.g. signature algorithm not supported); `reason` says why.
    case undetermined(reason: String)
}

/// Trusted roots, from a PEM bundle (the caller reads the file: this module does no I/O).
public struct TrustStore: Sendable {
    /// Where the roots came from, for the report (`/etc/ssl/certs/ca-certificates.crt`).
    public var source: String
    public var rootCount: Int { 0 }

    public init(pemBundle: [UInt8], source: String) throws {
        // Implemented by the certificate stage.
        self.source = source
    }

    /// Verifies `served` (leaf first, as sent) at `time`. Synchronous.
    public func evaluate(served: [CertificateSummary], at time: Timestamp) -> TrustVerdict {
        .undetermined(reason: "not implemented")
    }
}

/// TLS-terminating proxies, CDNs and inspection products, recognized by issuer names.
public enum InterceptionProducts {
    /// The product's name when `certificate`'s issuer (or the chain's root) belongs to one (`"Zscaler"`).
    public static func product(issuing certificate: CertificateSummary) -> String? {
        // Implemented by the certificate stage.
        nil
    }
}
