import SwiftASN1
import WireFormat

/// `NameText.comparisonKey(NameText.rfc4514(name))` read straight from a Name's DER, for names whose every RDN is
/// one attribute of a type `NameText` knows with a printable ASCII string value (nearly every CA's name). Loading a
/// trust store then needs no `DistinguishedName` per root; any other name returns nil and goes the library's way.
///
///     Name ::= SEQUENCE OF RelativeDistinguishedName
///     RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
///     AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
enum PlainNameKey {
    static func key(_ name: ArraySlice<UInt8>) -> String? {
        var outer = ByteCursor(name)
        guard let sequence = CertificateOutline.contents(0x30, from: &outer), outer.isEmpty else { return nil }
        var rdns = ByteCursor(sequence)
        var attributes: [(type: [UInt8], value: ArraySlice<UInt8>)] = []
        attributes.reserveCapacity(8)
        while !rdns.isEmpty {
            guard let rdn = CertificateOutline.contents(0x31, from: &rdns) else { return nil }
            var members = ByteCursor(rdn)
            guard let attribute = CertificateOutline.contents(0x30, from: &members), members.isEmpty else { return nil }
            var fields = ByteCursor(attribute)
            guard let oid = CertificateOutline.contents(0x06, from: &fields),
                let type = typeNames.first(where: { $0.oid.elementsEqual(oid) })?.name,
                let tag = fields.peekInteger(as: UInt8.self),
                let value = CertificateOutline.contents(tag, from: &fields),
                fields.isEmpty, isPlain(value, tag: tag)
            else { return nil }
            attributes.append((type, value))
        }
        guard !attributes.isEmpty else { return nil }
        var key: [UInt8] = []
        key.reserveCapacity(name.count)
        for (type, value) in attributes.reversed() {  // RFC 4514 prints the last RDN first
            if !key.isEmpty { key += [UInt8(ascii: ","), UInt8(ascii: " ")] }
            key += type
            key.append(UInt8(ascii: "="))
            for index in value.indices {
                let byte = value[index]
                // NameText.escaped's rules, which for printable ASCII add only backslashes (RFC 4514 §2.4).
                let leading = index == value.startIndex && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "#"))
                let trailing = index == value.endIndex - 1 && byte == UInt8(ascii: " ")
                if NameText.isSpecial(byte) || leading || trailing { key.append(UInt8(ascii: "\\")) }
                key.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
            }
        }
        return String(decoding: key, as: UTF8.self)
    }

    /// Values swift-certificates reads as text that `NameText.escaped` leaves free of hex escapes: PrintableString
    /// in its X.680 alphabet (other bytes make the library keep the DER), UTF8String and IA5String in 0x20...0x7E.
    private static func isPlain(_ value: ArraySlice<UInt8>, tag: UInt8) -> Bool {
        switch tag {
        case 0x13:
            return value.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: " "), UInt8(ascii: "'"), UInt8(ascii: "("),
                    UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."),
                    UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"):
                    return true
                default:
                    return false
                }
            }
        case 0x0C, 0x16:
            return value.allSatisfy { (0x20...0x7E).contains($0) }
        default:
            return false
        }
    }

    /// NameText's attribute names, lower-cased, with the OID's content octets, the usual ones first.
    private static let typeNames: [(oid: [UInt8], name: [UInt8])] = {
        let usual = ["cn", "o", "c", "ou", "l", "st"]
        func rank(_ name: String) -> Int { usual.firstIndex(of: name) ?? usual.count }
        return NameText.attributeNames.map { oid, name in (oid, NameText.comparisonKey(name)) }
            .sorted { rank($0.1) != rank($1.1) ? rank($0.1) < rank($1.1) : $0.1 < $1.1 }
            .compactMap { oid, name in
                var serializer = DER.Serializer()
                guard (try? serializer.serialize(oid)) != nil, let node = try? DER.parse(serializer.serializedBytes),
                    case .primitive(let content) = node.content, !content.isEmpty
                else { return nil }
                return (Array(content), Array(name.utf8))
            }
    }()
}
