import Foundation
import Testing
import WireFormat
import PacketDecoding
import TLSDissector
import Diagnosis
import Analysis
@testable import Reports

/// The report contract (schema_version 1): every key, in its order, with its type, always present.
@Suite struct JSONReportTests {
    enum Kind: Equatable {
        case string, int, double, bool, array, object, null
        init(_ value: JSONValue) {
            switch value {
            case .string: self = .string
            case .int: self = .int
            case .double: self = .double
            case .bool: self = .bool
            case .array: self = .array
            case .object: self = .object
            case .null: self = .null
            }
        }
    }

    static let topKeys: [(String, [Kind])] = [
        ("schema_version", [.int]), ("capture", [.object]), ("summary", [.object]), ("connections", [.array]),
    ]
    static let captureKeys: [(String, [Kind])] = [
        ("file", [.string]), ("format", [.string]), ("link_type", [.string]), ("packets", [.int]), ("bytes", [.int]),
        ("first_packet", [.string, .null]), ("last_packet", [.string, .null]), ("warnings", [.array]),
    ]
    static let summaryKeys: [(String, [Kind])] = [
        ("connections", [.int]), ("established", [.int]), ("failed", [.int]), ("by_cause", [.object]),
    ]
    static let connectionKeys: [(String, [Kind])] = [
        ("id", [.int]), ("client", [.object]), ("server", [.object]), ("first_frame", [.int]),
        ("first_packet", [.string]), ("duration_ms", [.double]), ("sni", [.string, .null]),
        ("offered_versions", [.array]), ("version", [.string, .null]), ("offered_cipher_suites", [.array]),
        ("cipher_suite", [.string, .null]), ("alpn_offered", [.array]), ("alpn", [.string, .null]),
        ("handshake", [.array]), ("established", [.bool]), ("stage", [.string]), ("alert", [.object, .null]),
        ("ended_by", [.string]), ("cause", [.string]), ("explanation", [.string]), ("next_steps", [.array]),
        ("certificates", [.array]), ("warnings", [.array]),
    ]
    static let endpointKeys: [(String, [Kind])] = [("ip", [.string]), ("port", [.int])]
    static let handshakeKeys: [(String, [Kind])] = [("from", [.string]), ("message", [.string]), ("frame", [.int])]
    static let alertKeys: [(String, [Kind])] = [
        ("from", [.string]), ("level", [.string, .null]), ("code", [.int, .null]), ("name", [.string, .null]),
        ("encrypted", [.bool]), ("frame", [.int]),
    ]
    static let certificateKeys: [(String, [Kind])] = [
        ("subject", [.string]), ("issuer", [.string]), ("not_before", [.string]), ("not_after", [.string]),
        ("san", [.array]), ("self_signed", [.bool]), ("sha256", [.string]),
    ]

    /// The contract's keys come first, in the contract's order, each with an allowed type.
    func expectContract(_ value: JSONValue?, _ keys: [(String, [Kind])], _ what: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject {
        guard case .object(let object)? = value else {
            Issue.record("\(what) is not an object", sourceLocation: sourceLocation)
            throw CancellationError()
        }
        let leading = object.members.prefix(keys.count).map(\.key)
        #expect(leading == keys.map(\.0), "\(what) keys", sourceLocation: sourceLocation)
        for (key, kinds) in keys {
            let kind = object[key].map(Kind.init)
            #expect(kind.map(kinds.contains) == true, "\(what).\(key) is \(String(describing: kind))",
                    sourceLocation: sourceLocation)
        }
        return object
    }

