import WireFormat
import TLSDissector
import Diagnosis
import Analysis

// Sentences shared by the text and markdown reports. They return plain strings built from report fields;
// each format escapes the whole result once when it prints it (TerminalText / MarkdownText).

enum Wording {
    static func side(_ side: Side) -> String { side == .client ? "the client" : "the server" }

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
        var phrase = ""
        appendAlertPhrase(HandshakeEnding.Alert(from: alert.from, level: alert.level, description: alert.description,
                                                encrypted: alert.encrypted), to: &phrase)
        return phrase
    }

    /// One String grown in place: a report words this for every failed connection.
    private static func appendAlertPhrase(_ alert: HandshakeEnding.Alert, to phrase: inout String) {
        guard let description = alert.description else {
            phrase += "sent an encrypted alert"
            return
        }
        phrase.reserveCapacity(phrase.utf8.count + 48)
        phrase += "sent "
        switch alert.level {
        case .fatal?: phrase += "fatal "
        case .warning?: phrase += "warning "
        case let other?: phrase += "level-\(other.rawValue) "
        case nil: break
        }
        let number = String(description.rawValue)
        phrase += "alert "
        phrase += number
        let name = description.name
        if name != number {
            phrase += " "
            phrase += name
        }
        if alert.encrypted { phrase += " (decrypted)" }
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
        if let alert = ending.alert {
            var text = side(alert.from) + " "
            appendAlertPhrase(alert, to: &text)
            return (text, frames.alert)
        }
        if cause == .tcpRefused {
            return ("the server answered the SYN with a reset", frames.reset)
        }
        if cause == .noServerResponse {
            return (ending.sawClientHello ? "the server never answered the ClientHello" : "the server never answered the SYN", nil)
        }
        switch ending.endedBy {
        case .rst:
            if let from = ending.resetBy { return ("\(side(from)) reset the connection", frames.reset) }
            return ("the connection was reset", nil)
        case .fin:
            if let from = ending.closedBy { return ("\(side(from)) closed the connection without an alert", frames.fin) }
            return ("the connection was closed without an alert", nil)
        case .captureEnd:
            return ("the capture ended before the handshake finished", nil)
        case .open:
            return ("the handshake had not finished", nil)
        case .alert:
            return ("the connection ended with an alert", nil)
        }
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
        var parts: [String] = []
        forEachNegotiatedPiece(c) { parts.append($0) }
        return parts.isEmpty ? "handshake complete" : parts.joined(separator: ", ")
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
        if !c.failed { return "OK: \(negotiated(c))" }
        if c.established { return "ESTABLISHED (\(negotiated(c))) but flagged \(c.cause.rawValue)" }
        let (text, frame) = symptom(c)
        var verdict = "FAILED"
        verdict.reserveCapacity(c.stage.utf8.count + text.utf8.count + 32)
        if !c.stage.isEmpty {
            verdict += " "
            verdict += c.stage
        }
        verdict += ": "
        verdict += text
        if let frame { verdict += " (frame \(frame))" }
        return verdict
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
