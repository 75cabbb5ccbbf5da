import Crypto
import WireFormat
import X509

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
        let parsed: ParsedCertificate
        do {
            parsed = try ParsedCertificate(der: derEncoded)
        } catch {
            throw CertificateAnalysisError(code: .notACertificate,
                                           detail: "\(derEncoded.count) bytes: \(Self.readable(error))")
        }
        self.init(parsed: parsed, der: derEncoded)
    }

    /// `verifyingSelfSignature: false` (trust-store anchors, trusted by configuration) decides `isSelfSigned` by
    /// names alone: verifying ~140 roots' own signatures at start cost more than analyzing most captures.
    init(parsed: ParsedCertificate, der: [UInt8], verifyingSelfSignature: Bool = true) {
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        if let ext = parsed.extension(.X509ExtensionID.subjectAlternativeName) {
            (dnsNames, ipAddresses) = ExtensionReader.subjectAltNames(ext)
        }
        let isCA = parsed.extension(.X509ExtensionID.basicConstraints).map(ExtensionReader.isCA) ?? false
        let subjectKeyIdentifier = parsed.extension(.X509ExtensionID.subjectKeyIdentifier)
            .flatMap(ExtensionReader.subjectKeyIdentifier)
        let authorityKeyIdentifier = parsed.extension(.X509ExtensionID.authorityKeyIdentifier)
            .flatMap(ExtensionReader.authorityKeyIdentifier)
        let subject = NameText.rfc4514(parsed.subject)
        let issuer = NameText.rfc4514(parsed.issuer)
        self.init(
            subject: subject, issuer: issuer,
            subjectCommonName: NameText.lastValue(of: .RDNAttributeType.commonName, in: parsed.subject),
            issuerCommonName: NameText.lastValue(of: .RDNAttributeType.commonName, in: parsed.issuer),
            notBefore: parsed.notBefore, notAfter: parsed.notAfter,
            dnsNames: dnsNames, ipAddresses: ipAddresses,
            isSelfSigned: verifyingSelfSignature
                ? Self.isSelfSigned(parsed, subject: subject, issuer: issuer, subjectKeyIdentifier: subjectKeyIdentifier,
                                    authorityKeyIdentifier: authorityKeyIdentifier)
                : NameText.comparisonKey(subject) == NameText.comparisonKey(issuer),
            isCA: isCA, subjectKeyIdentifier: subjectKeyIdentifier, authorityKeyIdentifier: authorityKeyIdentifier,
            sha256: hex(SHA256.hash(data: der)), der: der)
    }

    /// A library error without its source location (`ASN1Error.truncatedASN1Field: ... File.swift:182`).
    private static func readable(_ error: any Error) -> String {
        var text = Substring(String(describing: error))
        if let space = text.lastIndex(of: " "), text[space...].contains(".swift:") { text = text[..<space] }
        for prefix in ["ASN1Error.", "CertificateError."] where text.hasPrefix(prefix) { text = text.dropFirst(prefix.count) }
        while text.hasSuffix(":") || text.hasSuffix(" ") { text = text.dropLast() }
        return String(text)
    }

    /// Same name on both sides and the signature verifies with the certificate's own key. When swift-certificates
    /// cannot check the algorithm (RSA-PSS, DSA...), matching names plus matching key identifiers are taken as
    /// self-signed (either identifier absent: the names alone decide, as OpenSSL's check_issued does).
    private static func isSelfSigned(_ parsed: ParsedCertificate, subject: String, issuer: String,
                                     subjectKeyIdentifier: [UInt8]?, authorityKeyIdentifier: [UInt8]?) -> Bool {
        guard NameText.comparisonKey(subject) == NameText.comparisonKey(issuer) else { return false }
        switch parsed.signatureCheck(issuedBy: parsed) {
        case .valid: return true
        case .invalid: return false
        case .unsupported:
            guard let ski = subjectKeyIdentifier, let aki = authorityKeyIdentifier else { return true }
            return ski == aki
        }
    }

    /// Whether `issuer` may have issued this certificate by names and key identifiers (no signature check).
    func mayBeIssued(by issuer: CertificateSummary) -> Bool {
        guard NameText.comparisonKey(self.issuer) == NameText.comparisonKey(issuer.subject) else { return false }
        guard let aki = authorityKeyIdentifier, let ski = issuer.subjectKeyIdentifier else { return true }
        return aki == ski
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
