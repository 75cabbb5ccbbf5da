import WireFormat
import TLSDissector
import Diagnosis
import Analysis

// Sentences shared by the text and markdown reports. They return plain strings built from report fields;
// each format escapes the whole result once when it prints it (TerminalText / MarkdownText). The text report's
// one-line form writes them piece by piece instead (`WordingSink`).

/// Where `Wording` writes a sentence, piece by piece: a String (`WordedText`), or a part of a text line, which
/// escapes each string as it writes it. Escaping goes character by character with no limit here, so the pieces
/// escaped one by one read as the whole sentence escaped at once.
protocol WordingSink {
    /// The report's own words (printable ASCII).
    mutating func word(_ text: StaticString)
    /// A string from the report or a protocol table (a stage, an alert name, an ALPN).
    mutating func text(_ text: String)
    mutating func number(_ value: Int)
}

/// A sentence as a String.
struct WordedText: WordingSink {
    var string = ""

    mutating func word(_ text: StaticString) {
        text.withUTF8Buffer { string += String(decoding: $0, as: UTF8.self) }
    }

    mutating func text(_ text: String) { string += text }

    mutating func number(_ value: Int) { string += String(value) }
}

enum Wording {
    static func sawClientHello(_ c: ConnectionReport) -> Bool { HandshakeEnding.sawClientHello(c) }

    /// `SNI api.example.test`, `no SNI`, or `no ClientHello` (a TCP-level failure).
    static func sniLabel(_ c: ConnectionReport) -> String {
        if let sni = c.sni { return "SNI \(sni)" }
        return sawClientHello(c) ? "no SNI" : "no ClientHello"
    }

    static func frames(_ first: Int, _ last: Int) -> String {
        first == last ? "frame \(first)" : "frames \(first)–\(last)"
    }

    /// `sent fatal alert 48 unknown_ca`; `sent an encrypted alert` when its code is not readable.
    static func alertPhrase(_ alert: AlertReport) -> String {
        var phrase = WordedText()
        writeAlertPhrase(HandshakeEnding.Alert(from: alert.from, level: alert.level, description: alert.description,
                                               encrypted: alert.encrypted), to: &phrase)
        return phrase.string
    }

    private static func writeAlertPhrase(_ alert: HandshakeEnding.Alert, to sink: inout some WordingSink) {
        guard let description = alert.description else {
            sink.word("sent an encrypted alert")
            return
        }
        sink.word("sent ")
        switch alert.level {
        case .fatal?: sink.word("fatal ")
        case .warning?: sink.word("warning ")
        case let other?:
            sink.word("level-")
            sink.number(Int(other.rawValue))
            sink.word(" ")
        case nil: break
        }
        sink.word("alert ")
        sink.number(Int(description.rawValue))
        let name = description.name
        if name != String(description.rawValue) {
            sink.word(" ")
            sink.text(name)
        }
        if alert.encrypted { sink.word(" (decrypted)") }
    }

    /// The frames a symptom can point at (a report's; the list's outline of a connection has none).
    struct SymptomFrames {
        var alert: Int?
        var reset: Int?
        var fin: Int?
    }

    /// What ended the handshake, as a clause (`the client sent fatal alert 48 unknown_ca`) and the frame
    /// where it shows.
    static func symptom(_ c: ConnectionReport) -> (text: String, frame: Int?) {
        let (ending, resetFrame, finFrame) = HandshakeEnding.read(c)
        return symptom(ending, cause: c.cause, frames: SymptomFrames(alert: c.alert?.frame, reset: resetFrame, fin: finFrame))
    }

    /// The clause from what the list keeps of every connection (`HandshakeEnding`), so the incident summary
    /// words it without reading the report.
    static func symptom(_ ending: HandshakeEnding, cause: Cause,
                        frames: SymptomFrames = SymptomFrames()) -> (text: String, frame: Int?) {
        var text = WordedText()
        let frame = writeSymptom(ending, cause: cause, frames: frames, to: &text)
        return (text.string, frame)
    }

    /// `symptom`, written into `sink`; returns the frame where it shows.
    static func writeSymptom(_ ending: HandshakeEnding, cause: Cause, frames: SymptomFrames,
                             to sink: inout some WordingSink) -> Int? {
        func side(_ side: Side) {
            sink.word(side == .client ? "the client" : "the server")
        }
        /// `the server reset the connection`, or `the connection was reset` when who did it is unknown.
        func ended(by who: Side?, _ did: StaticString, unknownWho: StaticString, frame: Int?) -> Int? {
            guard let who else {
                sink.word(unknownWho)
                return nil
            }
            side(who)
            sink.word(did)
            return frame
        }
        if let alert = ending.alert {
            side(alert.from)
            sink.word(" ")
            writeAlertPhrase(alert, to: &sink)
            return frames.alert
        }
        if cause == .tcpRefused {
            sink.word("the server answered the SYN with a reset")
            return frames.reset
        }
        if cause == .noServerResponse {
            sink.word(ending.sawClientHello ? "the server never answered the ClientHello" : "the server never answered the SYN")
            return nil
        }
        switch ending.endedBy {
        case .rst:
            return ended(by: ending.resetBy, " reset the connection", unknownWho: "the connection was reset",
                         frame: frames.reset)
        case .fin:
            return ended(by: ending.closedBy, " closed the connection without an alert",
                         unknownWho: "the connection was closed without an alert", frame: frames.fin)
        case .captureEnd:
            sink.word("the capture ended before the handshake finished")
        case .open:
            sink.word("the handshake had not finished")
        case .alert:
            sink.word("the connection ended with an alert")
        }
        return nil
    }