    func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let elements)? = value { return elements }
        return []
    }

    @Test func everyContractKeyIsPresentInOrderWithItsType() throws {
        let document = JSONReport.document(Fixtures.hostileReport(), toolVersion: "0.1.0")
        let root = try expectContract(document, Self.topKeys, "root")
        _ = try expectContract(root["capture"], Self.captureKeys, "capture")
        let summary = try expectContract(root["summary"], Self.summaryKeys, "summary")
        guard case .object(let byCause)? = summary["by_cause"] else { Issue.record("by_cause"); return }
        #expect(byCause.members.allSatisfy { Kind($0.value) == .int })

        var sawAlert = (plain: false, encrypted: false), sawCertificate = false, sawNullAlert = false
        for connection in array(root["connections"]) {
            let object = try expectContract(connection, Self.connectionKeys, "connection")
            _ = try expectContract(object["client"], Self.endpointKeys, "client")
            _ = try expectContract(object["server"], Self.endpointKeys, "server")
            for entry in array(object["handshake"]) { _ = try expectContract(entry, Self.handshakeKeys, "handshake") }
            for certificate in array(object["certificates"]) {
                let c = try expectContract(certificate, Self.certificateKeys, "certificate")
                #expect(array(c["san"]).allSatisfy { Kind($0) == .string })
                sawCertificate = true
            }
            for key in ["offered_versions", "offered_cipher_suites", "alpn_offered", "next_steps", "warnings"] {
                #expect(array(object[key]).allSatisfy { Kind($0) == .string }, "\(key) holds strings")
            }
            if object["alert"] == .null {
                sawNullAlert = true
            } else {
                let alert = try expectContract(object["alert"], Self.alertKeys, "alert")
                if alert["encrypted"] == .bool(true) { sawAlert.encrypted = true } else { sawAlert.plain = true }
            }
        }
        #expect(sawAlert.plain && sawAlert.encrypted && sawCertificate && sawNullAlert)
    }

    @Test func captureAndSummaryValues() throws {
        let document = JSONReport.document(Fixtures.incident(), toolVersion: "0.1.0")
        guard case .object(let root) = document, case .object(let capture)? = root["capture"],
              case .object(let summary)? = root["summary"], case .object(let byCause)? = summary["by_cause"]
        else { Issue.record("shape"); return }
        #expect(root["schema_version"] == 1)
        #expect(capture["file"] == "incident-0300.pcap")
        #expect(capture["format"] == "pcapng")
        #expect(capture["link_type"] == .string(LinkType.ethernet.name))
        #expect(capture["packets"] == 2_114)
        #expect(capture["bytes"] == 1_234_567)
        #expect(capture["first_packet"] == "2026-11-29T02:41:07.118000Z")
        #expect(capture["last_packet"] == "2026-11-29T03:06:07.902000Z")
        #expect(capture["warnings"] == ["The last packet is cut short (truncated file)."])
        #expect(summary["connections"] == 7)
        #expect(summary["established"] == 2)
        #expect(summary["failed"] == 5)
        // Most frequent first, then by name; ok included so the counts add up to `connections`.
        #expect(byCause.members.map(\.key) == ["ok", "unknown_ca", "certificate_rejected", "no_server_response",
                                               "tcp_refused"])
        #expect(byCause.members.map(\.value) == [2, 2, 1, 1, 1])
        #expect(root["trust_source"] == "/etc/ssl/certs/ca-certificates.crt")
        #expect(root["findings"] == ["api.example.test was answered with 2 different certificates."])
    }

    @Test func connectionValues() throws {
        guard case .object(let c) = JSONReport.connection(Fixtures.unknownCA(id: 2, client: 2, at: 10)),
              case .object(let alert)? = c["alert"], case .object(let server)? = c["server"]
        else { Issue.record("shape"); return }
        #expect(c["id"] == 2)
        #expect(server["port"] == 443)
        #expect(c["first_frame"] == 41)
        #expect(c["first_packet"] == "2026-11-29T02:41:17.118000Z")
        #expect(c["duration_ms"] == .double(42))
        #expect(c["sni"] == "api.example.test")
        #expect(c["version"] == .string(ProtocolVersion.tls12.description))
        #expect(c["established"] == false)
        #expect(c["stage"] == "after ServerHelloDone")
        #expect(c["ended_by"] == "alert")
        #expect(c["cause"] == "unknown_ca")
        #expect(alert["from"] == "client")
        #expect(alert["level"] == "fatal")
        #expect(alert["code"] == 48)
        #expect(alert["name"] == .string(AlertDescription.unknownCA.name))
        #expect(alert["encrypted"] == false)
        #expect(alert["frame"] == 50)
        // The handshake array holds TLS events only; TCP events are in the extra `tcp` key.
        #expect(array(c["handshake"]).count == 5)
        #expect(array(c["tcp"]).count == 2)
        #expect(c["trust"] == "unknown_ca")
        #expect(c["last_frame"] == 52)
        guard case .object(let certificate)? = array(c["certificates"]).first else { Issue.record("cert"); return }
        #expect(certificate["san"] == ["api.example.test", "www.example.test", "10.0.0.9"])
        #expect(certificate["not_after"] == "2027-11-29T02:41:07.000000Z")
    }

    @Test func encryptedAlertHasNullLevelCodeAndName() {
        guard case .object(let c) = JSONReport.connection(Fixtures.encryptedAlert(id: 6, at: 40)),
              case .object(let alert)? = c["alert"] else { Issue.record("shape"); return }
        #expect(alert["level"] == .null)
        #expect(alert["code"] == .null)
        #expect(alert["name"] == .null)
        #expect(alert["encrypted"] == true)
    }

    @Test func unknownValuesAreNullNotMissing() {
        guard case .object(let c) = JSONReport.connection(Fixtures.refused(id: 3, at: 20)) else { return }
        for key in ["sni", "version", "cipher_suite", "alpn", "alert"] {
            #expect(c[key] == .null, "\(key)")
        }
        #expect(c["trust"] == .null)
    }

    @Test func emptyCaptureStillHasEveryKey() throws {
        let report = AnalysisReport(capture: CaptureSummary(file: "-", format: "pcap", linkType: LinkType(rawValue: 147)),
                                    connections: [], trustSource: nil)
        let text = ReportRenderer.render(report, as: .json, toolVersion: "0.1.0")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let capture = try #require(parsed["capture"] as? [String: Any])
        #expect(capture["first_packet"] is NSNull)
        #expect(capture["link_type"] as? String == LinkType(rawValue: 147).name)
        let summary = try #require(parsed["summary"] as? [String: Any])
        #expect((summary["by_cause"] as? [String: Any])?.isEmpty == true)
        #expect((parsed["connections"] as? [Any])?.isEmpty == true)
        #expect(parsed["trust_source"] is NSNull)
    }

    @Test func renderedJSONParsesAndKeepsHostileStringsExactly() throws {
        let report = Fixtures.hostileReport()
        let text = ReportRenderer.render(report, as: .json, toolVersion: "0.1.0")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let connections = try #require(parsed["connections"] as? [[String: Any]])
        #expect(connections.count == report.connections.count)
        let hostile = try #require(connections.last)
        #expect(hostile["sni"] as? String == Fixtures.hostile)
        #expect(hostile["alpn"] as? String == Fixtures.hostile)
        #expect(hostile["warnings"] as? [String] == [Fixtures.hostile])
        let certificate = try #require((hostile["certificates"] as? [[String: Any]])?.first)
        #expect(certificate["subject"] as? String == "CN=" + Fixtures.hostile)
        #expect(certificate["san"] as? [String] == [Fixtures.hostile, "*.example.test", "10.0.0.9"])
        let capture = try #require(parsed["capture"] as? [String: Any])
        #expect(capture["file"] as? String == report.capture.file)
        // The JSON text itself carries nothing a terminal would act on.
        #expect(HostileInputTests.activeScalars(in: text).isEmpty)
    }

    @Test func jsonLineIsTheConnectionObjectOnOneLine() throws {
        for connection in Fixtures.hostileReport().connections {
            let line = ReportRenderer.jsonLine(connection)
            #expect(!line.contains("\n"))
            #expect(!line.contains("\r"))
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(parsed["id"] as? Int == connection.id)
            #expect(line == JSONReport.connection(connection).serialized())
            #expect(Set(parsed.keys).isSuperset(of: Self.connectionKeys.map(\.0)))
        }
    }

    @Test(arguments: [(0.0, 0.0), (12.3456789, 12.346), (0.0004, 0.0), (1500.0006, 1500.001)])
    func durationIsRoundedToTheMicrosecond(input: Double, expected: Double) {
        #expect(JSONReport.milliseconds(input) == expected)
    }
}
