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

    /// What the list keeps of a report in memory, however it is stored: enough to order it and for the findings
    /// across connections.
    struct Entry: Sendable {
        var location: Location
        var digest: ConnectionDigest
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
    private var stores: [Store] = []
    private var annotations: Annotations?

    public init() {}

    public init(_ reports: [ConnectionReport]) {
        resident = reports
        entries = reports.indices.map { Entry(location: .resident($0), digest: ConnectionDigest(reports[$0])) }
    }

    public init(arrayLiteral reports: ConnectionReport...) { self.init(reports) }

    init(resident: [ConnectionReport], entries: [Entry], stores: [Store], annotations: Annotations?) {
        self.resident = resident
        self.entries = entries
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
            entries[position] = Entry(location: .resident(resident.count - 1), digest: ConnectionDigest(newValue))
        }
    }

    public mutating func append(_ report: ConnectionReport) {
        resident.append(report)
        entries.append(Entry(location: .resident(resident.count - 1), digest: ConnectionDigest(report)))
    }

    /// What the list keeps in memory of each report, in list order.
    var digests: some RandomAccessCollection<ConnectionDigest> { entries.lazy.map(\.digest) }

    /// Whether the connection at `position` failed, without reading its report.
    public func isFailed(at position: Int) -> Bool { entries[position].digest.cause != .ok }

    /// The positions of the failed connections, in order, without reading any report: renderers read only
    /// the reports they print, once each.
    public var failedPositions: [Int] { entries.indices.filter { entries[$0].digest.cause != .ok } }

    /// In order of first packet (then last), as `Analyzer.assemble` lists them.
    mutating func sortByFirstPacket() {
        entries.sort { ($0.digest.firstFrame, $0.digest.lastFrame) < ($1.digest.firstFrame, $1.digest.lastFrame) }
    }

    /// Drops the entries past the first `count` and returns what memory knew of them (for the counts).
    mutating func removeEntries(after count: Int) -> [ConnectionDigest] {
        guard entries.count > count else { return [] }
        defer { entries.removeSubrange(count...) }
        return entries[count...].map(\.digest)
    }

    /// Numbering and notes that depend on the whole list, applied as each report is read.
    mutating func setAnnotations(_ annotations: Annotations) {
        self.annotations = annotations
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
            return Self.unreadable(entry.digest)
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
    private static func unreadable(_ digest: ConnectionDigest) -> ConnectionReport {
        var report = ConnectionReport(id: 0, client: digest.client, server: digest.server, firstFrame: digest.firstFrame,
                                      lastFrame: digest.lastFrame, firstPacket: digest.firstPacket,
                                      lastPacket: digest.firstPacket)
        report.cause = digest.cause
        report.established = digest.established
        report.sni = digest.sni
        report.warnings = ["this connection's details could not be read back from the temporary file"]
        return report
    }
}

/// The few facts of a report that ordering and the findings across connections need, kept in memory for every
/// listed connection.
struct ConnectionDigest: Sendable {
    var client: Endpoint
    var server: Endpoint
    var firstFrame: Int
    var lastFrame: Int
    var firstPacket: Timestamp
    var cause: Cause
    var established: Bool
    var sni: String?
    var version: ProtocolVersion?
    var cipherSuite: CipherSuite?
    var leafSHA256: String?
    var leafSubject: String?

    init(_ report: ConnectionReport) {
        client = report.client
        server = report.server
        firstFrame = report.firstFrame
        lastFrame = report.lastFrame
        firstPacket = report.firstPacket
        cause = report.cause
        established = report.established
        sni = report.sni
        version = report.version
        cipherSuite = report.cipherSuite
        leafSHA256 = report.certificates.first?.sha256
        leafSubject = report.certificates.first?.subject
    }
}
