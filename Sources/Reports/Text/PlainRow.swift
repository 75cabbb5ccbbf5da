import WireFormat
import PacketDecoding
import Diagnosis

/// The one-line form of a connection when all of its text is plain (printable ASCII without a backslash, which
/// `TerminalText.escape` leaves as it is) and the line fits the room reserved for it: written with plain stores
/// into room reserved once at the end of the stream, with each part's width known as it is written (a byte a
/// column, but for the report's own `→` and `–`). A report can list a hundred thousand such rows, and writing
/// them through `LineFitter`, part by part and piece by piece, cost about five times as much.
///
/// The layout is `TextLayout.fit`'s: parts joined by two spaces, a continuation line (`    `) before a part that
/// would pass the width. None of the row's parts is ever empty, so none is skipped.
struct PlainRow {
    /// More than any plain row needs but one with a long SNI or ALPN, which `LineFitter` writes instead.
    static let room = 640
    static let separator: StaticString = "  "
    static let lineBreak: StaticString = "\n    "

    private var bytes: ByteText.Digits
    private let width: Int
    private var lineWidth = 0
    private var lineHasPart = false
    private var partStart = 0
    /// Bytes of the current part past one a column (`→` and `–` are three bytes, one column).
    private var wideBytes = 0
    /// Some text was not plain: the row must be written by `LineFitter`.
    private var notPlain = false

    private init(_ buffer: UnsafeMutableBufferPointer<UInt8>, width: Int) {
        bytes = ByteText.Digits(buffer: buffer)
        self.width = width
    }

    /// Writes the row of `c` at the end of `stream` (on the line already started), as `ConnectionText.writeOneLine`
    /// lays it out; false, with nothing written, when it is not plain or would not fit the room.
    static func write(_ c: borrowing ConnectionReport, clock: Clock, timeSuffix: StaticString, width: Int = TextLayout.width,
                      to stream: inout ReportStream) -> Bool {
        var written = false
        stream.append(upTo: room) { buffer in
            var row = PlainRow(buffer, width: width)
            ConnectionText.writeRow(c, clock: clock, timeSuffix: timeSuffix, to: &row)
            // The last `endPart` opened a part that nothing followed: its separator goes.
            row.bytes.removeLast(Self.separator.utf8CodeUnitCount)
            written = !row.notPlain && !row.bytes.overflowed
            return written ? row.bytes.count : 0
        }
        return written
    }

    /// Text from the report, as it is when plain; otherwise the row is not plain.
    private mutating func plain(_ text: String) {
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard TerminalText.isPlain(utf8) else { return false }
            bytes.put(utf8)
            return true
        }
        if copied != true { notPlain = true }
    }
}

/// The row's parts as they are when plain (escaping leaves plain text as it is, piece by piece as whole).
extension PlainRow: RowSink {
    /// The report's own words; `→` and `–` are one column each, as `TextPart.literal` counts them. Inlined: each
    /// word is a literal, so whether it is ASCII and how long it is are known where it is written.
    @inline(__always)
    mutating func word(_ text: StaticString) {
        bytes.put(text)
        if !text.isASCII {
            text.withUTF8Buffer { utf8 in
                for byte in utf8 where byte & 0xC0 == 0x80 { wideBytes += 1 }
            }
        }
    }

    mutating func text(_ text: String) { plain(text) }

    mutating func number(_ value: Int) { bytes.putDecimal(value) }

    /// An endpoint's text is plain.
    mutating func endpoint(_ endpoint: Endpoint) {
        if endpoint.address.isIPv6 {
            bytes.putIPv6Endpoint(endpoint)
        } else {
            bytes.putIPv4Endpoint(endpoint)
        }
    }

    mutating func sni(_ sni: String) {
        bytes.put("SNI " as StaticString)
        // Longer than the name limit: cut, with a count, by `LineFitter`.
        if sni.utf8.count > ConnectionText.nameLimit - 4 { notPlain = true }
        plain(sni)
    }

    mutating func time(_ time: Timestamp, clock: Clock) {
        if clock.showsDate {
            if !bytes.putDate(time) { notPlain = true }
            bytes.put(UInt8(ascii: " "))
        }
        if !bytes.putTimeOfDay(time) { notPlain = true }
    }

    mutating func frames(_ first: Int, _ last: Int) {
        if first == last {
            bytes.put("frame " as StaticString)
            bytes.putDecimal(first)
        } else {
            bytes.put("frames " as StaticString)
            bytes.putRange(first, last)
            wideBytes += 2
        }
    }

    /// Lays out the part just written (a line break instead of the separator before it when it would pass the
    /// width), then opens the next one with a separator, for the next `endPart` to turn into a line break if
    /// need be.
    @inline(__always)
    mutating func endPart() {
        let partWidth = bytes.count - partStart - wideBytes
        if lineHasPart && lineWidth + Self.separator.utf8CodeUnitCount + partWidth > width {
            bytes.replace(at: partStart - Self.separator.utf8CodeUnitCount, removing: Self.separator.utf8CodeUnitCount,
                          with: Self.lineBreak)
            lineWidth = Self.lineBreak.utf8CodeUnitCount - 1          // after the newline
            lineHasPart = false
        }
        if lineHasPart { lineWidth += Self.separator.utf8CodeUnitCount }
        lineWidth += partWidth
        lineHasPart = true
        bytes.put(Self.separator)
        partStart = bytes.count
        wideBytes = 0
    }
}
