import Diagnosis

/// Collects one analyzer's reports in the order they conclude: the first `residentLimit` as values, the rest
/// encoded into a spill file (in memory only when no temporary file can be made).
struct ConnectionListBuilder {
    /// What a finished builder hands over: its reports and where they are.
    struct Part: Sendable {
        var resident: [ConnectionReport] = []
        var entries: [ConnectionList.Entry] = []
        var store = ConnectionList.Store(file: nil, certificates: CertificateTable())
    }

    /// Reports kept as values before spilling starts (`AnalysisOptions.maxResidentReports`): small captures
    /// never touch the disk, and one of tens of thousands of connections holds this many (about 2.5 kB each).
    private let residentLimit: Int
    /// Where the spill file goes (nil: `$TMPDIR`, else `/tmp`).
    private let directory: String?
    private var part = Part()
    private var spillSize = 0
    private var spillFailed = false
    private var buffer: [UInt8] = []

    init(residentLimit: Int, directory: String? = nil) {
        self.residentLimit = residentLimit
        self.directory = directory
    }

    var count: Int { part.entries.count }

    mutating func append(_ report: ConnectionReport) {
        let digest = ConnectionDigest(report)
        if part.resident.count >= residentLimit, let location = spill(report) {
            part.entries.append(ConnectionList.Entry(location: location, digest: digest))
        } else {
            part.resident.append(report)
            part.entries.append(ConnectionList.Entry(location: .resident(part.resident.count - 1), digest: digest))
        }
    }

    /// Hands the reports over and starts empty.
    mutating func take() -> Part {
        defer { part = Part(); spillSize = 0; spillFailed = false }
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
            self.init(resident: part.resident, entries: part.entries, stores: [part.store], annotations: nil)
            return
        }
        var resident: [ConnectionReport] = []
        var entries: [Entry] = []
        var stores: [Store] = []
        resident.reserveCapacity(parts.reduce(0) { $0 + $1.resident.count })
        entries.reserveCapacity(parts.reduce(0) { $0 + $1.entries.count })
        for part in parts {
            let residentBase = resident.count
            let storeIndex = stores.count
            resident += part.resident
            stores.append(part.store)
            for var entry in part.entries {
                switch entry.location {
                case .resident(let index): entry.location = .resident(residentBase + index)
                case .spilled(_, let offset, let length): entry.location = .spilled(store: storeIndex, offset: offset, length: length)
                }
                entries.append(entry)
            }
        }
        self.init(resident: resident, entries: entries, stores: stores, annotations: nil)
    }
}
