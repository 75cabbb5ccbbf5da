// Everything a report prints from a capture is attacker-controlled: an SNI, a certificate subject or an ALPN
// string can carry ESC sequences, CR/LF that start a fake report line, bidi overrides that reorder what the
// reader sees, C1 controls (U+009B is a one-character CSI on some terminals) or zero-width characters.
// Text and markdown print every report string through `TerminalText.escape`, which makes such characters
// visible instead of active. JSON keeps the exact string (see JSONSerializer).

/// Visible escapes for text output.
public enum TerminalText {
    /// `\x1b`, `\n`, `\r`, `\t`, `\\`, `\u{202e}`: nothing in the result moves the cursor, colours the terminal,
    /// starts a line or reorders text. Longer than `limit` characters: cut, with the count of what was cut.
    public static func escape(_ text: String, limit: Int? = nil) -> String {
        if isPlain(text) {
            // Printable ASCII: nothing to escape, and one column per byte.
            let count = text.utf8.count
            guard let limit, limit > 0, count > limit else { return text }
            return String(text.prefix(limit)) + "…[\(count - limit) more]"
        }
        var result: String
        if text.unicodeScalars.contains(where: needsEscape) {
            result = ""
            result.reserveCapacity(text.utf8.count + 16)
            for scalar in text.unicodeScalars {
                if needsEscape(scalar) {
                    result += visibleEscape(scalar)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        } else {
            result = text
        }
        if let limit, limit > 0, result.count > limit {
            let cut = result.count - limit
            result = String(result.prefix(limit)) + "…[\(cut) more]"
        }
        return result
    }

    /// `escape(text, limit:)` appended as UTF-8. Returns its width in columns (Characters) when the text is plain
    /// printable ASCII, nil when the width must be counted from the escaped text.
    @discardableResult
    static func appendEscaped(_ text: String, limit: Int? = nil, to stream: inout ReportStream) -> Int? {
        if let plainWidth = appendIfPlain(text, limit: limit, to: &stream) { return plainWidth }
        stream.append(escape(text, limit: limit))
        return nil
    }

    /// `appendEscaped` for text that `isPlain` (nothing to escape, one column per byte): its width; nil, with
    /// nothing appended, for other text.
    static func appendIfPlain(_ text: String, limit: Int?, to stream: inout ReportStream) -> Int? {
        text.utf8.withContiguousStorageIfAvailable { appendIfPlain($0, limit: limit, to: &stream) }
            ?? Array(text.utf8).withUnsafeBufferPointer { appendIfPlain($0, limit: limit, to: &stream) }
    }

    /// `appendIfPlain` for bytes, checked and copied in one pass.
    private static func appendIfPlain(_ utf8: UnsafeBufferPointer<UInt8>, limit: Int?,
                                      to stream: inout ReportStream) -> Int? {
        guard isPlain(utf8) else { return nil }
        guard let limit, limit > 0, utf8.count > limit else {
            stream.append(utf8)
            return utf8.count
        }
        let start = stream.count
        stream.append(UnsafeBufferPointer(rebasing: utf8[..<limit]))
        stream.append("…[" as StaticString)
        ByteText.appendDecimal(utf8.count - limit, to: &stream)
        stream.append(" more]" as StaticString)
        return stream.count - start - 2       // "…" is three bytes, one column
    }

    /// Printable ASCII without a backslash: `escape` returns it unchanged. Most of what a capture carries.
    static func isPlain(_ text: some StringProtocol) -> Bool {
        let plain = text.utf8.withContiguousStorageIfAvailable(isPlain)
        return plain ?? text.utf8.allSatisfy(isPlainByte)
    }

    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        // Eight bytes at a time: a report checks every name, suite and address it prints.
        allBytes(of: utf8, word: isPlainWord, byte: isPlainByte)
    }

    /// Whether every byte passes `byte`, tested eight at a time by `word` (which must answer as `byte` would for
    /// each of its bytes), the rest one by one. Inlined, so both tests are inlined into the loop.
    @inline(__always)
    static func allBytes(of utf8: UnsafeBufferPointer<UInt8>, word: (UInt64) -> Bool, byte: (UInt8) -> Bool) -> Bool {
        var index = 0
        if let base = UnsafeRawPointer(utf8.baseAddress) {
            while index + 8 <= utf8.count {
                guard word(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) else { return false }
                index += 8
            }
        }
        for value in utf8[index...] where !byte(value) { return false }
        return true
    }

    /// `isPlainByte` for the eight bytes of `word` at once. Each test sets the high bit of some byte exactly when
    /// some byte matches (a borrow or carry starts only at a byte that matches itself): below 0x20 is
    /// `(x - 0x20…) & ~x` (Bit Twiddling Hacks' "has less than"), above 0x7E is `(x + 0x01…) | x`, and a
    /// backslash is a zero byte of `x ^ 0x5C…`, found the same way.
    @inline(__always)
    static func isPlainWord(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- 0x20 &* ones) & ~word
        let aboveTilde = (word &+ ones) | word
        let backslashes = word ^ (0x5C &* ones)
        let backslash = (backslashes &- ones) & ~backslashes
        return (control | aboveTilde | backslash) & highBits == 0
    }

