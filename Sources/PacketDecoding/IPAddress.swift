/// An IPv4 or IPv6 address, stored inline (no allocation).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// IPv4 addresses use only `low`'s lower 32 bits.
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    public init(ipv4: UInt32) { self.high = 0; self.low = UInt64(ipv4); self.isIPv6 = false }
    public init(ipv6High: UInt64, low: UInt64) { self.high = ipv6High; self.low = low; self.isIPv6 = true }

    /// IPv4 before IPv6, then by value. Inlinable and without tuples: the reassembler orders every packet's
    /// endpoints.
    @inlinable
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.isIPv6 != rhs.isIPv6 { return rhs.isIPv6 }
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        return lhs.low < rhs.low
    }

    /// `192.0.2.1`, or RFC 5952 text for IPv6 (`2001:db8::1`).
    public var description: String {
        isIPv6 ? ipv6Text : String(unsafeUninitializedCapacity: AddressText.dottedQuadCapacity) { buffer in
            AddressText.writeDottedQuad(UInt32(truncatingIfNeeded: low), into: buffer, at: 0)
        }
    }

    /// The eight 16-bit groups of an IPv6 address, most significant first.
    public var ipv6Groups: [UInt16] { (0..<8).map(ipv6Group) }

    /// Group `index` (0...7) of an IPv6 address, most significant first.
    @inlinable
    public func ipv6Group(_ index: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> (48 - 16 * UInt64(index % 4)))
    }

    /// RFC 5952 §5: an IPv4-mapped IPv6 address, written in mixed notation (`::ffff:192.0.2.1`).
    @inlinable
    public var isIPv4Mapped: Bool { isIPv6 && high == 0 && low >> 32 == 0xffff }

    /// RFC 5952 §4.2: the groups written as `::`, the longest run of at least two zero groups (the leftmost of
    /// equal runs); nil when there is none.
    public var ipv6ZeroRun: Range<Int>? {
        var bestStart = -1, bestLength = 1
        var runStart = -1
        for i in 0...8 {
            if i < 8, ipv6Group(i) == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        return bestStart >= 0 ? bestStart..<(bestStart + bestLength) : nil
    }

    /// RFC 5952 §4: lower-case hex, no leading zeros, `ipv6ZeroRun` as `::`; §5: IPv4-mapped addresses in mixed
    /// notation.
    private var ipv6Text: String {
        if isIPv4Mapped {
            return "::ffff:" + IPAddress(ipv4: UInt32(truncatingIfNeeded: low)).description
        }
        func join(_ range: Range<Int>) -> String {
            range.map { String(ipv6Group($0), radix: 16) }.joined(separator: ":")
        }
        guard let run = ipv6ZeroRun else { return join(0..<8) }
        return join(0..<run.lowerBound) + "::" + join(run.upperBound..<8)
    }
}

/// An address and a port: one end of a TCP connection.
public struct Endpoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(address: IPAddress, port: UInt16) { self.address = address; self.port = port }

    /// By address, then port. Written out (no tuples, each field compared once): see `IPAddress.<`.
    @inlinable
    public static func < (lhs: Endpoint, rhs: Endpoint) -> Bool {
        let l = lhs.address, r = rhs.address
        if l.isIPv6 != r.isIPv6 { return r.isIPv6 }
        if l.high != r.high { return l.high < r.high }
        if l.low != r.low { return l.low < r.low }
        return lhs.port < rhs.port
    }

    /// `192.0.2.1:443` or `[2001:db8::1]:443`.
    public var description: String {
        guard !address.isIPv6 else { return "[\(address)]:\(port)" }
        // Reports word endpoints for every connection: written digit by digit, not interpolated.
        return String(unsafeUninitializedCapacity: AddressText.dottedQuadCapacity + 6) { buffer in
            var end = AddressText.writeDottedQuad(UInt32(truncatingIfNeeded: address.low), into: buffer, at: 0)
            buffer[end] = UInt8(ascii: ":")
            end = AddressText.writeDecimal(UInt32(port), into: buffer, at: end + 1)
            return end
        }
    }
}

extension IPAddress {
    /// An IPv4 address from its four bytes in network order.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.init(ipv4: UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// Parses `192.0.2.1` or IPv6 text (`2001:db8::1`, `::ffff:192.0.2.1`); nil when it is neither.
    public init?(_ text: some StringProtocol) {
        if !text.contains(":") {
            guard let value = Self.parseIPv4(Substring(text)) else { return nil }
            self.init(ipv4: value)
            return
        }
        guard let groups = Self.parseIPv6(Substring(text)) else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        self.init(ipv6High: high, low: low)
    }

    private static func parseIPv4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    private static func parseIPv6(_ text: Substring) -> [UInt16]? {
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                          let group = UInt16(piece, radix: 16) else { return nil }
                    result.append(group)
                }
            }
            return result
        }
        // At most one "::" (RFC 4291 §2.2).
        guard let gap = text.firstRange(of: "::") else {
            guard let all = groups(text), all.count == 8 else { return nil }
            return all
        }
        let headText = text[..<gap.lowerBound], tailText = text[gap.upperBound...]
        guard !tailText.contains("::"), let head = groups(headText), let tail = groups(tailText),
              head.count + tail.count <= 7 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}

/// IPv4 text written byte by byte into a buffer the caller sized.
enum AddressText {
    /// `255.255.255.255`.
    static let dottedQuadCapacity = 15

    /// Writes `a.b.c.d` from `index` (room for `dottedQuadCapacity` bytes); returns the index after it.
    static func writeDottedQuad(_ value: UInt32, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        var end = writeDecimal(value >> 24, into: buffer, at: index)
        for shift: UInt32 in stride(from: 16, through: 0, by: -8) {
            buffer[end] = UInt8(ascii: ".")
            end = writeDecimal(value >> shift & 0xff, into: buffer, at: end + 1)
        }
        return end
    }

    /// Writes `value` in decimal from `index` (room for 10 bytes; 5 for a port); returns the index after it.
    static func writeDecimal(_ value: UInt32, into buffer: UnsafeMutableBufferPointer<UInt8>, at index: Int) -> Int {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        var remaining = value
        for position in stride(from: index + digits - 1, through: index, by: -1) {
            buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
        }
        return index + digits
    }
}