    /// `the client sent fatal alert 48 unknown_ca after ServerHelloDone`, for the incident summary.
    static func symptomWithStage(_ c: ConnectionReport) -> String {
        symptomWithStage(HandshakeEnding(c), cause: c.cause)
    }

    static func symptomWithStage(_ ending: HandshakeEnding, cause: Cause) -> String {
        var text = symptom(ending, cause: cause).text
        guard cause != .tcpRefused, cause != .noServerResponse, !ending.stage.isEmpty, ending.stage != "complete" else {
            return text
        }
        text += " "
        text += ending.stage
        return text
    }

    /// `TLS 1.3, TLS_AES_128_GCM_SHA256, h2, resumed`
    static func negotiated(_ c: ConnectionReport) -> String {
        var text = WordedText()
        writeNegotiated(c, to: &text)
        return text.string
    }

    /// `negotiated`, written into `sink`.
    static func writeNegotiated(_ c: ConnectionReport, to sink: inout some WordingSink) {
        var pieces = 0
        forEachNegotiatedPiece(c) { piece in
            if pieces > 0 { sink.word(", ") }
            sink.text(piece)
            pieces += 1
        }
        if pieces == 0 { sink.word("handshake complete") }
    }

    /// The pieces `negotiated` joins, in order: version, suite, ALPN, `resumed`, `after HelloRetryRequest`
    /// (none: `handshake complete`). Renderers that write pieces one at a time call this.
    static func forEachNegotiatedPiece(_ c: ConnectionReport, _ body: (String) -> Void) {
        if let version = c.version { body(version.description) }
        if let suite = c.cipherSuite { body(suite.description) }
        if let alpn = c.alpn { body(alpn) }
        if c.resumed { body("resumed") }
        if c.helloRetryRequest { body("after HelloRetryRequest") }
    }

    /// The first line under a connection: `OK: ...`, or `FAILED after ServerHelloDone: ... (frame 50)`.
    static func verdict(_ c: ConnectionReport) -> String {
        var text = WordedText()
        writeVerdict(c, to: &text)
        return text.string
    }

    /// `verdict`, written into `sink`.
    static func writeVerdict(_ c: ConnectionReport, to sink: inout some WordingSink) {
        if !c.failed {
            sink.word("OK: ")
            writeNegotiated(c, to: &sink)
            return
        }
        if c.established {
            sink.word("ESTABLISHED (")
            writeNegotiated(c, to: &sink)
            sink.word(") but flagged ")
            sink.text(c.cause.rawValue)
            return
        }
        let (ending, resetFrame, finFrame) = HandshakeEnding.read(c)
        sink.word("FAILED")
        if !c.stage.isEmpty {
            sink.word(" ")
            sink.text(c.stage)
        }
        sink.word(": ")
        let frames = SymptomFrames(alert: c.alert?.frame, reset: resetFrame, fin: finFrame)
        if let frame = writeSymptom(ending, cause: c.cause, frames: frames, to: &sink) {
            sink.word(" (frame ")
            sink.number(frame)
            sink.word(")")
        }
    }

    /// `link type Ethernet`; unknown types already read `link type 147`.
    static func linkType(_ linkType: LinkType) -> String {
        let description = linkType.description
        return description.hasPrefix("link type") ? description : "link type \(description)"
    }

    static func certificateName(_ commonName: String?, _ distinguishedName: String) -> String {
        if let commonName, !commonName.isEmpty { return "CN=\(commonName)" }
        return distinguishedName.isEmpty ? "(empty name)" : distinguishedName
    }
}

/// Times of day for a report; with the date when the capture spans more than one UTC day.
struct Clock {
    var showsDate: Bool

    init(first: Timestamp?, last: Timestamp?) {
        if let first, let last { showsDate = first.date != last.date } else { showsDate = false }
    }

    init(showsDate: Bool) { self.showsDate = showsDate }

    /// `03:12:05.031` or `2026-11-29 03:12:05.031`.
    func precise(_ time: Timestamp) -> String {
        showsDate ? "\(time.date) \(time.timeOfDay)" : time.timeOfDay
    }

    /// `03:12:05` (whole seconds, for summaries).
    func seconds(_ time: Timestamp) -> String {
        let clock = String(time.timeOfDay.prefix(8))
        return showsDate ? "\(time.date) \(clock)" : clock
    }

    /// `2026-11-29 03:12:04.118 – 03:14:51.902 UTC`
    static func span(_ first: Timestamp?, _ last: Timestamp?) -> String {
        guard let first else { return "no packets" }
        guard let last, last != first else { return "\(first.date) \(first.timeOfDay) UTC" }
        let end = last.date == first.date ? last.timeOfDay : "\(last.date) \(last.timeOfDay)"
        return "\(first.date) \(first.timeOfDay) – \(end) UTC"
    }
}
