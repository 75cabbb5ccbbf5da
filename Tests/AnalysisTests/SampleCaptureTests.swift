import Foundation
import Testing
import Analysis
import Diagnosis

/// Every recorded sample capture (SamplePcaps/, made by scripts/record-samples) analyzed end to end, with
/// the verdict that is true by construction (SamplePcaps/EXPECTED.tsv) asserted per connection.
@Suite struct SampleCaptureTests {
    static let expected: [[String: String]] =
        (try? CaptureFixtures.tsv(CaptureFixtures.samples.appendingPathComponent("EXPECTED.tsv"))) ?? []
    static let files: [String] = Array(Set(expected.compactMap { $0["file"] })).sorted()

    @Test func everySampleHasExpectations() throws {
        let captures = try FileManager.default.contentsOfDirectory(atPath: CaptureFixtures.samples.path)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        #expect(!captures.isEmpty)
        for capture in captures {
            #expect(Self.files.contains(capture), "\(capture) has no row in SamplePcaps/EXPECTED.tsv")
        }
    }

    /// Without a trust store, and with the system bundle as the CLI loads it by default: the samples' private CA
    /// is not in it, which must not turn name, date or client-certificate failures into unknown_ca.
    @Test(arguments: files, [false, true])
    func verdictsMatchHowTheCaptureWasMade(_ file: String, withSystemBundle: Bool) throws {
        let store = withSystemBundle ? CaptureFixtures.systemTrustStore : nil
        if withSystemBundle && store == nil { return }
        let rows = Self.expected.filter { $0["file"] == file }
        let ports = Set(rows.compactMap { $0["server_port"].flatMap(UInt16.init) })
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent(file),
                                                 ports: ports.isEmpty ? [443] : ports, trustStore: store)
        let listing = report.connections.map { "#\($0.id) \($0.server) \($0.cause) est=\($0.established) alert=\($0.alert.map { "\($0.from) \($0.description?.rawValue ?? 0) enc=\($0.encrypted)" } ?? "-")" }
        for row in rows {
            guard let index = row["connection"].flatMap(Int.init) else { continue }
            let connection = try #require(report.connections.first { $0.id == index },
                                          "\(file): no connection #\(index); got \(listing)")
            let context = "\(file) #\(index): \(connection.explanation) | all: \(listing)"
            #expect(connection.cause.rawValue == row["cause"], "\(context)")
            #expect((connection.established ? "yes" : "no") == row["established"], "\(context)")
            if let port = row["server_port"].flatMap(UInt16.init) {
                #expect(connection.server.port == port, "\(context)")
            }
            switch row["alert_from"] ?? "-" {
            case "-":
                break
            case "enc":
                #expect(connection.alert?.encrypted == true, "\(context)")
            case let from:
                #expect(connection.alert?.from.rawValue == from, "\(context)")
                if let code = row["alert_code"].flatMap(UInt8.init) {
                    #expect(connection.alert?.description?.rawValue == code, "\(context)")
                }
            }
        }
    }
}
