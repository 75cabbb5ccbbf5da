import WireFormat

/// Finds fields of a DER certificate by walking its tag-length-value outline, without decoding them: loading a
/// trust store needs only each root's subject name (RFC 5280 §4.1).
///
///     Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }
///     TBSCertificate ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, serialNumber INTEGER, signature,
///       issuer Name, validity, subject Name, subjectPublicKeyInfo, ... }
///
/// Only one-byte tags and definite, minimally encoded lengths are accepted, with nothing after the certificate:
/// anything else (BER from old CAs) returns nil and is left to the full parser.
enum CertificateOutline {
    /// The subject Name as encoded (tag and length included).
    static func subject(of der: [UInt8]) -> ArraySlice<UInt8>? {
        var whole = ByteCursor(der)
        guard let certificate = contents(0x30, from: &whole), whole.isEmpty else { return nil }
        var parts = ByteCursor(certificate)
        guard let tbs = contents(0x30, from: &parts), contents(0x30, from: &parts) != nil,
            contents(0x03, from: &parts) != nil, parts.isEmpty
        else { return nil }
        var fields = ByteCursor(tbs)
        if fields.peekInteger(as: UInt8.self) == 0xA0 { _ = contents(0xA0, from: &fields) }
        guard contents(0x02, from: &fields) != nil,  // serialNumber
            contents(0x30, from: &fields) != nil,      // signature
            contents(0x30, from: &fields) != nil,      // issuer
            contents(0x30, from: &fields) != nil       // validity
        else { return nil }
        let start = fields.readableSlice.startIndex
        guard contents(0x30, from: &fields) != nil else { return nil }
        let subject = tbs[start..<fields.readableSlice.startIndex]
        guard contents(0x30, from: &fields) != nil else { return nil }  // subjectPublicKeyInfo
        return subject
    }

    /// The contents of one element with tag `tag` (X.690 §8.1), or nil and the cursor untouched.
    static func contents(_ tag: UInt8, from cursor: inout ByteCursor) -> ArraySlice<UInt8>? {
        var copy = cursor
        guard copy.readInteger(as: UInt8.self) == tag, let first = copy.readInteger(as: UInt8.self) else { return nil }
        var length = Int(first)
        if first >= 0x80 {
            // Long form: 1...4 length bytes (0x80 alone is BER's indefinite length), no leading zero byte,
            // and only for lengths the short form cannot hold (X.690 §10.1).
            let count = Int(first & 0x7F)
            guard (1...4).contains(count) else { return nil }
            length = 0
            for _ in 0..<count {
                guard let byte = copy.readInteger(as: UInt8.self) else { return nil }
                length = length << 8 | Int(byte)
            }
            guard length >= 0x80, length >> (8 * (count - 1)) != 0 else { return nil }
        }
        guard let contents = copy.readSlice(length: length) else { return nil }
        cursor = copy
        return contents
    }
}
