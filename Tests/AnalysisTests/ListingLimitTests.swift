import Foundation
import Testing
import WireFormat
import PacketDecoding
import PacketCapture
import Diagnosis
@testable import Analysis

/// Past `maxReportedConnections`, the connections that started first are listed and the rest counted, whatever
/// order they close in and however the capture is sharded.
@Suite struct ListingLimitTests {
    static func report(first: Int, cause: Cause) -> ConnectionReport {
        let time = Timestamp(seconds: 1_764_000_000 + Int64(first), nanoseconds: 0)
        var report = ConnectionReport(id: first, client: Endpoint(address: IPAddress(10, 0, 0, 1), port: UInt16(1000 + first)),
                                      server: Endpoint(address: IPAddress(10, 0, 0, 2), port: 443), firstFrame: first,
                                      lastFrame: first + 50, firstPacket: time, lastPacket: time)
        report.cause = cause
        report.established = cause == .ok
        return report
    }

    /// Offered in a shuffled closing order, with a limit of 10 of 40 (some spilled): the ten earliest stay,
    /// the thirty others are counted once each by cause.
    @Test func theEarliestStartedAreKept() {
        var generator = SystemRandomNumberGenerator()
        for residentLimit in [0, 3, 100] {
            let starts = Array(1...40).map { $0 * 7 }.shuffled(using: &generator)
            var builder = ConnectionListBuilder(residentLimit: residentLimit)
            var unlisted = ConnectionCounts()
            for start in starts {
                builder.add(Self.report(first: start, cause: start % 2 == 0 ? .ok : .unknownCA), limit: 10, unlisted: &unlisted)
            }
            var list = ConnectionList(parts: [builder.take()])
            list.sortByFirstPacket()
            #expect(list.map(\.firstFrame) == Array(1...10).map { $0 * 7 })
            let dropped = Array(11...40).map { $0 * 7 }
            #expect(unlisted.connections == 30)
            #expect(unlisted.byCause[.ok] == dropped.filter { $0 % 2 == 0 }.count)
            #expect(unlisted.byCause[.unknownCA] == dropped.filter { $0 % 2 != 0 }.count)
            #expect(unlisted.established == unlisted.byCause[.ok])
        }
    }

    @Test func aLimitOfZeroListsNothing() {
        var builder = ConnectionListBuilder(residentLimit: 5)
        var unlisted = ConnectionCounts()
        for start in [5, 1, 3] { builder.add(Self.report(first: start, cause: .ok), limit: 0, unlisted: &unlisted) }
        #expect(builder.count == 0)
        #expect(unlisted.connections == 3)
    }

    /// Each capture with more connections than the limit: one thread and two workers list the same ones.
    @Test(arguments: ShardingTests.captures)
    func shardsListWhatOneThreadLists(_ url: URL) throws {
        var options = AnalysisOptions()
        options.maxReportedConnections = 2
        options.maxResidentReports = 1
        guard let single = try ShardingTests.analyzeIfReadable(url, options: options) else { return }
        guard single.unlistedConnections.connections > 0 else { return }
        var sharded = try ShardingTests.analyze(url, options: options, workers: 2)
        var one = single
        // Counted the same (compared as values: a dump shows a dictionary in its storage order).
        #expect(sharded.unlistedConnections == one.unlistedConnections, "\(url.lastPathComponent)")
        sharded.unlistedConnections = ConnectionCounts()
        one.unlistedConnections = ConnectionCounts()
        #expect(ShardingTests.text(sharded) == ShardingTests.text(one), "\(url.lastPathComponent)")
    }

    /// A connection past the cap is only counted, from `Diagnoser.outcome` (no words, no report): it must come to
    /// the cause and completion its full report gives. Every sample and corpus capture, all listed vs none listed.
    @Test(arguments: ShardingTests.captures)
    func countedConnectionsHaveTheirReportsOutcome(_ url: URL) throws {
        guard let all = try ShardingTests.analyzeIfReadable(url) else { return }
        var options = AnalysisOptions()
        options.maxReportedConnections = 0
        let counted = try ShardingTests.analyze(url, options: options, workers: nil)
        #expect(counted.connections.isEmpty)
        #expect(counted.unlistedConnections == ConnectionCounts(Array(all.connections)) + all.unlistedConnections,
                "\(url.lastPathComponent)")
    }
}
