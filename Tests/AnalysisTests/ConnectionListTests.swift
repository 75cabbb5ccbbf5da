import Testing
import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis
@testable import Analysis

/// A listed connection costs memory whatever the capture: its entry is packed, the strings and servers it
/// shares with other connections are stored once per list, and the shards' lists merge into one.
@Suite struct ConnectionListTests {
    @Test func anInternTableNumbersEachValueOnce() {
        var table = InternTable<String>()
        #expect(table.number(of: "a.example") == 0)
        #expect(table.number(of: "b.example") == 1)
        #expect(table.number(of: "a.example") == 0)
        #expect(table.number(of: String?.none) == InternTable<String>.none)
        #expect(table[1] == "b.example")
        #expect(table[InternTable<String>.none] == nil)
        #expect(table.count == 2)
    }

    @Test func mergingTablesRenumbersTheOthersValues() {
        var mine = InternTable<String>()
        _ = mine.number(of: "shared")
        _ = mine.number(of: "only mine")
        var other = InternTable<String>()
        _ = other.number(of: "only other")
        _ = other.number(of: "shared")
        let renumbering = mine.merge(other)
        #expect(renumbering[0] == 2)  // "only other", new here
        #expect(renumbering[1] == 0)  // "shared", already here
        #expect(renumbering[InternTable<String>.none] == InternTable<String>.none)
        #expect(mine.values == ["shared", "only mine", "only other"])
    }

    /// The entry is what grows with the number of listed connections (up to tens of thousands).
    @Test func anEntryHoldsNoMoreThanAHundredBytes() {
        #expect(MemoryLayout<ConnectionList.Entry>.stride <= 96)
    }

    /// A tracker is what a flood of SYNs holds tens of thousands of (up to `maxConnections`): a key log's
    /// decryption state (about 450 bytes) is boxed, not inline.
    @Test func aTrackerStaysUnderOnePointFourKilobytes() {
        #expect(MemoryLayout<ConnectionTracker>.size <= 1_400)
    }

    @Test func digestsAndOutlinesReadBackTheReportsFacts() throws {
        let reports = Self.reports()
        let list = ConnectionList(reports)
        for (index, report) in reports.enumerated() {
            Self.expectDigest(list.digests[index], matches: report)
            let outline = list.outline(at: index)
            #expect(outline.id == report.id)  // a list built by hand keeps its ids
            #expect(outline.client == report.client)
            #expect(outline.server == report.server)
            #expect(outline.firstPacket == report.firstPacket)
            #expect(outline.cause == report.cause)
            #expect(outline.sni == report.sni)
            #expect(outline.ending == HandshakeEnding(report))
            #expect(list.isFailed(at: index) == (report.cause != .ok))
        }
    }

    /// Two shards, each with its own tables and spill file: the merged list reads every report back as it was,
    /// with the values the shards shared (a server, a name, a certificate) numbered once.
    @Test func partsOfShardsMergeWithTheirValuesRenumbered() throws {
        let reports = Self.reports()
        var first = ConnectionListBuilder(residentLimit: 1)
        var second = ConnectionListBuilder(residentLimit: 1)
        // The second shard sees its values in another order, so its numbers differ from the first's.
        for report in reports.prefix(3) { first.append(report) }
        for report in reports.dropFirst(3).reversed() { second.append(report) }
        let expected = Array(reports.prefix(3)) + reports.dropFirst(3).reversed()
        let list = ConnectionList(parts: [first.take(), second.take()])
        #expect(list.count == expected.count)
        for (index, report) in expected.enumerated() {
            Self.expectDigest(list.digests[index], matches: report)
            #expect(list.outline(at: index).ending == HandshakeEnding(report))
            #expect(SpilledReportsTests.dumped(list[index]) == SpilledReportsTests.dumped(report))
        }
        #expect(list.failedPositions == expected.indices.filter { expected[$0].cause != .ok })
        // Counted from the entries, merged shards and all, as the reports count themselves.
        #expect(list.counts == ConnectionCounts(expected))
        #expect(list.anyFailed == expected.contains { $0.failed })
        #expect(ConnectionList(Array(expected.filter { !$0.failed })).anyFailed == false)
    }

    @Test func anEndingNamesTheLastResetAndTheFirstFIN() {
        let time = Timestamp(seconds: 1_764_000_000, nanoseconds: 0)
        var report = ConnectionReport(id: 1, client: Self.client, server: Self.server, firstFrame: 1, lastFrame: 9,
                                      firstPacket: time, lastPacket: time)
        report.timeline = [
            TimelineEntry(from: .client, kind: .tcp, message: "SYN", frame: 1, timestamp: time),
            TimelineEntry(from: .server, kind: .tcp, message: "SYN-ACK", frame: 2, timestamp: time),
            TimelineEntry(from: .server, kind: .other, message: "RST", frame: 3, timestamp: time),  // not a TCP event
            TimelineEntry(from: .server, kind: .tcp, message: "FIN, ACK", frame: 4, timestamp: time),
            TimelineEntry(from: .client, kind: .tcp, message: "FIN", frame: 5, timestamp: time),
            TimelineEntry(from: .server, kind: .tcp, message: "RST", frame: 6, timestamp: time),
            TimelineEntry(from: .client, kind: .tcp, message: "RST, ACK", frame: 7, timestamp: time),
        ]
        report.endedBy = .rst
        report.stage = "TCP handshake"
        let (ending, resetFrame, finFrame) = HandshakeEnding.read(report)
        #expect(ending.resetBy == .client)
        #expect(resetFrame == 7)
        #expect(ending.closedBy == .server)
        #expect(finFrame == 4)
        #expect(!ending.sawClientHello)
        #expect(ending.alert == nil)
        #expect(ending.endedBy == .rst)
        #expect(ending.stage == "TCP handshake")
        // A ClientHello in the timeline counts even without SNI or offered versions.
        report.timeline.append(TimelineEntry(from: .client, kind: .handshakeMessage, message: "ClientHello", frame: 8,
                                             timestamp: time))
        #expect(HandshakeEnding(report).sawClientHello)
        #expect(HandshakeEnding.sawClientHello(report))
    }

