import WireFormat
import PacketDecoding
import TLSDissector
import Diagnosis

/// Values the entries of one list share, each stored once.
struct SharedValues: Sendable {
    var servers = InternTable<Endpoint>()
    var names = InternTable<String>()
    var fingerprints = InternTable<String>()
    var subjects = InternTable<String>()
    var causes = InternTable<String>()
    var stages = InternTable<String>()

    /// Adds `other`'s values; returns a function that renumbers an entry of `other` for this table.
    mutating func merge(_ other: SharedValues) -> (inout ConnectionList.Entry) -> Void {
        let servers = servers.merge(other.servers), names = names.merge(other.names)
        let fingerprints = fingerprints.merge(other.fingerprints), subjects = subjects.merge(other.subjects)
        let causes = causes.merge(other.causes), stages = stages.merge(other.stages)
        return { entry in
            entry.server = servers[entry.server]
            entry.sni = names[entry.sni]
            entry.leafSHA256 = fingerprints[entry.leafSHA256]
            entry.leafSubject = subjects[entry.leafSubject]
            entry.cause = causes[entry.cause]
            entry.stage = stages[entry.stage]
        }
    }
}

extension ConnectionList {
    /// What the list keeps in memory of a report, however it is stored: where it is, and the few facts that
    /// ordering, the findings across connections and the incident summary need. Packed (about 100 bytes, no
    /// heap value of its own: strings and servers are numbers in `SharedValues`), as a list keeps one for each
    /// of up to tens of thousands of connections.
    struct Entry: Sendable {
        /// Resident: the index in the list's reports; spilled: the byte offset in the store's file.
        var offset: Int
        var firstFrame: Int
        var lastFrame: Int
        var clientHigh: UInt64
        var clientLow: UInt64
        var firstPacketSeconds: Int64
        var firstPacketNanoseconds: UInt32
        /// Spilled: the report's length in bytes.
        var length: UInt32
        /// Spilled: the store's index; `Entry.resident` for a report kept as a value.
        var store: UInt32
        // Numbers in `SharedValues` (`InternTable.none` for nil).
        var server: UInt32
        var sni: UInt32
        var leafSHA256: UInt32
        var leafSubject: UInt32
        var cause: UInt32
        var stage: UInt32
        var clientPort: UInt16
        var version: UInt16
        var cipherSuite: UInt16
        var alertLevel: UInt8
        var alertDescription: UInt8
        var flags: Flags

        static var resident: UInt32 { .max }

        struct Flags: OptionSet, Sendable {
            var rawValue: UInt32
            static let clientIPv6 = Flags(rawValue: 1 << 0)
            static let failed = Flags(rawValue: 1 << 1)
            static let established = Flags(rawValue: 1 << 2)
            static let hasVersion = Flags(rawValue: 1 << 3)
            static let hasCipherSuite = Flags(rawValue: 1 << 4)
            static let sawClientHello = Flags(rawValue: 1 << 5)
            static let hasAlert = Flags(rawValue: 1 << 6)
            static let alertFromServer = Flags(rawValue: 1 << 7)
            static let hasAlertLevel = Flags(rawValue: 1 << 8)
            static let hasAlertDescription = Flags(rawValue: 1 << 9)
            static let alertEncrypted = Flags(rawValue: 1 << 10)
            static let resetByClient = Flags(rawValue: 1 << 11)
            static let resetByServer = Flags(rawValue: 1 << 12)
            static let closedByClient = Flags(rawValue: 1 << 13)
            static let closedByServer = Flags(rawValue: 1 << 14)
            /// `EndedBy` as 3 bits from here (`EndedByCode`).
            static let endedByShift: UInt32 = 16
        }

