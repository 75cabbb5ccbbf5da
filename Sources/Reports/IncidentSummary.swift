import WireFormat
import PacketDecoding
import Diagnosis
import Analysis

/// Failed connections grouped by (server endpoint, SNI, cause), most frequent first: the answer to "what is
/// broken, for whom, since when" before any single connection is read.
struct FailureGroup {
    var server: Endpoint
    var sni: String?
    var sawClientHello: Bool
    var cause: Cause
    /// Connection ids, in report order.
    var ids: [Int] = []
    var first: Timestamp
    var last: Timestamp
    var clients: Set<IPAddress> = []
    /// The most common symptom (`the client sent fatal alert 48 unknown_ca after ServerHelloDone`).
    var symptom: String = ""
    /// Connections in the group whose symptom differs from `symptom`.
    var otherSymptoms: Int = 0

    var count: Int { ids.count }

    /// `SNI api.example.test`, `no SNI`, `no ClientHello`.
    var sniLabel: String {
        if let sni { return "SNI \(sni)" }
        return sawClientHello ? "no SNI" : "no ClientHello"
    }


    /// The failed connections in one pass over what the list keeps in memory (no report is read): their
    /// groups, and their positions split into those shown in full and the rest, each in report order.
    static func summarize(_ connections: ConnectionList) -> (groups: [FailureGroup], full: [Int], brief: [Int]) {
        // Keyed by the list's numbers for a group's server, name and cause (the same groups as `FailureGroupKey`).
        var positions: [FailureGroupNumbers: Int] = [:]
        var groups: [FailureGroup] = []
        // Per group, its connections' endings in the order first seen: worded once each at the end.
        var endings: [[(ending: HandshakeEnding, count: Int)]] = []
        // Per group, its clients' addresses: made a set once at the end, at its size, not grown one by one.
        var clients: [[IPAddress]] = []
        var full: [Int] = []
        var brief: [Int] = []
        for index in connections.failedPositions {
            let c = connections.outline(at: index)
            let position: Int
            if let existing = positions[c.group] {
                position = existing
            } else {
                position = groups.count
                positions[c.group] = position
                groups.append(FailureGroup(server: c.server, sni: c.sni, sawClientHello: c.ending.sawClientHello,
                                           cause: c.cause, first: c.firstPacket, last: c.firstPacket))
                endings.append([])
                clients.append([])
            }
            if groups[position].count < FailureGroupKey.fullReportsPerGroup { full.append(index) } else { brief.append(index) }
            groups[position].add(c)
            clients[position].append(c.client.address)
            if let seen = endings[position].firstIndex(where: { $0.ending == c.ending }) {
                endings[position][seen].count += 1
            } else {
                endings[position].append((c.ending, 1))
            }
        }
        for position in groups.indices {
            groups[position].clients = Set(clients[position])
            // Endings worded alike count as one symptom, placed where the first of them was seen.
            var symptoms: [(text: String, count: Int)] = []
            for (ending, count) in endings[position] {
                let text = Wording.symptomWithStage(ending, cause: groups[position].cause)
                if let seen = symptoms.firstIndex(where: { $0.text == text }) {
                    symptoms[seen].count += count
                } else {
                    symptoms.append((text, count))
                }
            }
            // The most common symptom; ties go to the one seen first.
            var best = (text: "", count: 0)
            for symptom in symptoms where symptom.count > best.count { best = symptom }
            groups[position].symptom = best.text
            groups[position].otherSymptoms = groups[position].count - best.count
        }
        let sorted = groups.enumerated().sorted { lhs, rhs in
            // Most frequent first; then earliest, so groups of equal size read as a timeline.
            if lhs.element.count != rhs.element.count { return lhs.element.count > rhs.element.count }
            if lhs.element.first != rhs.element.first { return lhs.element.first < rhs.element.first }
            return lhs.offset < rhs.offset
        }.map(\.element)
        return (sorted, full, brief)
    }

    /// Adds the connection's id and time (`summarize` gathers the clients).
    mutating func add(_ c: ConnectionOutline) {
        ids.append(c.id)
        first = min(first, c.firstPacket)
        last = max(last, c.firstPacket)
    }

    /// `#3, #5, #8 and 34 more` (markdown passes no prefix: GitHub links `#3` to issue 3)
    func idList(limit: Int = 8, prefix: String = "#") -> String {
        let shown = ids.prefix(limit).map { "\(prefix)\($0)" }.joined(separator: ", ")
        return ids.count > limit ? "\(shown) and \(CountText.grouped(ids.count - limit)) more" : shown
    }

    /// `02:41:07 – 03:05:55` or `at 02:41:07`.
    func timeRange(_ clock: Clock) -> String {
        first == last ? "at \(clock.seconds(first))" : "\(clock.seconds(first)) – \(clock.seconds(last))"
    }
}