    // MARK: Helpers

    static let client = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 50_000)
    static let server = Endpoint(address: IPAddress(10, 0, 0, 2), port: 443)

    static func expectDigest(_ digest: ConnectionDigest, matches report: ConnectionReport,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(digest.client == report.client, sourceLocation: sourceLocation)
        #expect(digest.server == report.server, sourceLocation: sourceLocation)
        #expect(digest.firstFrame == report.firstFrame, sourceLocation: sourceLocation)
        #expect(digest.lastFrame == report.lastFrame, sourceLocation: sourceLocation)
        #expect(digest.firstPacket == report.firstPacket, sourceLocation: sourceLocation)
        #expect(digest.cause == report.cause, sourceLocation: sourceLocation)
        #expect(digest.established == report.established, sourceLocation: sourceLocation)
        #expect(digest.sni == report.sni, sourceLocation: sourceLocation)
        #expect(digest.version == report.version, sourceLocation: sourceLocation)
        #expect(digest.cipherSuite == report.cipherSuite, sourceLocation: sourceLocation)
        #expect(digest.leafSHA256 == report.certificates.first?.sha256, sourceLocation: sourceLocation)
        #expect(digest.leafSubject == report.certificates.first?.subject, sourceLocation: sourceLocation)
    }

    /// The spill tests' reports (every field present) and ones that end each other way: no alert, a reset, a
    /// FIN, an open connection, another server, no version or suite, a healthy one.
    /// A failure may be printed in full while it is among the first three of its group judged so far (by
    /// first frame): "no" only past them, whatever order the connections are judged in.
    @Test func failureGroupFirstsSaysNoOnlyPastTheFirstThree() {
        func failure(_ frame: Int, sni: String = "a.example") -> ConnectionReport {
            var report = ConnectionReport(id: frame, client: Endpoint(address: IPAddress(10, 0, 1, 1), port: UInt16(frame)),
                                          server: Endpoint(address: IPAddress(10, 0, 0, 3), port: 443),
                                          firstFrame: frame, lastFrame: frame + 5, firstPacket: Timestamp(seconds: 0, nanoseconds: 0),
                                          lastPacket: Timestamp(seconds: 0, nanoseconds: 0))
            report.sni = sni
            report.cause = .unknownCA
            return report
        }
        var firsts = FailureGroupFirsts<FailureGroupKey>()
        var answers: [Bool] = []
        for frame in [10, 20, 30, 40] { answers.append(firsts.mayBeShownInFull(failure(frame))) }
        #expect(answers == [true, true, true, false])
        // An earlier start takes a place among the first; later ones then come after three earlier ones.
        let earlier = firsts.mayBeShownInFull(failure(5))
        let later = firsts.mayBeShownInFull(failure(25))
        // Another name is another group.
        let otherGroup = firsts.mayBeShownInFull(failure(50, sni: "b.example"))
        #expect(earlier && !later && otherGroup)
        var reversed = FailureGroupFirsts<FailureGroupKey>()
        answers = []
        for frame in [40, 30, 20, 10] { answers.append(reversed.mayBeShownInFull(failure(frame))) }
        #expect(answers == [true, true, true, true])
    }

    static func reports() -> [ConnectionReport] {
        var reports = SpilledReportsTests.reports()
        let time = Timestamp(seconds: 1_764_000_100, nanoseconds: 5)
        let endings: [(EndedBy, [TimelineEntry])] = [
            (.rst, [TimelineEntry(from: .server, kind: .tcp, message: "RST", frame: 80, timestamp: time)]),
            (.fin, [TimelineEntry(from: .client, kind: .tcp, message: "FIN", frame: 81, timestamp: time)]),
            (.open, []),
            (.alert, []),
        ]
        for (index, (endedBy, timeline)) in endings.enumerated() {
            var report = ConnectionReport(id: 20 + index, client: Endpoint(address: IPAddress(10, 0, 1, UInt8(index)), port: 40_000),
                                          server: Endpoint(address: IPAddress(10, 0, 0, 3), port: 8443),
                                          firstFrame: 70 + index, lastFrame: 90, firstPacket: time, lastPacket: time)
            report.sni = index == 1 ? "other.example.test" : nil
            report.timeline = timeline
            report.endedBy = endedBy
            report.stage = index == 2 ? "after the server's encrypted handshake flight" : "before ClientHello"
            report.cause = index == 3 ? .ok : .handshakeIncomplete
            report.established = index == 3
            report.alert = index == 3 ? AlertReport(from: .client, level: .warning, description: nil, encrypted: false, frame: 85) : nil
            reports.append(report)
        }
        return reports
    }
}
