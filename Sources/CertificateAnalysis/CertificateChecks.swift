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
    /// See `HostnameRules` for the exact rules (RFC 9525 wildcards, CN only without dNSName SANs, IP literals).
    public static func match(hostname: String, certificate: CertificateSummary) -> HostnameMatch {
        HostnameRules.match(hostname: hostname, certificate: certificate)
    }
}

/// What is wrong with the order and completeness of a served chain (leaf first, as sent).
public struct ChainAnalysis: Sendable, Hashable {
    public enum Problem: Sendable, Hashable {
        /// The leaf's (or an intermediate's) issuer was not sent and the chain does not end at a self-signed cert.
        /// Omitting the root is correct (RFC 8446 §4.4.2), so: with a trust store, reported unless a trusted root
        /// issued the last certificate; without one, reported only when no intermediate was sent at all.
        case missingIssuer(issuer: String, issuedTo: String)
        case selfSignedLeaf
        /// A self-signed root was sent (harmless but needless).
        case rootSent(subject: String)
        /// Certificates after the leaf are not each the issuer of the one before.
        case wrongOrder
        /// The first certificate is a CA certificate, not an end-entity one (a lone self-signed certificate
        /// with cA=TRUE, as `openssl req -x509` makes, is reported as `selfSignedLeaf` only).
        case caCertificateAsLeaf
        /// Certificates that are not part of the leaf's chain.
        case unrelatedCertificates(count: Int)
    }
    /// The served certificates ordered leaf → root by issuer/subject and key identifiers; certificates that are
    /// not part of the leaf's chain follow, in the order they were sent. The leaf is the first certificate sent,
    /// unless that one issued (directly or not) a later certificate that issued nothing: then that later one.
    public var ordered: [CertificateSummary]
    public var problems: [Problem]

    public init(served: [CertificateSummary]) {
        self.init(served: served, trustStore: nil)
    }

    /// Like `init(served:)`, and with a trust store a missing issuer that is a trusted root is not a problem.
    public init(served: [CertificateSummary], trustStore: TrustStore?) {
        (self.ordered, self.problems) = ChainOrdering.analyze(served: served, trustStore: trustStore)
    }
}

/// The result of checking a chain against trusted roots at the capture's time.
public enum TrustVerdict: Sendable, Hashable {
    /// A path reached a trusted certificate (usually a root); `root` is its subject.
    case trusted(root: String)
    /// The chain ends at a root not in the store (self-signed included); `root` names where it ends: the subject
    /// of the last certificate reached, self-signed or a sent intermediate whose issuer is not trusted.
    case unknownCA(root: String)
    /// It would verify with an intermediate that was not sent; `missing` names it. Decided from the leaf alone:
    /// its issuer (the DN in `missing`) was neither sent nor trusted, and the leaf is not self-signed.
    case incompleteChain(missing: String)
    /// A certificate in the chain is not valid at the capture time.
    case expired(subject: String, notAfter: Timestamp)
    case notYetValid(subject: String, notBefore: Timestamp)
    /// Could not decide (e.g. signature algorithm not supported); `reason` says why.
    case undetermined(reason: String)
}

/// TLS-terminating proxies, CDNs and inspection products, recognized by issuer names.
///
/// Only CAs that identify a product are listed: a CDN or load balancer whose certificates come from a public CA
/// (Cloudflare, Fastly and Akamai often use Let's Encrypt, Google Trust Services, DigiCert or GlobalSign) cannot be
/// recognized from the issuer, and public CAs themselves (Google Trust Services, Let's Encrypt) are not proxies.
public enum InterceptionProducts {
    /// One product and the substrings (case-insensitive) that identify it in an issuer's O, OU or CN.
    public struct Entry: Sendable, Hashable {
        public var product: String
        public var issuerSubstrings: [String]
        public init(product: String, issuerSubstrings: [String]) {
            self.product = product
            self.issuerSubstrings = issuerSubstrings
        }
    }

    /// The built-in table, first match wins; see InterceptionTable.swift.
    public static var known: [Entry] { InterceptionTable.entries }

    /// The product's name when `certificate`'s issuer (or the chain's root) belongs to one (`"Zscaler"`).
    public static func product(issuing certificate: CertificateSummary) -> String? {
        product(issuing: certificate, table: InterceptionTable.entries)
    }

    /// Like `product(issuing:)` with a caller's table (for example `known` plus local products).
    public static func product(issuing certificate: CertificateSummary, table: [Entry]) -> String? {
        let values = NameText.values(of: ["O", "OU", "CN"], in: certificate.issuer).map { Array($0.lowercased().utf8) }
        for entry in table {
            for needle in entry.issuerSubstrings {
                let bytes = Array(needle.lowercased().utf8)
                if values.contains(where: { $0.containsBytes(bytes) }) { return entry.product }
            }
        }
        return nil
    }

    /// The first product found among the issuers of a served chain (leaf first), e.g. a proxy's root sent last.
    public static func product(issuingChain chain: [CertificateSummary]) -> String? {
        for certificate in chain {
            if let product = product(issuing: certificate) { return product }
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in these bytes (UTF-8 substring search; `String.contains` compares by Character,
    /// which made the interception table the slowest part of judging a chain).
    fileprivate func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            var offset = 1
            while offset < needle.count, self[start + offset] == needle[offset] { offset += 1 }
            if offset == needle.count { return true }
        }
        return false
    }
}
