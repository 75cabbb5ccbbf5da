import WireFormat
import PacketDecoding
import TLSDissector
import Diagnosis

/// How a connection's handshake ended, in the few facts the symptom sentence is worded from (`the client sent
/// fatal alert 48 unknown_ca after ServerHelloDone`). The list keeps them for every connection, so an incident
/// summary reads no report.
public struct HandshakeEnding: Hashable, Sendable {
    /// The alert that ended the handshake, without its frame.
    public struct Alert: Hashable, Sendable {
        public var from: Side
        /// nil when encrypted and not decrypted.
        public var level: AlertLevel?
        public var description: AlertDescription?
        public var encrypted: Bool

        public init(from: Side, level: AlertLevel?, description: AlertDescription?, encrypted: Bool) {
            self.from = from
            self.level = level
            self.description = description
            self.encrypted = encrypted
        }
    }

    public var alert: Alert?
    public var endedBy: EndedBy
    /// Who sent the last RST, and the first FIN, of the timeline.
    public var resetBy: Side?
    public var closedBy: Side?
    public var sawClientHello: Bool
    /// `ConnectionReport.stage`: `after ServerHelloDone`, `complete`, ...
    public var stage: String

    public init(alert: Alert?, endedBy: EndedBy, resetBy: Side?, closedBy: Side?, sawClientHello: Bool, stage: String) {
        self.alert = alert
        self.endedBy = endedBy
        self.resetBy = resetBy
        self.closedBy = closedBy
        self.sawClientHello = sawClientHello
        self.stage = stage
    }

    public init(_ report: borrowing ConnectionReport) {     // borrowing: an initializer would take a copy
        self = Self.read(report).ending
    }

    /// The ending, and the frames of the timeline events it names (the last RST, the first FIN), in one pass
    /// over the timeline reading entries in place (the list reads every connection's). Whether a ClientHello
    /// was seen reads the timeline again only for the rare report without SNI or offered versions.
    public static func read(_ report: ConnectionReport) -> (ending: HandshakeEnding, resetFrame: Int?, finFrame: Int?) {
        var resetBy: Side?, closedBy: Side?, resetFrame: Int?, finFrame: Int?
        let timeline = report.timeline
        for index in timeline.indices where timeline[index].kind == .tcp {
            let words = tcpWords(timeline[index].message)
            if words.reset {
                resetBy = timeline[index].from
                resetFrame = timeline[index].frame
            }
            if closedBy == nil, words.fin {
                closedBy = timeline[index].from
                finFrame = timeline[index].frame
            }
        }
        let alert = report.alert.map {
            Alert(from: $0.from, level: $0.level, description: $0.description, encrypted: $0.encrypted)
        }
        let ending = HandshakeEnding(alert: alert, endedBy: report.endedBy, resetBy: resetBy, closedBy: closedBy,
                                     sawClientHello: sawClientHello(report), stage: report.stage)
        return (ending, resetFrame, finFrame)
    }

    /// A ClientHello was seen (even one without SNI): a failure before it is a TCP-level one.
    public static func sawClientHello(_ report: ConnectionReport) -> Bool {
        if report.sni != nil || !report.offeredVersions.isEmpty { return true }
        // The timeline, not the report, in the closure: a closure that captured the report copied it whole.
        let timeline = report.timeline
        return timeline.indices.contains { timeline[$0].message == "ClientHello" }
    }

    /// Whether `text` contains `RST`, and whether it contains `FIN`, compared as UTF-8 in one pass (TCP events
    /// are ASCII words: `RST`, `FIN`, `SYN-ACK`), without the thousands of instructions of a Unicode-aware search.
    private static func tcpWords(_ text: String) -> (reset: Bool, fin: Bool) {
        // The words the tracker records, as whole strings first: equal small strings compare as two integers.
        switch text {
        case "SYN", "SYN-ACK": return (false, false)
        case "FIN": return (false, true)
        case "RST": return (true, false)
        default: return text.utf8.withContiguousStorageIfAvailable(tcpWords) ?? Array(text.utf8).withUnsafeBufferPointer(tcpWords)
        }
    }

    private static func tcpWords(_ bytes: UnsafeBufferPointer<UInt8>) -> (reset: Bool, fin: Bool) {
        var reset = false, fin = false
        var index = 0
        while index + 3 <= bytes.count {
            switch (bytes[index], bytes[index + 1], bytes[index + 2]) {
            case (UInt8(ascii: "R"), UInt8(ascii: "S"), UInt8(ascii: "T")): reset = true
            case (UInt8(ascii: "F"), UInt8(ascii: "I"), UInt8(ascii: "N")): fin = true
            default: break
            }
            index += 1
        }
        return (reset, fin)
    }
}

/// What the list knows of a connection without reading its report: the incident summary's facts.
public struct ConnectionOutline: Sendable {
    /// The connection's number in the report.
    public var id: Int
    public var client: Endpoint
    public var server: Endpoint
    public var firstPacket: Timestamp
    public var cause: Cause
    public var sni: String?
    public var ending: HandshakeEnding
    /// Its failure group (`FailureGroupKey`), as numbers.
    public var group: FailureGroupNumbers
}
