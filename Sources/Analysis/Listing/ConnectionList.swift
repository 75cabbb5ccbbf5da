import WireFormat
import PacketDecoding
import TLSDissector
import Diagnosis

/// The listed connections of a report, in order of first packet. The first `ConnectionListBuilder.residentLimit`
/// reports a capture concludes are held as values; later ones are encoded (`ReportCoding`) into a `SpillFile` and
/// decoded one at a time when read, so memory stays flat however many connections are listed.
///
/// Reading gives each report its place in the list as `id`, and the notes that depend on the whole list (see
/// `Annotations`), so the same report reads the same whether it was kept or spilled.
public struct ConnectionList: RandomAccessCollection, MutableCollection, ExpressibleByArrayLiteral, Sendable {
    enum Location: Sendable {
        case resident(Int)
        case spilled(store: Int, offset: Int, length: Int)
    }

    /// A spill file and the certificates its reports refer to (one per analyzer: shards merge theirs).
    struct Store: Sendable {
        var file: SpillFile?
        var certificates: CertificateTable
    }

    /// Set by `Analyzer.assemble`: numbering and notes that depend on the whole list.
    struct Annotations: Sendable {
        /// The capture ended early: connections still open then get a warning.
        var captureEndedEarly = false
        /// Per server, what other clients succeeded with (`PeerContext.choices`).
        var peerChoices: [Endpoint: String] = [:]
    }

    private var resident: [ConnectionReport] = []
    private var entries: [Entry] = []
    private var shared = SharedValues()
    private var stores: [Store] = []
    private var annotations: Annotations?

    public init() {}

    public init(_ reports: [ConnectionReport]) {
        resident = reports
        entries.reserveCapacity(reports.count)
        for index in reports.indices { entries.append(Entry(reports[index], location: .resident(index), shared: &shared)) }
    }

    public init(arrayLiteral reports: ConnectionReport...) { self.init(reports) }

    init(resident: [ConnectionReport], entries: [Entry], shared: SharedValues, stores: [Store], annotations: Annotations?) {
        self.resident = resident
        self.entries = entries
        self.shared = shared
        self.stores = stores
        self.annotations = annotations
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }

    public subscript(position: Int) -> ConnectionReport {
        get {
            var report = stored(entries[position])
            if let annotations { annotate(&report, position: position, annotations) }
            return report
        }
        set {
            // A report set in place (tests, callers adjusting a report) is kept as given.
            resident.append(newValue)
            entries[position] = Entry(newValue, location: .resident(resident.count - 1), shared: &shared)
        }
    }

    public mutating func append(_ report: ConnectionReport) {
        resident.append(report)
        entries.append(Entry(report, location: .resident(resident.count - 1), shared: &shared))
    }

    /// What the list keeps in memory of each report, in list order.
    var digests: Digests { Digests(entries: entries, shared: shared) }

    /// Digests made as they are read, from the entries and the values they share (borrowed, not copied per digest).
    struct Digests: RandomAccessCollection {
        let entries: [Entry]
        let shared: SharedValues
        var startIndex: Int { 0 }
        var endIndex: Int { entries.count }
        subscript(position: Int) -> ConnectionDigest { ConnectionDigest(entries[position], shared) }
    }

    /// What each listed connection that succeeded with a version and suite chose: the only ones
    /// `PeerContext.choices` counts. Read from the entries, with no digest (strings and all) made for each.
    /// Only servers with a listed mismatch are given: `PeerContext.annotate` reads no other server's choices,
    /// so worded choices for every server (most captures have no mismatch at all) would go unread.
    var peerOutcomes: [PeerContext.Outcome] {
        var mismatchCauses = Set<UInt32>()
        for (number, word) in shared.causes.values.enumerated() where PeerContext.annotates(Cause(rawValue: word)) {
            mismatchCauses.insert(UInt32(number))
        }
        guard !mismatchCauses.isEmpty else { return [] }
        var mismatchServers = Set<UInt32>()
        for entry in entries where mismatchCauses.contains(entry.cause) { mismatchServers.insert(entry.server) }
        var outcomes: [PeerContext.Outcome] = []
        for entry in entries where !entry.failed && entry.flags.isSuperset(of: [.hasVersion, .hasCipherSuite])
            && mismatchServers.contains(entry.server) {
            outcomes.append(PeerContext.Outcome(server: server(entry), cause: .ok,
                                                version: ProtocolVersion(rawValue: entry.version),
                                                cipherSuite: CipherSuite(rawValue: entry.cipherSuite)))
        }
        return outcomes
    }

