/// IP addresses as text: subjectAltName iPAddress octets → text, and host strings → octets for comparison.
enum IPAddressText {
    /// Dotted quad for 4 octets, RFC 5952 canonical text for 16; any other length (invalid in a SAN) as hex.
    static func format<C: Collection>(_ octets: C) -> String where C.Element == UInt8 {
        let bytes = Array(octets)
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            return formatIPv6(bytes)
        default:
            return "0x" + hex(bytes)
        }
    }

    /// RFC 5952 §4: lower-case hex, no leading zeros, the longest run (first on ties) of two or more zero groups
    /// as "::"; §5: IPv4-mapped addresses end in dotted decimal.
    private static func formatIPv6(_ bytes: [UInt8]) -> String {
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])) }
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {
            return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".")
        }
        var best = (start: -1, length: 0)
        var run = (start: -1, length: 0)
        for (i, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (i, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let text = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return text.joined(separator: ":") }
        let head = text[..<best.start].joined(separator: ":")
        let tail = text[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Octets of an IPv4 dotted quad (decimal, no leading zeros) or an IPv6 address (optionally in brackets,
    /// zone `%eth0` ignored, may end in a dotted quad); nil when `text` is not an IP literal.
    static func parse<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var body = Substring(text)
        if body.hasPrefix("[") && body.hasSuffix("]") && body.count >= 2 { body = body.dropFirst().dropLast() }
        if let zone = body.firstIndex(of: "%") { body = body[..<zone] }
        return body.contains(":") ? parseIPv6(body) : parseIPv4(body)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        let halves = text.splitAtDoubleColons()
        guard halves.count <= 2 else { return nil }
        guard let head = groups(halves[0], allowsTrailingIPv4: halves.count == 1) else { return nil }
        let tail = halves.count == 2 ? groups(halves[1], allowsTrailingIPv4: true) : []
        guard let tail else { return nil }
        let missing = 8 - head.count - tail.count
        if halves.count == 2 {
            guard missing >= 1 else { return nil }
        } else {
            guard missing == 0 else { return nil }
        }
        let all = head + Array(repeating: 0, count: max(missing, 0)) + tail
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Colon-separated hex groups; an empty string is no groups. A final dotted quad counts as two groups.
    private static func groups(_ text: Substring, allowsTrailingIPv4: Bool) -> [UInt16]? {
        if text.isEmpty { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var result: [UInt16] = []
        for (i, part) in parts.enumerated() {
            if i == parts.count - 1, allowsTrailingIPv4, part.contains(".") {
                guard let v4 = parseIPv4(part) else { return nil }
                result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                continue
            }
            guard (1...4).contains(part.count), part.allSatisfy({ $0.isHexDigit }),
                let value = UInt16(part, radix: 16)
            else { return nil }
            result.append(value)
        }
        return result.count <= 8 ? result : nil
    }
}

extension Substring {
    /// Splits at "::" (at most useful once in an IPv6 address; more than one is reported by the count).
    fileprivate func splitAtDoubleColons() -> [Substring] {
        var pieces: [Substring] = []
        var start = startIndex
        var i = startIndex
        while i < endIndex {
            let next = index(after: i)
            if self[i] == ":", next < endIndex, self[next] == ":" {
                pieces.append(self[start..<i])
                start = index(after: next)
                i = start
            } else {
                i = next
            }
        }
        pieces.append(self[start..<endIndex])
        return pieces
    }
}
