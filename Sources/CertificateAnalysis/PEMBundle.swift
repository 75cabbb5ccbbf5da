/// Finds `-----BEGIN CERTIFICATE-----` blocks in a PEM bundle and decodes their base64 (RFC 7468), leniently about
/// line lengths, CRLF and surrounding text, so one damaged block costs only itself.
enum PEMBundle {
    struct Blocks {
        var ders: [[UInt8]]
        /// CERTIFICATE blocks that were cut short or whose base64 is invalid.
        var undecodable: Int
        /// BEGIN markers of CERTIFICATE blocks seen.
        var markerCount: Int
    }

    static let labels: Set<String> = ["CERTIFICATE", "X509 CERTIFICATE"]

    static func certificateBlocks(in bundle: [UInt8]) -> Blocks {
        var blocks = Blocks(ders: [], undecodable: 0, markerCount: 0)
        var body: [UInt8]?
        for rawLine in bundle.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let line = trimmed(rawLine)
            if let label = marker("-----BEGIN ", line) {
                if body != nil { blocks.undecodable += 1 }  // a BEGIN inside a block: the earlier one was cut
                body = labels.contains(label) ? [] : nil
                if body != nil { blocks.markerCount += 1 }
            } else if let label = marker("-----END ", line) {
                if let text = body, labels.contains(label) {
                    if let der = base64Decode(text), !der.isEmpty { blocks.ders.append(der) } else { blocks.undecodable += 1 }
                }
                body = nil
            } else if body != nil {
                body?.append(contentsOf: line)
            }
        }
        if body != nil { blocks.undecodable += 1 }
        return blocks
    }

    /// The label of a `-----BEGIN X-----`-style line, or nil.
    private static func marker(_ prefix: String, _ line: ArraySlice<UInt8>) -> String? {
        let start = Array(prefix.utf8)
        let end = Array("-----".utf8)
        guard line.count >= start.count + end.count, line.starts(with: start), line.reversed().starts(with: end)
        else { return nil }
        return String(decoding: line.dropFirst(start.count).dropLast(end.count), as: UTF8.self)
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isSpace = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0D }
        guard let first = line.firstIndex(where: { !isSpace($0) }), let last = line.lastIndex(where: { !isSpace($0) })
        else { return line[line.endIndex...] }
        return line[first...last]
    }

    /// Standard base64 (RFC 4648 §4), whitespace ignored, padding optional; nil on any other character.
    static func base64Decode<C: Collection>(_ text: C) -> [UInt8]? where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for char in text {
            let value: UInt32
            switch char {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(char - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(char - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(char - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x20, 0x09, 0x0D, 0x0A: continue
            default: return nil
            }
            guard padding == 0 else { return nil }  // data after "="
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard padding <= 2, bits < 6 else { return nil }  // a lone 6-bit group cannot end a valid encoding
        return out
    }
}
