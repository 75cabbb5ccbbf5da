import WireFormat
import PacketDecoding

/// `TextLayout.fit` written straight into a stream, for the one-line form of a connection (a report can list a
/// hundred thousand): each part is built as bytes in `part`, then `addPart` joins it to the line with
/// `separator`, or starts a continuation line (`restPrefix`) when it would pass the width.
struct LineFitter {
    var part = TextPart()
    let separator: StaticString
    let restPrefix: StaticString
    let width: Int
    private var lineWidth = 0
    private var lineHasPart = false

    init(separator: StaticString = "  ", restPrefix: StaticString, width: Int = TextLayout.width) {
        self.separator = separator
        self.restPrefix = restPrefix
        self.width = width
    }

    mutating func startLine(in stream: inout ReportStream) {
        stream.startLine()
        lineWidth = 0
        lineHasPart = false
        part.removeAll()
    }

    /// Empty parts are skipped, as `fit` skips them.
    mutating func addPart(to stream: inout ReportStream) {
        defer { part.removeAll() }
        guard !part.isEmpty else { return }
        let partWidth = part.width
        let separatorWidth = separator.utf8CodeUnitCount      // ASCII
        if lineHasPart && lineWidth + separatorWidth + partWidth > width {
            stream.startLine()
            stream.append(restPrefix)
            lineWidth = restPrefix.utf8CodeUnitCount
            lineHasPart = false
        }
        if lineHasPart {
            stream.append(separator)
            lineWidth += separatorWidth
        }
        stream.append(part.bytes)
        lineWidth += partWidth
        lineHasPart = true
    }
}

/// One part of a line: its bytes, and its width in columns (Characters) counted as it is built. ASCII and the
/// report's own one-column symbols (→ –) cannot join a neighbour into one Character, so their widths add up;
/// once a part holds other text (a capture's non-ASCII name), its width is counted from the finished part,
/// as `String.count` counts it.
struct TextPart {
    private(set) var bytes = ReportStream(output: nil)
    private var addedWidth = 0
    private var widthsAdd = true

    var isEmpty: Bool { bytes.count == 0 }

    var width: Int { widthsAdd ? addedWidth : bytes.text.count }

    mutating func removeAll() {
        bytes.removeAll()
        addedWidth = 0
        widthsAdd = true
    }

    /// Report text: ASCII, or symbols of one scalar and one column each (`→`, `–`).
    mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { utf8 in
            bytes.append(utf8)
            for byte in utf8 where byte & 0xC0 != 0x80 { addedWidth += 1 }
        }
    }

    mutating func decimal(_ value: Int) {
        ascii { ByteText.appendDecimal(value, to: &$0) }
    }

    /// `TerminalText.escape(text, limit:)`.
    mutating func escaped(_ text: String, limit: Int? = nil) {
        if let width = TerminalText.appendEscaped(text, limit: limit, to: &bytes) {
            addedWidth += width
        } else {
            widthsAdd = false
        }
    }

    /// `TerminalText.escape(prefix + text, limit:)` without building that String for plain text.
    mutating func escaped(_ text: String, after prefix: StaticString, limit: Int) {
        let prefixWidth = prefix.utf8CodeUnitCount               // ASCII
        guard limit > prefixWidth, TerminalText.isPlain(text) else {
            escaped(prefix.description + text, limit: limit)
            return
        }
        literal(prefix)
        escaped(text, limit: limit - prefixWidth)
    }

    /// `TerminalText.escape(endpoint.description)`.
    mutating func endpoint(_ endpoint: Endpoint) {
        if endpoint.address.isIPv6 {
            escaped(endpoint.description)
        } else {
            ascii { ByteText.appendEndpoint(endpoint, to: &$0) }
        }
    }

    /// `clock.precise(time)`.
    mutating func time(_ time: Timestamp, clock: Clock) {
        ascii { bytes in
            if clock.showsDate {
                ByteText.appendDate(time, to: &bytes)
                bytes.append(byte: UInt8(ascii: " "))
            }
            ByteText.appendTimeOfDay(time, to: &bytes)
        }
    }

    /// `Wording.frames(first, last)`: `frame 41`, `frames 41–52`.
    mutating func frames(_ first: Int, _ last: Int) {
        if first == last {
            literal("frame ")
            decimal(first)
        } else {
            literal("frames ")
            decimal(first)
            literal("–")
            decimal(last)
        }
    }

    /// Bytes that are all ASCII, written by `write`.
    private mutating func ascii(_ write: (inout ReportStream) -> Void) {
        let start = bytes.count
        write(&bytes)
        addedWidth += bytes.count - start
    }
}