    /// Whether some byte of `word` is `byte`: a zero byte of `word ^ byte…`, found as above.
    @inline(__always)
    static func contains(_ byte: UInt8, in word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let differences = word ^ (UInt64(byte) &* ones)
        return (differences &- ones) & ~differences & 0x8080_8080_8080_8080 != 0
    }

    @inline(__always)
    static func isPlainByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7F && byte != 0x5C
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x5C: return true                          // backslash, so escapes are unambiguous
        case 0x00...0x1F, 0x7F...0x9F: return true      // C0 (ESC, CR, LF, NUL, TAB), DEL, C1
        case 0x20...0x7E: return false
        default: return isInvisibleOrReordering(scalar)
        }
    }

    /// Format characters (bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, marks,
    /// zero-width U+200B–U+200D, U+2060, U+FEFF, soft hyphen), line and paragraph separators, other controls,
    /// and unassigned or private-use code points.
    static func isInvisibleOrReordering(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    private static func visibleEscape(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x5C: return "\\\\"
        case 0x00...0x1F, 0x7F: return "\\x" + hex(scalar.value, width: 2)
        default: return "\\u{" + hex(scalar.value, width: 1) + "}"
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Markdown output: the visible escapes of `TerminalText`, then neutralized markdown syntax, so a capture's
/// strings cannot fake a heading, a table row, a code fence, a link or an HTML entity in a ticket.
public enum MarkdownText {
    /// Prose (explanations, next steps, warnings): backslash-escapes the characters that start markdown
    /// structure (`` ` * _ [ ] < > # | ~ & $ ``, and a leading `-`, `+` or `1.`), and the visible escapes'
    /// own backslashes.
    /// `lineStart: false` where the text follows other text on its line (then `1.` or `-` cannot start a list).
    public static func prose(_ text: String, limit: Int? = nil, lineStart: Bool = true) -> String {
        let visible = TerminalText.escape(text, limit: limit)
        var out: [UInt8] = []
        out.reserveCapacity(visible.utf8.count + 8)
        // Every character this looks for is ASCII, and no byte of a longer UTF-8 sequence is: going byte by byte
        // gives what going scalar by scalar gives.
        var atStart = lineStart
        var leadingDigits = false
        for byte in visible.utf8 {
            if atStart && byte == UInt8(ascii: " ") { continue }    // leading spaces would make an indented code block
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"),
                 UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "$"):
                out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "-") where atStart, UInt8(ascii: "+") where atStart:
                out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: ".") where leadingDigits, UInt8(ascii: ")") where leadingDigits:
                out.append(UInt8(ascii: "\\"))                        // `1.` or `1)` would start an ordered list
            default:
                break
            }
            leadingDigits = (atStart || leadingDigits) && lineStart && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            atStart = false
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// An identifier from the capture (SNI, subject, address) as an inline code span, whose content markdown
    /// does not interpret; the fence is longer than any backtick run inside. In a table cell, `|` is escaped
    /// too (GFM splits cells on `|` even inside code spans).
    public static func code(_ text: String, inTable: Bool = false, limit: Int? = nil) -> String {
        let visible = TerminalText.escape(text, limit: limit)
        guard !visible.isEmpty else { return "(empty)" }
        return asciiCode(visible, inTable: inTable) ?? characterCode(visible, inTable: inTable)
    }

    /// `code` for escaped text, going through Characters.
    static func characterCode(_ visible: String, inTable: Bool) -> String {
        var longestRun = 0, run = 0
        for scalar in visible.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longestRun = max(longestRun, run)
        }
        let fence = String(repeating: "`", count: longestRun + 1)
        let content = inTable ? visible.replacingAll("|", with: "\\|") : visible
        let needsPadding = content.first == "`" || content.last == "`" || content.first == " " || content.last == " "
        return needsPadding ? "\(fence) \(content) \(fence)" : "\(fence)\(content)\(fence)"
    }

    /// `code` for escaped text that is all ASCII (one Character per byte), without going through Characters;
    /// nil for other text.
    static func asciiCode(_ visible: String, inTable: Bool) -> String? {
        var longestRun = 0, run = 0, pipes = 0
        for byte in visible.utf8 {
            if byte >= 0x80 { return nil }
            run = byte == UInt8(ascii: "`") ? run + 1 : 0
            longestRun = max(longestRun, run)
            if byte == UInt8(ascii: "|") { pipes += 1 }
        }
        let fenceLength = longestRun + 1
        let utf8 = visible.utf8
        func isEdge(_ byte: UInt8?) -> Bool { byte == UInt8(ascii: "`") || byte == UInt8(ascii: " ") }
        let needsPadding = isEdge(utf8.first) || isEdge(utf8.last)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 2 * fenceLength + (inTable ? pipes : 0) + 2)
        out.append(contentsOf: repeatElement(UInt8(ascii: "`"), count: fenceLength))
        if needsPadding { out.append(UInt8(ascii: " ")) }
        for byte in utf8 {
            if inTable && byte == UInt8(ascii: "|") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        if needsPadding { out.append(UInt8(ascii: " ")) }
        out.append(contentsOf: repeatElement(UInt8(ascii: "`"), count: fenceLength))
        return String(decoding: out, as: UTF8.self)
    }

    /// `cell(text)` appended as UTF-8. Inside a line (no line start), prose escapes each markdown character
    /// on its own, so plain text is done in one pass over its bytes.
    static func appendCell(_ text: String, to stream: inout ReportStream) {
        guard TerminalText.isPlain(text) else {
            stream.append(cell(text))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"),
                 UInt8(ascii: "~"), UInt8(ascii: "&"), UInt8(ascii: "$"):
                stream.append(byte: UInt8(ascii: "\\"))
            default:
                break
            }
            stream.append(byte: byte)
        }
    }

    /// A table cell of prose.
    public static func cell(_ text: String, limit: Int? = nil) -> String {
        prose(text, limit: limit, lineStart: false)     // `|` is among prose's escapes
    }

    /// Prose whose `` `backticked` `` parts (commands in next steps) become code spans. Each part goes through
    /// `prose` or `code`, so a backtick from the capture can at worst misplace a code span, never inject
    /// markdown. Unbalanced backticks: all prose.
    public static func proseWithCode(_ text: String, lineStart: Bool = true, inTable: Bool = false) -> String {
        let parts = text.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 1, parts.count % 2 == 1 else { return prose(text, lineStart: lineStart) }
        var out = ""
        for (index, part) in parts.enumerated() {
            if index % 2 == 1 {
                out += code(String(part), inTable: inTable)
            } else if !part.isEmpty {
                out += prose(String(part), lineStart: lineStart && index == 0)
            }
        }
        return out
    }
}

extension String {
    /// Replaces every `target` character (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
