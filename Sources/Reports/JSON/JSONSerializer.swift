// RFC 8259 text from a JSONValue, written as UTF-8 bytes (appending bytes is several times faster than
// appending small Strings, and a report can hold a hundred thousand connections).
// Strings keep every character of the input (a capture's exact SNI or subject round-trips), escaped only where
// JSON requires it or where a raw character could disturb a terminal that shows the JSON: C0/C1 controls,
// DEL, bidi and zero-width format characters, U+2028/U+2029. Escapes decode to the same characters.

extension JSONValue {
    /// Compact (one line, no spaces) or pretty (2-space indent; short scalar arrays and objects on one line).
    public func serialized(pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty, stream: ReportStream(output: nil))
        writer.write(self, indent: 0)
        return writer.stream.text
    }

    /// Finite doubles in Swift's shortest round-trip form (`12.5`, `1e-05`: both valid JSON numbers).
    static func numberText(_ value: Double) -> String {
        value.isFinite ? String(value) : "null"
    }
}

/// Writes JSON text into a report stream.
struct JSONWriter {
    var stream: ReportStream
    let pretty: Bool

    init(pretty: Bool, stream: ReportStream) {
        self.pretty = pretty
        self.stream = stream
    }

    mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: ascii("null")
        case .bool(let flag): ascii(flag ? "true" : "false")
        case .int(let value): ByteText.appendDecimal(value, to: &stream)
        case .double(let value): number(JSONValue.numberText(value))
        case .string(let text): writeString(text)
        case .array(let elements): writeArray(elements, indent: indent)
        case .object(let object): writeObject(object, indent: indent)
        }
    }

    private mutating func writeArray(_ elements: [JSONValue], indent: Int) {
        guard !elements.isEmpty else { ascii("[]"); return }
        if !pretty || Self.fitsOnOneLine(elements, keyBytes: 0, budget: 72) {
            stream.append(byte: UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { comma() }
                write(element, indent: indent)
            }
            stream.append(byte: UInt8(ascii: "]"))
            return
        }
        // Rows of flat objects (handshake messages) read best one per line, however long.
        let rows = elements.allSatisfy(Self.isFlatObject)
        stream.append(byte: UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            newline(indent + 1, comma: index > 0)
            if rows, case .object(let object) = element {
                writeInlineObject(object)
            } else {
                write(element, indent: indent + 1)
            }
        }
        newline(indent, comma: false)
        stream.append(byte: UInt8(ascii: "]"))
    }

    private mutating func writeObject(_ object: JSONObject, indent: Int) {
        let members = object.members
        guard !members.isEmpty else { ascii("{}"); return }
        let keyBytes = members.reduce(0) { $0 + $1.key.utf8.count + 4 }
        if !pretty || Self.fitsOnOneLine(members.lazy.map(\.value), keyBytes: keyBytes, budget: 72) {
            writeInlineObject(object)
            return
        }
        stream.append(byte: UInt8(ascii: "{"))
        for (index, member) in members.enumerated() {
            newline(indent + 1, comma: index > 0)
            writeString(member.key)
            ascii(": ")
            write(member.value, indent: indent + 1)
        }
        newline(indent, comma: false)
        stream.append(byte: UInt8(ascii: "}"))
    }

    /// On one line: `{"a": 1, "b": "x"}` (pretty mode, objects of scalars only) or `{"a":1,"b":"x"}` (compact).
    private mutating func writeInlineObject(_ object: JSONObject) {
        stream.append(byte: UInt8(ascii: "{"))
        for (index, member) in object.members.enumerated() {
            if index > 0 { comma() }
            writeString(member.key)
            colon()
            write(member.value, indent: 0)
        }
        stream.append(byte: UInt8(ascii: "}"))
    }

    private static func isFlatObject(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return false }
        return object.members.allSatisfy {
            switch $0.value {
            case .array, .object: false
            default: true
            }
        }
    }

    /// `,` (when `comma`), a line break and the indentation of `level`, in room reserved once.
    mutating func newline(_ level: Int, comma: Bool) {
        let indent = 2 * max(level, 0)
        stream.append(upTo: indent + 2) { room in
            guard let base = room.baseAddress else { return 0 }
            var count = 0
            if comma {
                base.initialize(to: UInt8(ascii: ","))
                count = 1
            }
            (base + count).initialize(to: UInt8(ascii: "\n"))
            (base + count + 1).initialize(repeating: UInt8(ascii: " "), count: indent)
            return count + 1 + indent
        }
    }

    @inline(__always)
    mutating func ascii(_ text: StaticString) {
        stream.append(text)
    }

    /// Between the members or elements of a line: `, ` or `,`. Each branch writes a literal of known length
    /// (`pretty ? ", " : ","` would be a copy of either length, through `memcpy`).
    @inline(__always)
    mutating func comma() {
        if pretty { ascii(", ") } else { ascii(",") }
    }

    /// After a member's key: `: ` or `:`.
    @inline(__always)
    mutating func colon() {
        if pretty { ascii(": ") } else { ascii(":") }
    }

    private mutating func number(_ text: String) {
        stream.append(text)
    }

    /// Scalars only, and short: `["h2", "http/1.1"]`, `{"ip": "10.0.0.1", "port": 50068}`, one handshake
    /// message per line.
    static func fitsOnOneLine<C: Collection<JSONValue>>(_ values: C, keyBytes: Int, budget: Int) -> Bool {
        var length = keyBytes
        for value in values {
            if length > budget { return false }
            switch value {
            case .null, .bool, .int, .double: length += 8
            case .string(let text): length += text.utf8.count + 4
            case .array, .object: return false
            }
        }
        return length <= budget
    }

    mutating func writeString(_ text: String) {
        // Fast path: printable ASCII without quote or backslash (most of what a capture carries) is copied as is.
        if text.utf8.withContiguousStorageIfAvailable({ appendQuotedIfPlain($0) }) != true { writeEscaped(text) }
    }

    /// `text` with the escapes it needs. Not inlined into `writeString`: its Unicode properties' metadata and
    /// stack room would be set up on every call, the fast path's included.
    @inline(never)
    private mutating func writeEscaped(_ text: String) {
        stream.append(byte: UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: ascii("\\\"")
            case 0x5C: ascii("\\\\")
            case 0x20...0x7E: stream.append(byte: UInt8(scalar.value))
            case 0x00...0x1F, 0x7F...0x9F: unicodeEscape(scalar.value)
            default:
                if TerminalText.isInvisibleOrReordering(scalar) {
                    unicodeEscape(scalar.value)
                } else {
                    if let encoded = UTF8.encode(scalar) { for byte in encoded { stream.append(byte: byte) } }
                }
            }
        }
        stream.append(byte: UInt8(ascii: "\""))
    }

    /// `"text"` when every byte is the terminal's plain ASCII other than the quote (`TerminalText.isPlainByte`:
    /// no control, DEL, backslash or non-ASCII byte), checked eight bytes at a time by `TerminalText.allBytes`,
    /// then copied with both quotes into room reserved once. False, with nothing written, for any other text.
    private mutating func appendQuotedIfPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard TerminalText.allBytes(of: utf8, word: { TerminalText.isPlainWord($0) && !TerminalText.contains(0x22, in: $0) },
                                    byte: { TerminalText.isPlainByte($0) && $0 != 0x22 }) else { return false }
        stream.append(upTo: utf8.count + 2) { room in
            var bytes = ByteText.Digits(buffer: room)
            bytes.put(UInt8(ascii: "\""))
            bytes.put(utf8)
            bytes.put(UInt8(ascii: "\""))
            return bytes.count
        }
        return true
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `\u00XX`, or a UTF-16 surrogate pair above the BMP (RFC 8259 §7).
    private mutating func unicodeEscape(_ value: UInt32) {
        if value <= 0xFFFF {
            hex4(value)
        } else {
            let offset = value - 0x10000
            hex4(0xD800 + (offset >> 10))
            hex4(0xDC00 + (offset & 0x3FF))
        }
    }

    private mutating func hex4(_ value: UInt32) {
        stream.append(byte: UInt8(ascii: "\\"))
        stream.append(byte: UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) {
            stream.append(byte: Self.hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}

