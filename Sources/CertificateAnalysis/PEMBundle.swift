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
        guard line.first == UInt8(ascii: "-") else { return nil }  // base64 lines, most of a bundle
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
    static func base64Decode(_ text: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for char in text {
            let value = base64Values[Int(char)]
            if value < 64 {
                guard padding == 0 else { return nil }  // data after "="
                buffer = buffer << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                    buffer &= (1 << UInt32(bits)) - 1
                }
            } else if value == padValue {
                padding += 1
            } else if value != skipValue {
                return nil
            }
        }
        guard padding <= 2, bits < 6 else { return nil }  // a lone 6-bit group cannot end a valid encoding
        return out
    }

    private static let padValue: UInt8 = 0xFD
    private static let skipValue: UInt8 = 0xFE

    /// Per byte: its 6-bit value, `padValue` for "=", `skipValue` for whitespace, 0xFF for anything else.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, char) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(char)] = UInt8(value)
        }
        table[Int(UInt8(ascii: "="))] = padValue
        for char in [0x20, 0x09, 0x0D, 0x0A] { table[char] = skipValue }
        return table
    }()
}
