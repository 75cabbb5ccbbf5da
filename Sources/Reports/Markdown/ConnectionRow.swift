import WireFormat
import PacketDecoding
import Diagnosis

extension MarkdownReport {
    /// `connectionRow`, written straight into the stream when its identifiers are plain (IPv4 ends, an SNI of
    /// printable ASCII that a code span holds as it is): a report can list a hundred thousand rows.
    func writeConnectionRow(_ c: ConnectionReport, clock: Clock, to stream: inout ReportStream) {
        guard !c.client.address.isIPv6, !c.server.address.isIPv6, c.sni.map(Self.isPlainCode) ?? true else {
            stream.line(connectionRow(c, clock: clock))
            return
        }
        stream.startLine()
        stream.append("| ")
        ByteText.appendDecimal(c.id, to: &stream)
        stream.append(" | `")
        ByteText.appendEndpoint(c.client, to: &stream)
        stream.append("` | `")
        ByteText.appendEndpoint(c.server, to: &stream)
        stream.append("` | ")
        if let sni = c.sni {
            stream.append(byte: UInt8(ascii: "`"))
            stream.append(sni)
            stream.append(byte: UInt8(ascii: "`"))
        } else {
            stream.append(Wording.sawClientHello(c) ? "(no SNI)" : "(no ClientHello)")
        }
        stream.append(" | ")
        if clock.showsDate {
            ByteText.appendDate(c.firstPacket, to: &stream)
            stream.append(byte: UInt8(ascii: " "))
        }
        ByteText.appendTimeOfDay(c.firstPacket, to: &stream)
        stream.append(" | ")
        if c.failed {
            MarkdownText.appendCell(Wording.verdict(c), to: &stream)
        } else {
            // `Wording.negotiated`, a cell piece by piece (cells escape character by character).
            var pieces = 0
            func piece(_ text: String) {
                if pieces > 0 { stream.append(", ") }
                MarkdownText.appendCell(text, to: &stream)
                pieces += 1
            }
            Wording.forEachNegotiatedPiece(c, piece)
            if pieces == 0 { stream.append("handshake complete") }
        }
        for (index, warning) in c.warnings.enumerated() {
            stream.append(index == 0 ? "; warnings: " : "; ")
            MarkdownText.appendCell(warning, to: &stream)
        }
        stream.append(" |")
    }

    /// What `MarkdownText.code(text, inTable: true, limit: nameLimit)` leaves as it is between single backticks:
    /// printable ASCII without backslash, backtick or `|`, not empty, not at the edges a space, not cut.
    static func isPlainCode(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= ConnectionText.nameLimit, utf8.first != UInt8(ascii: " "),
              utf8.last != UInt8(ascii: " "), TerminalText.isPlain(text) else { return false }
        return !utf8.contains { $0 == UInt8(ascii: "`") || $0 == UInt8(ascii: "|") }
    }
}