    /// The listed connections with a name and a leaf certificate, numbered by place, for
    /// `CertificateConsistency.findings`; read from the entries alone. Only the first connection of each name,
    /// certificate and server is given: `findings` words each name's certificates from the first connection
    /// that got each one, and the servers that sent it, so later ones would only repeat what it has (a busy
    /// service gives thousands of connections and a handful of such triples).
    var certificateAnswers: [CertificateConsistency.Answer] {
        struct Triple: Hashable {
            var sni: UInt32
            var leafSHA256: UInt32
            var server: UInt32
        }
        var seen = Set<Triple>()
        var answers: [CertificateConsistency.Answer] = []
        for (index, entry) in entries.enumerated() {
            guard let sni = shared.names[entry.sni], let sha256 = shared.fingerprints[entry.leafSHA256],
                  let subject = shared.subjects[entry.leafSubject],
                  seen.insert(Triple(sni: entry.sni, leafSHA256: entry.leafSHA256, server: entry.server)).inserted
            else { continue }
            answers.append(CertificateConsistency.Answer(connection: index + 1, sni: sni, server: server(entry),
                                                         leafSHA256: sha256, leafSubject: subject))
        }
        return answers
    }

    private func server(_ entry: Entry) -> Endpoint {
        shared.servers[entry.server] ?? Endpoint(address: IPAddress(ipv4: 0), port: 0)
    }

    /// The listed connections counted by outcome, from the entries alone: tallied by cause number (a few
    /// words) in a flat array, each cause word looked up once, not once per connection.
    var counts: ConnectionCounts {
        let causeCount = shared.causes.count
        // Two slots per cause number (not established, established); the last pair for a number past the table.
        var tally = [Int](repeating: 0, count: 2 * (causeCount + 1))
        for entry in entries {
            let cause = Swift.min(Int(entry.cause), causeCount)
            tally[2 * cause + (entry.flags.contains(.established) ? 1 : 0)] += 1
        }
        var counts = ConnectionCounts()
        for slot in tally.indices where tally[slot] > 0 {
            let cause = Cause(rawValue: shared.causes[UInt32(slot / 2)] ?? "")
            counts.add(cause: cause, established: slot % 2 == 1, count: tally[slot])
        }
        return counts
    }

    /// Whether any listed connection failed, without reading a report.
    var anyFailed: Bool { entries.contains { $0.failed } }

    /// Whether the connection at `position` failed, without reading its report.
    public func isFailed(at position: Int) -> Bool { entries[position].failed }

    /// The positions of the failed connections, in order, without reading any report: renderers read only
    /// the reports they print, once each.
    public var failedPositions: [Int] { entries.indices.filter { entries[$0].failed } }

    /// What the list knows of the connection at `position` without reading its report (the incident summary).
    public func outline(at position: Int) -> ConnectionOutline {
        let entry = entries[position]
        let digest = ConnectionDigest(entry, shared)
        // Numbered by place once `Analyzer.assemble` annotated the list; a list built by hand keeps its ids.
        let id = annotations != nil ? position + 1 : stored(entry).id
        let group = FailureGroupNumbers(server: entry.server, sni: entry.sni, cause: entry.cause,
                                        sawClientHello: entry.flags.contains(.sawClientHello))
        return ConnectionOutline(id: id, client: digest.client, server: digest.server, firstPacket: digest.firstPacket,
                                 cause: digest.cause, sni: digest.sni, ending: entry.ending(shared), group: group)
    }

