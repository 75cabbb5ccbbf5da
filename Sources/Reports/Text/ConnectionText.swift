import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis

/// Where `ConnectionText.writeRow` writes a connection's one-line row, part by part: words, strings and numbers
/// as `WordingSink` takes them (the verdict is worded into the row), the row's other pieces below, and `endPart`
/// after each part, which `TextLayout.fit` joins with two spaces or a continuation line.
protocol RowSink: WordingSink {
    /// `TerminalText.escape(endpoint.description)`.
    mutating func endpoint(_ endpoint: Endpoint)
    /// `TerminalText.escape("SNI " + sni, limit: ConnectionText.nameLimit)`.
    mutating func sni(_ sni: String)
    /// `clock.precise(time)`.
    mutating func time(_ time: Timestamp, clock: Clock)
    /// `Wording.frames(first, last)`: `frame 41`, `frames 41–52`.
    mutating func frames(_ first: Int, _ last: Int)
    mutating func endPart()
}

/// One connection in the text report: a full block for a failure, one line for a healthy handshake.
/// Every string from the report goes through `esc` (TerminalText.escape) before it is laid out.
enum ConnectionText {
    /// Identifiers from the capture (SNI, names, ALPN) are cut at this many characters in text.
    static let nameLimit = 200

    static func esc(_ text: String) -> String { TerminalText.escape(text) }
    static func name(_ text: String) -> String { TerminalText.escape(text, limit: nameLimit) }

    /// `#7  10.99.0.1:50068 → 10.99.0.14:443  SNI api.example.test  03:12:05.031  frames 41–52`
    static func headerParts(_ c: ConnectionReport, clock: Clock, timeSuffix: String) -> [String] {
        [
            "#\(c.id)",
            "\(esc(c.client.description)) → \(esc(c.server.description))",
            name(Wording.sniLabel(c)),
            clock.precise(c.firstPacket) + timeSuffix,
            Wording.frames(c.firstFrame, c.lastFrame),
        ]
    }

    /// The one-line form (a healthy handshake, or a failure past the first of its group), written straight into
    /// the stream: the header parts and the verdict laid out as `TextLayout.fit` lays them out, then warnings.
    /// Most rows are plain text that `PlainRow` writes at once; the others go part by part through `fitter`.
    static func writeOneLine(_ c: ConnectionReport, clock: Clock, timeSuffix: StaticString = "",
                             to stream: inout ReportStream, fitter: inout LineFitter) {
        stream.startLine()
        if !PlainRow.write(c, clock: clock, timeSuffix: timeSuffix, to: &stream) {
            fitter.writeLine(in: &stream) { writeRow(c, clock: clock, timeSuffix: timeSuffix, to: &$0) }
        }
        for warning in c.warnings {
            TextLayout.writeWrapped("Warning: " + esc(warning), firstPrefix: "    ", restPrefix: "      ", to: &stream)
        }
    }

    /// The parts of `writeOneLine`'s row, each ended by `endPart`: written by `PlainRow` when its text is plain,
    /// else by `LineFitter`, which escapes each string as it goes.
    static func writeRow(_ c: borrowing ConnectionReport, clock: Clock, timeSuffix: StaticString,
                         to row: inout some RowSink) {
        row.word("#")
        row.number(c.id)
        row.endPart()
        row.endpoint(c.client)
        row.word(" → ")
        row.endpoint(c.server)
        row.endPart()
        if let sni = c.sni {
            row.sni(sni)
        } else {
            row.word(Wording.sawClientHello(c) ? "no SNI" : "no ClientHello")
        }
        row.endPart()
        row.time(c.firstPacket, clock: clock)
        row.word(timeSuffix)
        row.endPart()
        row.frames(c.firstFrame, c.lastFrame)
        row.endPart()
        Wording.writeVerdict(c, to: &row)
        row.endPart()
    }

    /// The full form (a failure), written into the stream line by line; wrapped text goes in from its bytes.
    static func writeBlock(_ c: ConnectionReport, clock: Clock, timeSuffix: String = "", to stream: inout ReportStream) {
        stream.lines(TextLayout.fit(headerParts(c, clock: clock, timeSuffix: timeSuffix), restPrefix: "    "))
        TextLayout.writeWrapped(esc(Wording.verdict(c)), firstPrefix: "    ", restPrefix: "      ", to: &stream)
        let explanation = c.explanation.isEmpty ? "" : ": " + esc(c.explanation)
        TextLayout.writeWrapped("Cause \(esc(c.cause.rawValue))\(explanation)", firstPrefix: "    ", restPrefix: "      ",
                                to: &stream)
        if !c.nextSteps.isEmpty {
            stream.line("    Next steps:")
            for step in c.nextSteps {
                TextLayout.writeWrapped(esc(step), firstPrefix: "      - ", restPrefix: "        ", to: &stream)
            }
        }
        if let trust = c.trust {
            TextLayout.writeWrapped("Trust: \(TrustWording.word(trust)): \(esc(TrustWording.detail(trust)))",
                                    firstPrefix: "    ", restPrefix: "      ", to: &stream)
        }
        stream.lines(certificates(c))
        if !c.timeline.isEmpty {
            let entries = TimelineLines.lines(c.timeline, escape: esc)
            stream.lines(TimelineLines.aligned(entries, firstPrefix: "    Handshake  ", restPrefix: "               "))
        }
        for warning in c.warnings {
            TextLayout.writeWrapped("Warning: " + esc(warning), firstPrefix: "    ", restPrefix: "      ", to: &stream)
        }
    }

    static func certificates(_ c: ConnectionReport) -> [String] {
        guard !c.certificates.isEmpty else { return [] }
        var lines = ["    Certificates (\(c.certificates.count), as sent):"]
        for (index, certificate) in c.certificates.enumerated() {
            let subject = name(Wording.certificateName(certificate.subjectCommonName, certificate.subject))
            let issuer = name(Wording.certificateName(certificate.issuerCommonName, certificate.issuer))
            let number = "      \(index + 1). "
            let pad = String(repeating: " ", count: number.count)
            lines += TextLayout.fit([subject, "issued by \(issuer)"], separator: ", ", firstPrefix: number,
                                    restPrefix: pad)
            lines += TextLayout.fit(certificateFacts(certificate, at: c.firstPacket), separator: " · ",
                                    firstPrefix: pad, restPrefix: pad)
        }
        return lines
    }

    /// `valid 2025-11-29 – 2027-11-29 (expired at capture time)`, `SAN a, b +3 more`, `self-signed`,
    /// `sha256 0a1b2c3d4e5f6a7b…`, escaped for text.
    static func certificateFacts(_ certificate: CertificateSummary, at time: Timestamp) -> [String] {
        var validity = "valid \(certificate.notBefore.date) – \(certificate.notAfter.date)"
        if certificate.notAfter < time {
            validity += " (expired at capture time)"
        } else if time < certificate.notBefore {
            validity += " (not yet valid at capture time)"
        }
        var facts = [validity]
        let names = certificate.dnsNames + certificate.ipAddresses
        if names.isEmpty {
            facts.append("no SAN")
        } else {
            let shown = names.prefix(4).map { TerminalText.escape($0, limit: 80) }.joined(separator: ", ")
            facts.append("SAN " + shown + (names.count > 4 ? " +\(names.count - 4) more" : ""))
        }
        if certificate.isSelfSigned { facts.append("self-signed") }
        if certificate.isCA { facts.append("CA") }
        if !certificate.sha256.isEmpty { facts.append("sha256 \(TerminalText.escape(String(certificate.sha256.prefix(16))))…") }
        return facts
    }
}
