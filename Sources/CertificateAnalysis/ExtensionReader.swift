import SwiftASN1
import X509

/// Reads the four extensions a summary needs with swift-certificates; when it refuses a quirk real CAs produced
/// (an explicit `cA FALSE`, which DER forbids; non-ASCII bytes in a dNSName), reads the value again leniently from
/// swift-asn1's BER nodes. An extension unreadable either way counts as absent, as OpenSSL's X509_get_ext_d2i
/// treats it.
enum ExtensionReader {
    /// subjectAltName: dNSName [2] and iPAddress [7] entries (RFC 5280 §4.2.1.6).
    static func subjectAltNames(_ ext: Certificate.Extension) -> (dnsNames: [String], ipAddresses: [String]) {
        var dns: [String] = []
        var ips: [String] = []
        if let names = try? SubjectAlternativeNames(ext) {
            for name in names {
                switch name {
                case .dnsName(let text): dns.append(text)
                case .ipAddress(let octets): ips.append(IPAddressText.format(octets.bytes))
                default: break
                }
            }
            return (dns, ips)
        }
        // GeneralNames ::= SEQUENCE OF GeneralName; dNSName [2] IA5String, iPAddress [7] OCTET STRING (implicit).
        guard let root = try? BER.parse(ext.value), root.identifier == .sequence,
            case .constructed(let names) = root.content
        else { return ([], []) }
        for node in names where node.identifier.tagClass == .contextSpecific {
            guard case .primitive(let bytes) = node.content else { continue }
            switch node.identifier.tagNumber {
            case 2: dns.append(String(decoding: bytes, as: UTF8.self))
            case 7: ips.append(IPAddressText.format(bytes))
            default: continue
            }
        }
        return (dns, ips)
    }

    /// basicConstraints cA (RFC 5280 §4.2.1.9): SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint OPTIONAL }.
    static func isCA(_ ext: Certificate.Extension) -> Bool {
        if let constraints = try? BasicConstraints(ext) {
            if case .isCertificateAuthority = constraints { return true }
            return false
        }
        guard let root = try? BER.parse(ext.value), root.identifier == .sequence,
            case .constructed(let fields) = root.content,
            let first = fields.first(where: { _ in true }), first.identifier == .boolean
        else { return false }
        return (try? Bool(berEncoded: first)) ?? false
    }

    /// subjectKeyIdentifier: an OCTET STRING (RFC 5280 §4.2.1.2).
    static func subjectKeyIdentifier(_ ext: Certificate.Extension) -> [UInt8]? {
        if let ski = try? SubjectKeyIdentifier(ext) { return Array(ski.keyIdentifier) }
        guard let root = try? BER.parse(ext.value) else { return nil }
        return (try? ASN1OctetString(berEncoded: root)).map { Array($0.bytes) }
    }

    /// authorityKeyIdentifier: SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... } (§4.2.1.1).
    static func authorityKeyIdentifier(_ ext: Certificate.Extension) -> [UInt8]? {
        if let aki = try? AuthorityKeyIdentifier(ext) { return aki.keyIdentifier.map { Array($0) } }
        guard let root = try? BER.parse(ext.value), root.identifier == .sequence,
            case .constructed(let fields) = root.content
        else { return nil }
        for node in fields where node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            if case .primitive(let bytes) = node.content { return Array(bytes) }
        }
        return nil
    }
}
