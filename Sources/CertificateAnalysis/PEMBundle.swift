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
        var body: Base64Decoder?  // inside a CERTIFICATE block
        var start = bundle.startIndex
        while start < bundle.endIndex {
            let end = bundle[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bundle.endIndex
            let line = trimmed(bundle[start..<end])
            start = end + 1
            let dash = line.first == UInt8(ascii: "-")  // base64 lines, most of a bundle, are no marker
            if dash, let label = marker("-----BEGIN ", line) {
                if body != nil { blocks.undecodable += 1 }  // a BEGIN inside a block: the earlier one was cut
                body = labels.contains(label) ? Base64Decoder() : nil
                if body != nil { blocks.markerCount += 1 }
            } else if dash, let label = marker("-----END ", line) {
                if let decoder = body, labels.contains(label) {
                    if let der = decoder.finish(), !der.isEmpty { blocks.ders.append(der) } else { blocks.undecodable += 1 }
                }
                body = nil
            } else {
                body?.feed(line)
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
    static func base64Decode(_ text: [UInt8]) -> [UInt8]? {
        var decoder = Base64Decoder()
        decoder.feed(text[...])
        return decoder.finish()
    }

    /// Base64 fed one PEM line at a time, so a block is decoded without first copying its text.
    struct Base64Decoder {
        private var out: [UInt8] = []
        private var buffer: UInt32 = 0
        private var bits = 0
        private var padding = 0
        private var failed = false

        mutating func feed(_ text: ArraySlice<UInt8>) {
            guard !failed else { return }
            let values = PEMBundle.base64Values
            let index = bits == 0 && padding == 0 ? decodeGroups(text) : text.startIndex
            for char in text[index...] {
                let value = values[Int(char)]
                if value < 64 {
                    guard padding == 0 else { failed = true; return }  // data after "="
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
                    failed = true
                    return
                }
            }
        }

        /// Decodes the whole groups of four base64 digits at the start of `text` (nearly all of a PEM line: three
        /// bytes each) and returns where it stopped. Writes through buffer pointers into room made first (no
        /// per-byte append): the table has a value for every byte, and both loops stay inside their buffers.
        private mutating func decodeGroups(_ text: ArraySlice<UInt8>) -> Int {
            let groups = text.count / 4
            guard groups > 0 else { return text.startIndex }
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: groups * 3))
            let decoded = out.withUnsafeMutableBufferPointer { bytes in
                text.withUnsafeBufferPointer { chars in
                    PEMBundle.base64Values.withUnsafeBufferPointer { values in
                        var group = 0
                        // Every value that is not a 6-bit digit has bit 6 or 7 set.
                        while group < groups {
                            let index = group * 4
                            let a = values[Int(chars[index])], b = values[Int(chars[index + 1])]
                            let c = values[Int(chars[index + 2])], d = values[Int(chars[index + 3])]
                            guard a | b | c | d < 64 else { break }
                            let bits = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                            let at = start + group * 3
                            bytes[at] = UInt8(truncatingIfNeeded: bits >> 16)
                            bytes[at + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                            bytes[at + 2] = UInt8(truncatingIfNeeded: bits)
                            group += 1
                        }
                        return group
                    }
                }
            }
            out.removeLast((groups - decoded) * 3)
            return text.startIndex + decoded * 4
        }

        /// The bytes, or nil after a bad character or where an encoding cannot end (a lone 6-bit group).
        func finish() -> [UInt8]? {
            failed || padding > 2 || bits >= 6 ? nil : out
        }
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
