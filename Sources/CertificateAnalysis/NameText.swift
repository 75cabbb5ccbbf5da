import SwiftASN1
import X509

/// Text forms of distinguished names.
enum NameText {
    /// RFC 4514 order (most specific RDN first, as `openssl x509 -nameopt RFC2253` and the stub's example print it),
    /// joined with ", ". Values are escaped by swift-certificates (`,+"\<>;`, leading `#`/space, trailing space);
    /// control and bidi characters are further escaped as UTF-8 hex pairs so a hostile name cannot drive a terminal.
    static func rfc4514(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { attribute in
                let key = extraAttributeNames[attribute.type].map { "\($0)=" }
                let text = key.map { $0 + String(describing: attribute.value) } ?? String(describing: attribute)
                return escapingControls(text)
            }.joined(separator: "+")
        }.joined(separator: ", ")
    }

    /// Short names swift-certificates prints as dotted OIDs (it knows CN, C, L, ST, O, OU, STREET, DC, E).
    private static let extraAttributeNames: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 4]: "SN",
        [2, 5, 4, 5]: "serialNumber",
        [2, 5, 4, 12]: "title",
        [2, 5, 4, 15]: "businessCategory",
        [2, 5, 4, 17]: "postalCode",
        [2, 5, 4, 42]: "GN",
        [2, 5, 4, 46]: "dnQualifier",
        [2, 5, 4, 97]: "organizationIdentifier",
        [0, 9, 2342, 19200300, 100, 1, 1]: "UID",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1]: "jurisdictionL",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2]: "jurisdictionST",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3]: "jurisdictionC",
    ]

    /// The most specific (last in DER order) attribute of `type`, as OpenSSL picks the CN for host checks.
    static func lastValue(of type: ASN1ObjectIdentifier, in name: DistinguishedName) -> String? {
        var found: String?
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                found = String(attribute.value) ?? String(describing: attribute.value)
            }
        }
        return found
    }

    /// The key two names are compared by: the RFC 4514 text with ASCII letters folded (RFC 5280 §7.1 asks for
    /// case-insensitive comparison; comparing text also ignores PrintableString vs UTF8String differences).
    static func comparisonKey(_ text: String) -> String {
        asciiLowercased(text)
    }

    static func asciiLowercased<S: StringProtocol>(_ text: S) -> String {
        String(decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    private static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                for byte in String(scalar).utf8 { out += "\\" + hex(byte).uppercased() }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Values of the attributes named `types` (e.g. `O`, `CN`) in an RFC 4514 string this module produced,
    /// unescaped. A light splitter: it honours `\` escapes and the `,` and `+` separators.
    static func values(of types: Set<String>, in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var escaped = false
        func finish() {
            let attribute = current.drop { $0 == " " }
            if let equals = attribute.firstIndex(of: "="), types.contains(String(attribute[..<equals])) {
                result.append(String(attribute[attribute.index(after: equals)...]))
            }
            current = ""
        }
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," || character == "+" {
                finish()
            } else {
                current.append(character)
            }
        }
        finish()
        return result
    }
}

func hex(_ byte: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}

func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    var out = ""
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes { out += hex(byte) }
    return out
}
