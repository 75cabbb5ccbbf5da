import Diagnosis

/// Collects one analyzer's reports in the order they conclude (up to a limit, the connections that started first):
/// the first `residentLimit` as values, the rest encoded into a spill file (in memory only when no temporary file
/// can be made).
struct ConnectionListBuilder {
    /// What a finished builder hands over: its reports and where they are.
    struct Part: Sendable {
        var resident: [ConnectionReport] = []
        var entries: [ConnectionList.Entry] = []
        var shared = SharedValues()
        var store = ConnectionList.Store(file: nil, certificates: CertificateTable())
    }

    /// Reports kept as values before spilling starts (`AnalysisOptions.maxResidentReports`, and about
    /// `maxResidentReportBytes` as `ResidentSize` counts them): small captures never touch the disk, and one of
    /// tens of thousands of connections holds no more.
    private let residentLimit: Int
    private let residentByteLimit: Int
    private var residentBytes = 0
    /// False: a healthy connection's timeline is let go before its report is kept (`AnalysisOptions.keepsUnshownDetails`).
    private let keepsHealthyTimelines: Bool
    /// Where the spill file goes (nil: `$TMPDIR`, else `/tmp`).
    private let directory: String?
    private var part = Part()
    private var spillSize = 0
    private var spillFailed = false
    private var buffer: [UInt8] = []
    /// The kept entries by start, latest on top; built when `add` first finds the list full.
    private var latestKept = LatestKept([])

    init(residentLimit: Int, residentByteLimit: Int = .max, keepsHealthyTimelines: Bool = true,
         directory: String? = nil) {
        self.residentLimit = residentLimit
        self.residentByteLimit = residentByteLimit
        self.keepsHealthyTimelines = keepsHealthyTimelines
        self.directory = directory
    }

    var count: Int { part.entries.count }

    /// Entries (and resident reports) reserved at the first report. Pages not written yet cost no memory, and
    /// an array grown by doubling holds its old and new storage at once, which was the peak of large captures.
    static let reservedCount = 1 << 15

    mutating func append(_ report: consuming ConnectionReport) {
        if part.entries.capacity == 0 {
            part.entries.reserveCapacity(Self.reservedCount)
            part.resident.reserveCapacity(min(residentLimit, Self.reservedCount))
        }
        part.entries.append(entry(report))
    }

    /// The report's entry, and the report stored (moved, not copied). The entry is made first, from the whole
    /// report: its ending needs the timeline, which `store` may let go.
    private mutating func entry(_ report: consuming ConnectionReport) -> ConnectionList.Entry {
        var entry = ConnectionList.Entry(report, location: .resident(0), shared: &part.shared)
        entry.location = store(report)
        return entry
    }

    /// Keeps the report as a value, or spills it once `residentLimit` are kept or their bytes would pass
    /// `residentByteLimit`.
    private mutating func store(_ report: consuming ConnectionReport) -> ConnectionList.Location {
        if !keepsHealthyTimelines, !report.failed, report.sni != nil || !report.offeredVersions.isEmpty {
            // Nothing else reads it: `HandshakeEnding.sawClientHello` is answered by the SNI or versions.
            report.timeline = []
        }
        let bytes = ResidentSize.bytes(of: report)
        if part.resident.count >= residentLimit || bytes > residentByteLimit - residentBytes,
           let spilled = spill(report) {
            return spilled
        }
        residentBytes += bytes
        part.resident.append(report)
        return .resident(part.resident.count - 1)
    }

    /// Keeps, of all the reports offered, the `limit` of the connections that started first (by first frame, then
    /// last): a later one is only counted in `unlisted`, an earlier one takes the place of the latest kept (which
    /// is counted instead). So the same connections are listed whatever order they close in, and however the
    /// capture is sharded: each shard keeps its earliest, and the earliest of those are the capture's.
    /// A replaced report's bytes stay where they were (in memory, up to `residentLimit`; or in the spill file).
    mutating func add(_ report: consuming ConnectionReport, limit: Int, unlisted: inout ConnectionCounts) {
        if part.entries.count < limit {
            append(report)
            return
        }
        guard let latest = latestKeptIfLater(than: report.firstFrame, report.lastFrame) else {
            unlisted.add(report)
            return
        }
        let order = ListingOrder(report.firstFrame, report.lastFrame, index: latest.index)
        part.entries[latest.index].count(into: &unlisted, part.shared)
        part.entries[latest.index] = entry(report)
        latestKept.replaceTop(order)
    }