    /// In listing order (`ListingOrder`: first frame, then last), as `Analyzer.assemble` lists them.
    mutating func sortByFirstPacket() {
        // The small keys are sorted, then each entry (about 100 bytes) moved once, not at every merge step.
        var orders = entries.indices.map { ListingOrder(entries[$0], index: $0) }
        orders.sort()
        entries = orders.map { entries[$0.index] }
    }

    /// Drops the entries past the first `count`, each counted in `unlisted` from what memory knew of it. One
    /// digest at a time: an array of them (strings and all) for the tens of thousands past the cap of a long
    /// capture was the peak of its memory.
    mutating func removeEntries(after count: Int, countingInto unlisted: inout ConnectionCounts) {
        guard entries.count > count else { return }
        for position in count..<entries.count { entries[position].count(into: &unlisted, shared) }
        entries.removeSubrange(count...)
    }

    /// Numbering and notes that depend on the whole list, applied as each report is read. Reports kept as values
    /// are numbered here too, once, so that `withReport` can lend most of them as they are.
    mutating func setAnnotations(_ annotations: Annotations) {
        self.annotations = annotations
        for position in entries.indices where entries[position].store == Entry.resident {
            resident[entries[position].offset].id = position + 1
        }
    }

    /// The report at `position`, as the subscript reads it, lent to `body`. A report kept as a value that its
    /// notes leave as it is goes to `body` where it lies: copying one (a score of strings and arrays) and
    /// freeing the copy cost more than writing its line of text.
    public func withReport<Result>(at position: Int, _ body: (ConnectionReport) -> Result) -> Result {
        let entry = entries[position]
        if entry.store == Entry.resident, annotations.map({ !mayAnnotate(entry, $0) }) ?? true {
            // Through the buffer: its subscript lends the element in place, where the array's copies it.
            let lent = resident.withUnsafeBufferPointer { reports -> Result? in
                let index = entry.offset
                guard reports.indices.contains(index), annotations == nil || reports[index].id == position + 1 else {
                    return nil
                }
                return body(reports[index])
            }
            if let lent { return lent }
        }
        return body(self[position])
    }

    /// Whether `annotate` may change the report of `entry` past its id: a connection still open when the capture
    /// ended early, or a mismatch (`PeerContext.annotate`).
    private func mayAnnotate(_ entry: Entry, _ annotations: Annotations) -> Bool {
        if annotations.captureEndedEarly, entry.endedBy == .captureEnd || entry.endedBy == .open { return true }
        return entry.failed && PeerContext.annotates(entry.cause(shared))
    }

    private func stored(_ entry: Entry) -> ConnectionReport {
        switch entry.location {
        case .resident(let index):
            return resident[index]
        case .spilled(let storeIndex, let offset, let length):
            let store = stores[storeIndex]
            if let bytes = store.file?.read(at: offset, length: length),
               let report = ReportCoding.decode(bytes[...], certificates: store.certificates) {
                return report
            }
            return unreadable(entry)
        }
    }

    private func annotate(_ report: inout ConnectionReport, position: Int, _ annotations: Annotations) {
        report.id = position + 1
        PeerContext.annotate(&report, choices: annotations.peerChoices)
        if annotations.captureEndedEarly, report.endedBy == .captureEnd || report.endedBy == .open {
            report.warnings.append("the capture file ends early (see the capture's warnings): this connection was still open, its last packets are missing")
        }
    }

    /// A spilled report the temporary file could not give back (the disk failed under us): what memory still
    /// knows, and a warning saying the rest is missing.
    private func unreadable(_ entry: Entry) -> ConnectionReport {
        let digest = ConnectionDigest(entry, shared)
        var report = ConnectionReport(id: 0, client: digest.client, server: digest.server, firstFrame: digest.firstFrame,
                                      lastFrame: digest.lastFrame, firstPacket: digest.firstPacket,
                                      lastPacket: digest.firstPacket)
        report.cause = digest.cause
        report.established = digest.established
        report.sni = digest.sni
        let ending = entry.ending(shared)
        report.stage = ending.stage
        report.endedBy = ending.endedBy
        report.warnings = ["this connection's details could not be read back from the temporary file"]
        return report
    }
}
