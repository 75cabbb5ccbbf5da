import WireFormat
import PacketDecoding

/// `TextLayout.fit` written straight into a stream, for the one-line form of a connection (a report can list a
/// hundred thousand): each part is written into the stream through `part`, then `endPart` puts `separator`
/// before it, or starts a continuation line (`restPrefix`) there when it would pass the width.
struct LineFitter {
    /// The part being written; it holds the report's stream while `writeLine` runs.
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

    /// Lets `body` write the parts of a line, already started in `stream`, each ended by `endPart()`. The parts go
    /// straight into the stream, with no copy made on the side.
    mutating func writeLine(in stream: inout ReportStream, _ body: (inout LineFitter) -> Void) {
        lineWidth = 0
        lineHasPart = false
        part.hold(&stream)
        body(&self)
        part.hold(&stream)
    }

    /// Ends the part written: empty parts are skipped, as `fit` skips them.
    mutating func endPart() {
        defer { part.startNext() }
        guard !part.isEmpty else { return }
        let partWidth = part.width
        let separatorWidth = separator.utf8CodeUnitCount      // ASCII
        if lineHasPart && lineWidth + separatorWidth + partWidth > width {
            part.insertBefore("\n")
            part.insertBefore(restPrefix)
            lineWidth = restPrefix.utf8CodeUnitCount
            lineHasPart = false
        }
        if lineHasPart {
            part.insertBefore(separator)
            lineWidth += separatorWidth
        }
        lineWidth += partWidth
        lineHasPart = true
    }
}

/// A row's pieces, written into the part, each string escaped as it goes (`TerminalText.escape`).
extension LineFitter: RowSink {
    mutating func word(_ text: StaticString) { part.literal(text) }
    mutating func text(_ text: String) { part.escaped(text) }
    mutating func number(_ value: Int) { part.decimal(value) }
    mutating func endpoint(_ endpoint: Endpoint) { part.endpoint(endpoint) }
    mutating func sni(_ sni: String) { part.escaped(sni, after: "SNI ", limit: ConnectionText.nameLimit) }
    mutating func time(_ time: Timestamp, clock: Clock) { part.time(time, clock: clock) }
    mutating func frames(_ first: Int, _ last: Int) { part.frames(first, last) }
}

/// One part of a line, written at the end of the stream it holds: its bytes from `start`, and its width in
/// columns (Characters) counted as it is built. ASCII and the report's own one-column symbols (→ –) cannot
/// join a neighbour into one Character, so their widths add up; once a part holds other text (a capture's
/// non-ASCII name), its width is counted from the finished part, as `String.count` counts it.
struct TextPart {
    /// The report's stream while `LineFitter.writeLine` runs; an empty one otherwise.
    private(set) var bytes = ReportStream(output: nil)
    private var start = 0
    private var addedWidth = 0
    private var widthsAdd = true

    var isEmpty: Bool { bytes.count == start }

    var width: Int {
        widthsAdd ? addedWidth : bytes.withBytes { String(decoding: UnsafeBufferPointer(rebasing: $0[start...]), as: UTF8.self).count }
    }

    /// Swaps `stream` with the one held, and starts a part at its end.
    fileprivate mutating func hold(_ stream: inout ReportStream) {
        swap(&bytes, &stream)
        startNext()
    }

    fileprivate mutating func startNext() {
        start = bytes.count
        addedWidth = 0
        widthsAdd = true
    }

    /// Puts `text` before the part (a separator or a line break: not counted in its width).
    fileprivate mutating func insertBefore(_ text: StaticString) {
        bytes.insert(text, at: start)
        start += text.utf8CodeUnitCount
    }

    /// Report text: ASCII, or symbols of one scalar and one column each (`→`, `–`).
    mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { utf8 in
            bytes.append(utf8)
            if text.isASCII {
                addedWidth += utf8.count
            } else {
                for byte in utf8 where byte & 0xC0 != 0x80 { addedWidth += 1 }
            }
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
        let start = bytes.count
        literal(prefix)
        if limit > prefixWidth, let width = TerminalText.appendIfPlain(text, limit: limit - prefixWidth, to: &bytes) {
            addedWidth += width
            return
        }
        // Other text is escaped and cut with the prefix: its first character may join the prefix's last.
        bytes.truncate(to: start)
        addedWidth -= prefixWidth
        escaped(prefix.description + text, limit: limit)
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
            let start = bytes.count
            ByteText.appendRange(first, last, to: &bytes)
            addedWidth += bytes.count - start - 2       // "–" is three bytes, one column
        }
    }

    /// Bytes that are all ASCII, written by `write`.
    private mutating func ascii(_ write: (inout ReportStream) -> Void) {
        let start = bytes.count
        write(&bytes)
        addedWidth += bytes.count - start
    }
}