    /// The report's failure group in the numbers its entry will hold (`SharedValues`): only for a report `add`
    /// will keep, as its values are numbered here as its entry numbers them (and then found at once, as the last).
    mutating func groupNumbers(_ report: borrowing ConnectionReport) -> FailureGroupNumbers {
        FailureGroupNumbers(server: part.shared.servers.number(of: report.server), sni: part.shared.names.number(of: report.sni),
                            cause: part.shared.causes.number(of: report.cause.rawValue),
                            sawClientHello: HandshakeEnding.sawClientHello(report))
    }

    /// Whether `add` would keep a report of a connection with these frames (else it would only count it), so
    /// that a connection past the cap need not be reported in full (words, next steps) only to be counted.
    mutating func wouldKeep(firstFrame: Int, lastFrame: Int, limit: Int) -> Bool {
        part.entries.count < limit || latestKeptIfLater(than: firstFrame, lastFrame) != nil
    }

    /// The latest-starting kept entry, when a connection with these frames started before it.
    private mutating func latestKeptIfLater(than firstFrame: Int, _ lastFrame: Int) -> ListingOrder? {
        if latestKept.count != part.entries.count {
            latestKept = LatestKept(part.entries.indices.map { ListingOrder(part.entries[$0], index: $0) })
        }
        guard let latest = latestKept.top, ListingOrder(firstFrame, lastFrame, index: 0) < latest else { return nil }
        return latest
    }

    /// Hands the reports over and starts empty.
    mutating func take() -> Part {
        defer { part = Part(); spillSize = 0; spillFailed = false; latestKept = LatestKept([]); residentBytes = 0 }
        return part
    }

    private mutating func spill(_ report: ConnectionReport) -> ConnectionList.Location? {
        guard !spillFailed else { return nil }
        if part.store.file == nil {
            part.store.file = SpillFile(directory: directory)
            if part.store.file == nil {
                spillFailed = true
                return nil
            }
        }
        buffer.removeAll(keepingCapacity: true)
        ReportCoding.encode(report, certificates: &part.store.certificates, into: &buffer)
        // An entry holds a 32-bit length: a larger report (none is) stays in memory.
        guard buffer.count <= Int(UInt32.max) else { return nil }
        guard let file = part.store.file, file.write(buffer, at: spillSize) else {
            spillFailed = true
            return nil
        }
        defer { spillSize += buffer.count }
        return .spilled(store: 0, offset: spillSize, length: buffer.count)
    }
}

extension ConnectionList {
    /// The parts of one or more builders (the shards of one analysis) as one list, in their given order.
    init(parts: [ConnectionListBuilder.Part]) {
        if parts.count == 1, let part = parts.first {
            // One analyzer: its entries already count from resident report 0 and store 0, so they are kept as they are.
            self.init(resident: part.resident, entries: part.entries, shared: part.shared, stores: [part.store],
                      annotations: nil)
            return
        }
        var resident: [ConnectionReport] = []
        var entries: [Entry] = []
        var shared = SharedValues()
        var stores: [Store] = []
        resident.reserveCapacity(parts.reduce(0) { $0 + $1.resident.count })
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.entries.count })
        for part in parts {
            let residentBase = resident.count
            let storeIndex = stores.count
            resident += part.resident
            stores.append(part.store)
            let renumber = shared.merge(part.shared)
            for var entry in part.entries {
                if entry.store == Entry.resident {
                    entry.offset += residentBase
                } else {
                    entry.store = UInt32(truncatingIfNeeded: storeIndex)
                }
                renumber(&entry)
                entries.append(entry)
            }
        }
        self.init(resident: resident, entries: entries, shared: shared, stores: stores, annotations: nil)
    }
}
