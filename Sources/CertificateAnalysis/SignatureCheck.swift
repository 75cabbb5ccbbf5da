import SwiftASN1
import X509

/// Whether one certificate's signature verifies with a candidate issuer's key.
enum SignatureCheck: Sendable, Hashable {
    case valid
    case invalid
    /// swift-certificates cannot check it; the text says which algorithm ("... is not supported").
    case unsupported(String)
}

extension ParsedCertificate {
    /// Checks this certificate's signature with `issuer`'s public key (swift-certificates' raw-bytes API, so a
    /// certificate whose own key is unsupported can still be checked against a supported issuer).
    func signatureCheck(issuedBy issuer: ParsedCertificate) -> SignatureCheck {
        guard let algorithm = Self.supportedSignatureAlgorithms[signatureAlgorithm] else {
            return .unsupported("signature algorithm \(Self.algorithmName(signatureAlgorithm)) is not supported")
        }
        guard let key = issuer.publicKey else {
            if let bits = issuer.rsaModulusBits, bits < 2048 {
                return .unsupported("RSA-\(bits) keys are not supported (swift-crypto needs 2048 bits or more)")
            }
            return .unsupported("public key algorithm \(Self.algorithmName(issuer.keyAlgorithm)) is not supported")
        }
        return key.isValidSignature(signature, for: tbsBytes, signatureAlgorithm: algorithm) ? .valid : .invalid
    }

    /// The modulus size of an RSA key, to explain why swift-crypto refused it.
    /// SubjectPublicKeyInfo's key is RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
    var rsaModulusBits: Int? {
        guard keyAlgorithm == [1, 2, 840, 113549, 1, 1, 1], let spki = try? DER.parse(subjectPublicKeyInfo) else {
            return nil
        }
        return try? DER.sequence(spki, identifier: .sequence) { parts in
            guard parts.next() != nil, let keyNode = parts.next() else { throw ASN1Error.invalidASN1Object(reason: "SPKI") }
            let key = try DER.parse(ASN1BitString(derEncoded: keyNode).bytes)
            return try DER.sequence(key, identifier: .sequence) { numbers in
                let modulus = try ArraySlice<UInt8>(derEncoded: &numbers)
                _ = numbers.next()
                let significant = modulus.drop { $0 == 0 }
                guard let first = significant.first else { return 0 }
                return significant.count * 8 - first.leadingZeroBitCount
            }
        }
    }

    /// The signature algorithms swift-certificates 1.21 verifies, by OID (RSA parameters NULL or absent alike).
    static let supportedSignatureAlgorithms: [ASN1ObjectIdentifier: Certificate.SignatureAlgorithm] = [
        [1, 2, 840, 10045, 4, 3, 2]: .ecdsaWithSHA256,
        [1, 2, 840, 10045, 4, 3, 3]: .ecdsaWithSHA384,
        [1, 2, 840, 10045, 4, 3, 4]: .ecdsaWithSHA512,
        [1, 2, 840, 113549, 1, 1, 5]: .sha1WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 11]: .sha256WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 12]: .sha384WithRSAEncryption,
        [1, 2, 840, 113549, 1, 1, 13]: .sha512WithRSAEncryption,
        [1, 3, 101, 112]: .ed25519,
    ]

    /// Readable names for algorithms a report may have to mention; others print as dotted OIDs.
    static func algorithmName(_ oid: ASN1ObjectIdentifier) -> String {
        let names: [ASN1ObjectIdentifier: String] = [
            [1, 2, 840, 113549, 1, 1, 1]: "RSA",
            [1, 2, 840, 113549, 1, 1, 4]: "md5WithRSAEncryption",
            [1, 2, 840, 113549, 1, 1, 10]: "RSA-PSS",
            [1, 2, 840, 113549, 1, 1, 14]: "sha224WithRSAEncryption",
            [1, 2, 840, 10045, 2, 1]: "EC (unsupported curve)",
            [1, 2, 840, 10045, 4, 1]: "ecdsa-with-SHA1",
            [1, 2, 840, 10045, 4, 3, 1]: "ecdsa-with-SHA224",
            [1, 2, 840, 10040, 4, 1]: "DSA",
            [1, 2, 840, 10040, 4, 3]: "dsa-with-SHA1",
            [2, 16, 840, 1, 101, 3, 4, 3, 2]: "dsa-with-SHA256",
            [1, 3, 101, 113]: "Ed448",
            [1, 2, 643, 7, 1, 1, 1, 1]: "GOST R 34.10-2012 256",
            [1, 2, 156, 10197, 1, 501]: "SM2-with-SM3",
        ]
        return names[oid] ?? oid.description
    }
}