        init(_ report: borrowing ConnectionReport, location: Location, shared: inout SharedValues) {
            offset = 0
            length = 0
            store = Self.resident
            firstFrame = report.firstFrame
            lastFrame = report.lastFrame
            clientHigh = report.client.address.high
            clientLow = report.client.address.low
            clientPort = report.client.port
            firstPacketSeconds = report.firstPacket.seconds
            firstPacketNanoseconds = report.firstPacket.nanoseconds
            server = shared.servers.number(of: report.server)
            sni = shared.names.number(of: report.sni)
            // The leaf's two strings read in place: `certificates.first` copied the whole summary.
            let hasLeaf = !report.certificates.isEmpty
            leafSHA256 = shared.fingerprints.number(of: hasLeaf ? report.certificates[0].sha256 : nil)
            leafSubject = shared.subjects.number(of: hasLeaf ? report.certificates[0].subject : nil)
            cause = shared.causes.number(of: report.cause.rawValue)
            version = report.version?.rawValue ?? 0
            cipherSuite = report.cipherSuite?.rawValue ?? 0

            let ending = HandshakeEnding.read(report).ending
            stage = shared.stages.number(of: ending.stage)
            alertLevel = ending.alert?.level?.rawValue ?? 0
            alertDescription = ending.alert?.description?.rawValue ?? 0
            var flags: Flags = []
            if report.client.address.isIPv6 { flags.insert(.clientIPv6) }
            if report.cause != .ok { flags.insert(.failed) }
            if report.established { flags.insert(.established) }
            if report.version != nil { flags.insert(.hasVersion) }
            if report.cipherSuite != nil { flags.insert(.hasCipherSuite) }
            if ending.sawClientHello { flags.insert(.sawClientHello) }
            if let alert = ending.alert {
                flags.insert(.hasAlert)
                if alert.from == .server { flags.insert(.alertFromServer) }
                if alert.level != nil { flags.insert(.hasAlertLevel) }
                if alert.description != nil { flags.insert(.hasAlertDescription) }
                if alert.encrypted { flags.insert(.alertEncrypted) }
            }
            switch ending.resetBy {
            case .client?: flags.insert(.resetByClient)
            case .server?: flags.insert(.resetByServer)
            case nil: break
            }
            switch ending.closedBy {
            case .client?: flags.insert(.closedByClient)
            case .server?: flags.insert(.closedByServer)
            case nil: break
            }
            flags.rawValue |= UInt32(EndedByCode.code(ending.endedBy)) << Flags.endedByShift
            self.flags = flags
            self.location = location
        }

        var location: Location {
            get {
                store == Self.resident
                    ? .resident(offset)
                    : .spilled(store: Int(store), offset: offset, length: Int(length))
            }
            set {
                switch newValue {
                case .resident(let index):
                    offset = index
                    length = 0
                    store = Self.resident
                case .spilled(let storeIndex, let byteOffset, let byteLength):
                    offset = byteOffset
                    length = UInt32(truncatingIfNeeded: byteLength)
                    store = UInt32(truncatingIfNeeded: storeIndex)
                }
            }
        }

        var failed: Bool { flags.contains(.failed) }

        func cause(_ shared: SharedValues) -> Cause { Cause(rawValue: shared.causes[cause] ?? "") }

        /// Counts the connection in `counts` (one not listed, or no longer).
        func count(into counts: inout ConnectionCounts, _ shared: SharedValues) {
            counts.add(cause: cause(shared), established: flags.contains(.established))
        }

        var client: Endpoint {
            var address = IPAddress(ipv4: 0)
            address.high = clientHigh
            address.low = clientLow
            address.isIPv6 = flags.contains(.clientIPv6)
            return Endpoint(address: address, port: clientPort)
        }

        var firstPacket: Timestamp {
            Timestamp(seconds: firstPacketSeconds, nanoseconds: firstPacketNanoseconds)
        }

        var endedBy: EndedBy {
            EndedByCode.endedBy(UInt8(truncatingIfNeeded: flags.rawValue >> Flags.endedByShift & 0b111)) ?? .open
        }

        func ending(_ shared: SharedValues) -> HandshakeEnding {
            var alert: HandshakeEnding.Alert?
            if flags.contains(.hasAlert) {
                alert = HandshakeEnding.Alert(
                    from: flags.contains(.alertFromServer) ? .server : .client,
                    level: flags.contains(.hasAlertLevel) ? AlertLevel(rawValue: alertLevel) : nil,
                    description: flags.contains(.hasAlertDescription) ? AlertDescription(rawValue: alertDescription) : nil,
                    encrypted: flags.contains(.alertEncrypted))
            }
            return HandshakeEnding(
                alert: alert,
                endedBy: endedBy,
                resetBy: flags.contains(.resetByClient) ? .client : flags.contains(.resetByServer) ? .server : nil,
                closedBy: flags.contains(.closedByClient) ? .client : flags.contains(.closedByServer) ? .server : nil,
                sawClientHello: flags.contains(.sawClientHello),
                stage: shared.stages[stage] ?? "")
        }
    }
}

/// The few facts of a report that ordering and the findings across connections need, read from a list's
/// entry (`ConnectionList.digests`).
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

    @inline(__always) init(_ entry: borrowing ConnectionList.Entry, _ shared: borrowing SharedValues) {
        client = entry.client
        server = shared.servers[entry.server] ?? Endpoint(address: IPAddress(ipv4: 0), port: 0)
        firstFrame = entry.firstFrame
        lastFrame = entry.lastFrame
        firstPacket = entry.firstPacket
        cause = entry.cause(shared)
        established = entry.flags.contains(.established)
        sni = shared.names[entry.sni]
        version = entry.flags.contains(.hasVersion) ? ProtocolVersion(rawValue: entry.version) : nil
        cipherSuite = entry.flags.contains(.hasCipherSuite) ? CipherSuite(rawValue: entry.cipherSuite) : nil
        leafSHA256 = shared.fingerprints[entry.leafSHA256]
        leafSubject = shared.subjects[entry.leafSubject]
    }
}
