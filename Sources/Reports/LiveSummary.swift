import WireFormat
import PacketDecoding
import Diagnosis
import Analysis

/// The incident summary of a live capture, built as connections are reported: counts by cause and failures
/// grouped by (server, SNI, cause) with first and last times. It keeps no `ConnectionReport`, and every
/// collection is capped, so it stays small however long the capture runs.
public struct LiveSummary: Sendable {
    public private(set) var connections = 0
    public private(set) var established = 0
    public private(set) var failed = 0
    public private(set) var byCause: [Cause: Int] = [:]
    /// Failures not grouped because `maxGroups` groups already existed.
    public private(set) var ungroupedFailures = 0

    private var groups: [FailureGroupKey: Group] = [:]
    private var nextGroupOrder = 0

    static let maxGroups = 1_000
    static let idsKept = 8
    /// Distinct clients counted per group; past it the count reads "at least".
    static let clientsKept = 256

    private struct Group: Sendable {
        var order: Int
        var server: Endpoint
        var sniLabel: String
        var cause: Cause
        var count = 0
        var first: Timestamp
        var last: Timestamp
        var ids: [Int] = []
        var clients: Set<IPAddress> = []
        var clientsCapped = false
        /// The first failure's symptom (`the client sent fatal alert 48 unknown_ca after ServerHelloDone`).
        var symptom: String
        var otherSymptoms = 0

        mutating func add(_ c: ConnectionReport) {
            count += 1
            first = min(first, c.firstPacket)
            last = max(last, c.firstPacket)
            if ids.count < LiveSummary.idsKept { ids.append(c.id) }
            if clients.count < LiveSummary.clientsKept {
                clients.insert(c.client.address)
            } else if !clients.contains(c.client.address) {
                clientsCapped = true
            }
            if count > 1, Wording.symptomWithStage(c) != symptom { otherSymptoms += 1 }
        }
    }

    public init() {}

    public mutating func add(_ c: ConnectionReport) {
        connections += 1
        byCause[c.cause, default: 0] += 1
        if c.established { established += 1 }
        guard c.failed else { return }
        failed += 1
        let key = FailureGroupKey(c)
        if groups[key] == nil {
            guard groups.count < Self.maxGroups else {
                ungroupedFailures += 1
                return
            }
            groups[key] = Group(order: nextGroupOrder, server: c.server, sniLabel: Wording.sniLabel(c), cause: c.cause,
                                first: c.firstPacket, last: c.firstPacket, symptom: Wording.symptomWithStage(c))
            nextGroupOrder += 1
        }
        groups[key]?.add(c)
    }

    /// ```
    /// 3 TLS connections: 1 established, 2 failed
    /// Incident summary: 2 failed connections in 2 groups (server, SNI, cause), most frequent first
    ///   1 × cipher_mismatch  127.0.0.1:443  SNI localhost  at 10:41:07  1 client
    ///       the server sent fatal alert 40 handshake_failure after ClientHello; see #1
    /// ```
    /// Plain text for stderr; capture facts (interface, packet and drop counters) are the caller's.
    public func textLines() -> [String] {
        guard connections > 0 else { return ["No TLS connections seen."] }
        var lines = ["\(CountText.plural(connections, "TLS connection")): "
                     + "\(CountText.grouped(established)) established, \(CountText.grouped(failed)) failed"]
        guard failed > 0 else {
            lines.append("Incident summary: no handshake failed.")
            return lines
        }
        let sorted = groups.values.sorted { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count > rhs.count }
            return lhs.order < rhs.order
        }
        let clock = Clock(first: sorted.map(\.first).min(), last: sorted.map(\.last).max())
        lines.append("Incident summary: \(CountText.plural(failed, "failed connection")) in "
                     + "\(CountText.plural(groups.count, "group")) (server, SNI, cause), most frequent first")
        let countWidth = sorted.map { CountText.grouped($0.count).count }.max() ?? 1
        let causeWidth = min(24, sorted.map { $0.cause.rawValue.count }.max() ?? 0)
        for group in sorted {
            let count = CountText.grouped(group.count)
            let lead = "  " + String(repeating: " ", count: countWidth - count.count) + count + " × "
            let detailPrefix = String(repeating: " ", count: lead.count)
            let cause = TextLayout.pad(TerminalText.escape(group.cause.rawValue), to: causeWidth)
            let (from, to) = (clock.seconds(group.first), clock.seconds(group.last))
            let time = from == to ? "at \(from)" : "\(from) – \(to)"
            let clients = (group.clientsCapped ? "at least " : "") + CountText.plural(group.clients.count, "client")
            lines += TextLayout.fit(
                [
                    cause + " " + TerminalText.escape(group.server.description),
                    TerminalText.escape(group.sniLabel, limit: ConnectionText.nameLimit),
                    time + " UTC",
                    clients,
                ],
                firstPrefix: lead, restPrefix: detailPrefix)
            var symptom = TerminalText.escape(group.symptom)
            if group.otherSymptoms > 0 { symptom += " (\(group.otherSymptoms) ended differently)" }
            let shown = group.ids.map { "#\($0)" }.joined(separator: ", ")
            let ids = group.count > group.ids.count ? "\(shown) and \(CountText.grouped(group.count - group.ids.count)) more" : shown
            lines += TextLayout.wrap("\(symptom); see \(ids)", firstPrefix: detailPrefix, restPrefix: detailPrefix + "  ")
        }
        if ungroupedFailures > 0 {
            lines.append("  \(CountText.plural(ungroupedFailures, "more failure")) in groups past the first "
                         + "\(CountText.grouped(Self.maxGroups)) (counted by cause only)")
        }
        let causes = byCause.filter { $0.key != .ok }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        lines.append("By cause: " + causes.map { "\(TerminalText.escape($0.key.rawValue)) \(CountText.grouped($0.value))" }
            .joined(separator: ", "))
        return lines
    }
}
