import Foundation
import Testing
import PacketCapture
import Analysis
import Diagnosis

/// Public captures made by other projects (../shared/corpus/real), with tshark's ground truth.
@Suite struct CorpusTests {
    static let rows: [[String: String]] = CaptureFixtures.corpusAvailable
        ? (try? CaptureFixtures.tsv(CaptureFixtures.corpus.appendingPathComponent("MANIFEST.tsv"))) ?? []
        : []
    static let files: [String] = rows.compactMap { $0["file"] }

    /// One alert of MANIFEST.tsv's `tls_alerts`: `2:40(handshake_failure) from 74.125.239.37:443 frame 6`.
    struct ExpectedAlert: Equatable {
        var level: Int
        var code: Int
        var sender: String
        var frame: Int

        static func parse(_ field: String) -> [ExpectedAlert] {
            guard field != "-" else { return [] }
            return field.components(separatedBy: "; ").compactMap { text in
                let parts = text.split(separator: " ")
                guard parts.count == 5, let colon = parts[0].firstIndex(of: ":"),
                      let paren = parts[0].firstIndex(of: "("),
                      let level = Int(parts[0][..<colon]),
                      let code = Int(parts[0][parts[0].index(after: colon)..<paren]),
                      let frame = Int(parts[4]) else { return nil }
                return ExpectedAlert(level: level, code: code, sender: String(parts[2]), frame: frame)
            }
        }
    }

    @Test(.enabled(if: CaptureFixtures.corpusAvailable, "the public corpus (../shared/corpus/real) is not beside this checkout"),
          arguments: files)
    func readsWithoutCrashingAndAgreesOnFatalAlerts(_ file: String) throws {
        let url = CaptureFixtures.corpus.appendingPathComponent(file)
        let report: AnalysisReport
        do {
            report = try CaptureFixtures.analyze(url)
        } catch let error as CaptureError {
            // An unreadable file must be said in one line; it may not be a crash.
            #expect(!error.message.contains("\n"))
            return
        }
        let row = Self.rows.first { $0["file"] == file } ?? [:]
        let fatal = ExpectedAlert.parse(row["tls_alerts"] ?? "-").filter { $0.level == 2 }
        for expected in fatal {
            let match = report.connections.first { connection in
                guard let alert = connection.alert, alert.frame == expected.frame else { return false }
                let sender = alert.from == .client ? connection.client : connection.server
                return Int(alert.description?.rawValue ?? 255) == expected.code && sender.description == expected.sender
            }
            #expect(match != nil, "\(file): fatal alert \(expected.code) from \(expected.sender) in frame \(expected.frame) not reported; got \(report.connections.map { "\($0.client)→\($0.server) \($0.cause) alert \(String(describing: $0.alert))" })")
        }
    }

    /// Captures whose project says what they show, judged the same way: a resumed TLS 1.3 session that sent
    /// data, a HelloRetryRequest handshake closed later, and TLS 1.3 draft 28 with 0-RTT (judged as TLS 1.3)
    /// are not certificate rejections or resets; a server that ends its own flight with an encrypted alert
    /// (after a duplicate ClientHello) is not the client rejecting a certificate; a connection seen from its
    /// middle that ends with an encrypted alert is incomplete, not failed; and a leaf sent
    /// without its intermediate is an incomplete chain even when the client sent no SNI (the full chain sent
    /// without SNI, #2, stays missing_sni).
    @Test(.enabled(if: CaptureFixtures.corpusAvailable, "the public corpus (../shared/corpus/real) is not beside this checkout"),
          arguments: [("zeek__tls13_psk_succesfull.pcap", [Cause.ok]), ("zeek__hrr.pcap", [.ok]), ("flowtest__tls13_0rtt.pcap", [.ok, .ok]),
                      ("suricata-verify__tls-duplicate-hello__input.pcap", [.unknown]),
                      ("ndpi__tls_alert.pcap", [.protocolVersionMismatch, .captureIncomplete]),
                      ("zeek__missing-intermediate.pcap", [.incompleteChain, .missingSNI, .incompleteChain])])
    func judgedAsTheirProjectDescribesThem(_ file: String, causes: [Cause]) throws {
        let report = try CaptureFixtures.analyze(CaptureFixtures.corpus.appendingPathComponent(file))
        #expect(report.connections.map(\.cause) == causes, "\(report.connections.map(\.explanation))")
    }
}
