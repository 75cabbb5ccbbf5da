import SwiftASN1
import X509

/// Text forms of distinguished names.
enum NameText {
    /// RFC 4514 order (most specific RDN first, as `openssl x509 -nameopt RFC2253` and the stub's example print it),
    /// joined with ", ". Values are escaped per RFC 4514 §2.4 (`,+"\<>;`, leading `#`/space, trailing space), and
    /// control and bidi characters as UTF-8 hex pairs too, so a hostile name cannot drive a terminal.
    static func rfc4514(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in
            rdn.map { attribute in
                let key = attributeNames[attribute.type] ?? attribute.type.description
                switch value(attribute.value) {
                case .text(let text): return key + "=" + escaped(text)
                case .der(let bytes): return key + "=#" + hex(bytes)
                }
            }.joined(separator: "+")
        }.joined(separator: ", ")
    }

    /// Short names as OpenSSL and swift-certificates print them; others print as dotted OIDs.
    static let attributeNames: [ASN1ObjectIdentifier: String] = [
        [2, 5, 4, 3]: "CN", [2, 5, 4, 6]: "C", [2, 5, 4, 7]: "L", [2, 5, 4, 8]: "ST", [2, 5, 4, 9]: "STREET",
        [2, 5, 4, 10]: "O", [2, 5, 4, 11]: "OU", [0, 9, 2342, 19200300, 100, 1, 25]: "DC",
        [1, 2, 840, 113549, 1, 9, 1]: "E", [0, 9, 2342, 19200300, 100, 1, 1]: "UID",
        [2, 5, 4, 4]: "SN", [2, 5, 4, 5]: "serialNumber", [2, 5, 4, 12]: "title", [2, 5, 4, 15]: "businessCategory",
        [2, 5, 4, 17]: "postalCode", [2, 5, 4, 42]: "GN", [2, 5, 4, 46]: "dnQualifier",
        [2, 5, 4, 97]: "organizationIdentifier",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 1]: "jurisdictionL",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 2]: "jurisdictionST",
        [1, 3, 6, 1, 4, 1, 311, 60, 2, 1, 3]: "jurisdictionC",
    ]

    enum Value {
        case text(String)
        /// Not a string type: its DER, printed as RFC 4514 `#hex`.
        case der([UInt8])
    }

    /// Printable, UTF8 and IA5 strings as swift-certificates reads them; BMPString (UTF-16), UniversalString (UTF-32)
    /// and TeletexString (read as Latin-1, as OpenSSL does) decoded here, since older CAs use them.
    static func value(_ value: RelativeDistinguishedName.Attribute.Value) -> Value {
        if let text = String(value) { return .text(text) }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(ASN1Any(value))) != nil else { return .der([]) }
        let bytes = serializer.serializedBytes
        guard let node = try? DER.parse(bytes), case .primitive(let content) = node.content,
            node.identifier.tagClass == .universal
        else { return .der(bytes) }
        switch node.identifier.tagNumber {
        case 30 where content.count % 2 == 0:  // BMPString
            let units = stride(from: content.startIndex, to: content.endIndex, by: 2).map {
                UInt16(content[$0]) << 8 | UInt16(content[$0 + 1])
            }
            return .text(String(decoding: units, as: UTF16.self))
        case 28 where content.count % 4 == 0:  // UniversalString
            var text = String.UnicodeScalarView()
            for i in stride(from: content.startIndex, to: content.endIndex, by: 4) {
                let v = content[i..<i + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                text.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            }
            return .text(String(text))
        case 20:  // TeletexString
            return .text(String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) })))
        default:
            return .der(bytes)
        }
    }

    /// The most specific (last in DER order) attribute of `type`, as OpenSSL picks the CN for host checks.
    static func lastValue(of type: ASN1ObjectIdentifier, in name: DistinguishedName) -> String? {
        var found: String?
        for rdn in name {
            for attribute in rdn where attribute.type == type {
                switch value(attribute.value) {
                case .text(let text): found = text
                case .der(let bytes): found = "#" + hex(bytes)
                }
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

    /// RFC 4514 §2.4 escaping, plus control and bidi characters as UTF-8 hex pairs.
    static func escaped(_ text: String) -> String {
        if isPlain(text.utf8) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = ""
        for (i, scalar) in scalars.enumerated() {
            let special = ",+\"\\<>;".unicodeScalars.contains(scalar)
                || (i == 0 && (scalar == " " || scalar == "#")) || (i == scalars.count - 1 && scalar == " ")
            if needsHexEscape(scalar) {
                for byte in String(scalar).utf8 { out += "\\" + hex(byte).uppercased() }
            } else {
                if special { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Printable ASCII that needs no escape anywhere (most names): the scalar-by-scalar pass below, which
    /// looks up each character's Unicode category, would return it unchanged.
    private static func isPlain(_ bytes: String.UTF8View) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return true }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "#") || last == UInt8(ascii: " ") { return false }
        return bytes.allSatisfy { (0x20...0x7E).contains($0) && !isSpecial($0) }
    }

    /// The characters RFC 4514 §2.4 escapes with a backslash anywhere in a value.
    static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "+"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"),
            UInt8(ascii: ">"), UInt8(ascii: ";"):
            return true
        default:
            return false
        }
    }

    private static func needsHexEscape(_ scalar: Unicode.Scalar) -> Bool {
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
    hex(CollectionOfOne(byte))
}

/// Lower-case hex digits, two per byte (every certificate's SHA-256 goes through here).
func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
