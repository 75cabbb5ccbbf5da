import WireFormat

/// What a report needs of one X.509 certificate, read with swift-certificates.
public struct CertificateSummary: Sendable, Hashable {
    /// RFC 4514 string, most specific first as OpenSSL prints it (`CN=api.example.test, O=Example`).
    public var subject: String
    public var issuer: String
    public var subjectCommonName: String?
    public var issuerCommonName: String?
    public var notBefore: Timestamp
    public var notAfter: Timestamp
    /// subjectAltName dNSName entries, exactly as in the certificate (untrusted text).
    public var dnsNames: [String]
    /// subjectAltName iPAddress entries as text.
    public var ipAddresses: [String]
    /// Subject equals issuer and the signature verifies with its own key.
    public var isSelfSigned: Bool
    /// basicConstraints cA=TRUE.
    public var isCA: Bool
    public var subjectKeyIdentifier: [UInt8]?
    public var authorityKeyIdentifier: [UInt8]?
    /// SHA-256 of the DER, lower-case hex without separators.
    public var sha256: String
    public var der: [UInt8]

    public init(subject: String, issuer: String, subjectCommonName: String?, issuerCommonName: String?,
                notBefore: Timestamp, notAfter: Timestamp, dnsNames: [String], ipAddresses: [String],
                isSelfSigned: Bool, isCA: Bool, subjectKeyIdentifier: [UInt8]?, authorityKeyIdentifier: [UInt8]?,
                sha256: String, der: [UInt8]) {
        self.subject = subject
        self.issuer = issuer
        self.subjectCommonName = subjectCommonName
        self.issuerCommonName = issuerCommonName
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.isSelfSigned = isSelfSigned
        self.isCA = isCA
        self.subjectKeyIdentifier = subjectKeyIdentifier
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.sha256 = sha256
        self.der = der
    }

    /// Parses DER with swift-certificates. Throws `CertificateAnalysisError` for bytes that are not a certificate.
    public init(derEncoded: [UInt8]) throws {
        // Implemented by the certificate stage.
        throw CertificateAnalysisError(code: .notACertificate, detail: "not implemented")
    }
}

/// The one error type of this module.
public struct CertificateAnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let notACertificate = Code(rawValue: "not a DER certificate")
        public static let unreadableBundle = Code(rawValue: "unreadable CA bundle")
    }
    public var code: Code
    public var detail: String
    public init(code: Code, detail: String) { self.code = code; self.detail = detail }
    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}
