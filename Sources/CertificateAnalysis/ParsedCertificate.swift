import SwiftASN1
import WireFormat
import X509

/// The parts of one DER certificate this module needs, read with swift-asn1 and swift-certificates' public types.
///
/// It walks the outer structure itself (RFC 5280 §4.1) rather than calling `Certificate(derEncoded:)`, because that
/// initializer refuses the whole certificate when the key or signature algorithm is one swift-certificates cannot
/// verify (RSA-PSS, DSA, Ed448, brainpool curves...): a report still wants that certificate's names and dates.
/// Every field is decoded by the libraries' own types (`DistinguishedName`, `Certificate.Extension`,
/// `Certificate.PublicKey`, `UTCTime`, `GeneralizedTime`).
struct ParsedCertificate: Sendable {
    /// The signed bytes (TBSCertificate as encoded), the outer signature algorithm and the signature's bits.
    var tbsBytes: ArraySlice<UInt8>
    var signatureAlgorithm: ASN1ObjectIdentifier
    var signature: ArraySlice<UInt8>
    var issuer: DistinguishedName
    var subject: DistinguishedName
    var notBefore: Timestamp
    var notAfter: Timestamp
    /// SubjectPublicKeyInfo as encoded, to recognise the same key in two certificates.
    var subjectPublicKeyInfo: ArraySlice<UInt8>
    var keyAlgorithm: ASN1ObjectIdentifier
    /// Nil when swift-certificates does not support the key's algorithm (or curve).
    var publicKey: Certificate.PublicKey?
    var extensions: [Certificate.Extension]

    init(der: [UInt8]) throws {
        // Strict DER first; BER (indefinite or non-minimal lengths) as some old CAs produced, which OpenSSL reads.
        let root: ASN1Node
        do { root = try DER.parse(der) } catch { root = try BER.parse(der) }
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
        self = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next(), let algorithmNode = nodes.next(), let signatureNode = nodes.next() else {
                throw ASN1Error.invalidASN1Object(reason: "a certificate has three parts")
            }
            let algorithm = try Self.algorithm(algorithmNode)
            let signature = try ASN1BitString(derEncoded: signatureNode).bytes
            return try Self(tbs: tbsNode, signatureAlgorithm: algorithm, signature: signature)
        }
    }

    /// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber, signature, issuer, validity,
    ///   subject, subjectPublicKeyInfo, issuerUniqueID [1] OPTIONAL, subjectUniqueID [2] OPTIONAL,
    ///   extensions [3] EXPLICIT OPTIONAL }
    private init(tbs: ASN1Node, signatureAlgorithm: ASN1ObjectIdentifier, signature: ArraySlice<UInt8>) throws {
        self = try DER.sequence(tbs, identifier: .sequence) { nodes in
            let version = try DER.decodeDefaultExplicitlyTagged(
                &nodes, tagNumber: 0, tagClass: .contextSpecific, defaultValue: Int(0))
            guard (0...2).contains(version) else {
                throw ASN1Error.invalidASN1Object(reason: "X.509 version \(version)")
            }
            guard nodes.next() != nil, nodes.next() != nil,  // serialNumber, signature (repeated outside)
                let issuerNode = nodes.next(), let validityNode = nodes.next(),
                let subjectNode = nodes.next(), let keyNode = nodes.next()
            else { throw ASN1Error.invalidASN1Object(reason: "TBSCertificate is missing fields") }
            let issuer = try DistinguishedName(derEncoded: issuerNode)
            // Validity ::= SEQUENCE { notBefore Time, notAfter Time }
            let (notBefore, notAfter) = try DER.sequence(validityNode, identifier: .sequence) { times in
                guard let first = times.next(), let second = times.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "Validity has two times")
                }
                return (try Self.timestamp(first), try Self.timestamp(second))
            }
            let subject = try DistinguishedName(derEncoded: subjectNode)
            // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
            let keyAlgorithm = try DER.sequence(keyNode, identifier: .sequence) { parts in
                guard let algorithmNode = parts.next(), parts.next() != nil else {
                    throw ASN1Error.invalidASN1Object(reason: "SubjectPublicKeyInfo has two parts")
                }
                return try Self.algorithm(algorithmNode)
            }
            var extensions: [Certificate.Extension] = []
            while let node = nodes.next() {
                // The unique identifiers ([1], [2]) are obsolete; only [3] is read.
                guard node.identifier == ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific) else { continue }
                extensions = try DER.explicitlyTagged(node, tagNumber: 3, tagClass: .contextSpecific) {
                    try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: $0)
                }
            }
            return ParsedCertificate(
                tbsBytes: tbs.encodedBytes, signatureAlgorithm: signatureAlgorithm, signature: signature,
                issuer: issuer, subject: subject, notBefore: notBefore, notAfter: notAfter,
                subjectPublicKeyInfo: keyNode.encodedBytes, keyAlgorithm: keyAlgorithm,
                publicKey: try? Certificate.PublicKey(derEncoded: keyNode), extensions: extensions)
        }
    }

    private init(tbsBytes: ArraySlice<UInt8>, signatureAlgorithm: ASN1ObjectIdentifier, signature: ArraySlice<UInt8>,
                 issuer: DistinguishedName, subject: DistinguishedName, notBefore: Timestamp, notAfter: Timestamp,
                 subjectPublicKeyInfo: ArraySlice<UInt8>, keyAlgorithm: ASN1ObjectIdentifier,
                 publicKey: Certificate.PublicKey?, extensions: [Certificate.Extension]) {
        self.tbsBytes = tbsBytes
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
        self.issuer = issuer
        self.subject = subject
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.subjectPublicKeyInfo = subjectPublicKeyInfo
        self.keyAlgorithm = keyAlgorithm
        self.publicKey = publicKey
        self.extensions = extensions
    }

    /// The first extension with `oid` (RFC 5280 §4.2 allows one of each; later duplicates are ignored).
    func `extension`(_ oid: ASN1ObjectIdentifier) -> Certificate.Extension? {
        extensions.first { $0.oid == oid }
    }

    /// AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
    private static func algorithm(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try DER.sequence(node, identifier: .sequence) { parts in
            let oid = try ASN1ObjectIdentifier(derEncoded: &parts)
            _ = parts.next()  // parameters: not needed to pick the algorithm
            return oid
        }
    }

    /// Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }; UTCTime covers 1950-2049 (RFC 5280 §4.1.2.5).
    private static func timestamp(_ node: ASN1Node) throws -> Timestamp {
        switch node.identifier {
        case UTCTime.defaultIdentifier:
            let t = try UTCTime(derEncoded: node)
            return civilTimestamp(year: t.year, month: t.month, day: t.day, hours: t.hours,
                                  minutes: t.minutes, seconds: t.seconds)
        case GeneralizedTime.defaultIdentifier:
            let t = try GeneralizedTime(derEncoded: node)
            return civilTimestamp(year: t.year, month: t.month, day: t.day, hours: t.hours,
                                  minutes: t.minutes, seconds: t.seconds)
        default:
            throw ASN1Error.unexpectedFieldType(node.identifier)
        }
    }
}

/// Epoch seconds of a UTC civil time (Howard Hinnant's days-from-civil), valid for any year swift-asn1 accepts
/// (0...9999), so dates before 1970 come out negative instead of trapping.
func civilTimestamp(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) -> Timestamp {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let m = Int64(month)
    let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    return Timestamp(seconds: days * 86_400 + Int64(hours) * 3600 + Int64(minutes) * 60 + Int64(seconds),
                     nanoseconds: 0)
}
