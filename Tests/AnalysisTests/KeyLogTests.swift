import Foundation
import Testing
import Analysis
import Diagnosis
import TLSDecryption

/// `--keylog` end to end: the sample captures recorded with their NSS key logs (SamplePcaps/*.keys, written by
/// OpenSSL, curl and GnuTLS through SSLKEYLOGFILE), analyzed with and without them.
@Suite struct KeyLogTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var file: String
        var cause: String
        var established: Bool
        /// Side, code, name, level of the alert the report names, or nil for none.
        var alert: (from: String, code: UInt8, name: String, level: String)?
        /// The leaf the (TLS 1.3: decrypted) Certificate message carried.
        var leafName: String
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        .init(file: "tls13-ok", cause: "ok", established: true, alert: nil, leafName: "api.example.test"),
        // The server's encrypted alert 116 after the client's empty Certificate and Finished.
        .init(file: "client-cert-required-tls13", cause: "client_certificate_required", established: false,
              alert: ("server", 116, "certificate_required", "fatal"), leafName: "api.example.test"),
        // GnuTLS's encrypted alert 42; the client trusts another CA, which the capture cannot show: with the
        // certificate visible and nothing wrong with it, bad_certificate (without keys: certificate_rejected).
        .init(file: "certificate-rejected", cause: "bad_certificate", established: false,
              alert: ("client", 42, "bad_certificate", "fatal"), leafName: "api.example.test"),
        // curl completes the handshake, checks the name, then sends an encrypted close_notify and resets.
        .init(file: "hostname-mismatch-tls13", cause: "hostname_mismatch", established: true,
              alert: ("client", 0, "close_notify", "warning"), leafName: "other.example.test"),
        .init(file: "missing-sni-tls13", cause: "missing_sni", established: false,
              alert: ("client", 42, "bad_certificate", "fatal"), leafName: "default.example.test"),
        // TLS 1.2: the close_notify alerts after the handshake become readable; the last one is the server's.
        .init(file: "hostname-mismatch", cause: "hostname_mismatch", established: true,
              alert: ("server", 0, "close_notify", "warning"), leafName: "other.example.test"),
        .init(file: "hostname-mismatch-wildcard", cause: "hostname_mismatch", established: true,
              alert: ("server", 0, "close_notify", "warning"), leafName: "*.example.test"),
    ]

    static func keyLog(_ name: String) throws -> KeyLog {
        let data = try Data(contentsOf: CaptureFixtures.samples.appendingPathComponent("\(name).keys"))
        return KeyLog(parsing: [UInt8](data))
    }

    static func analyze(_ name: String, keyLog: KeyLog?) throws -> ConnectionReport {
        let report = try CaptureFixtures.analyze(CaptureFixtures.samples.appendingPathComponent("\(name).pcap"), keyLog: keyLog)
        return try #require(report.connections.first)
    }

    @Test(arguments: expectations)
    func keyLogRevealsTheAlertAndTheCertificate(_ expected: Expectation) throws {
        let keys = try Self.keyLog(expected.file)
        #expect(keys.badLines == 0)
        let connection = try Self.analyze(expected.file, keyLog: keys)
        let context = "\(expected.file): \(connection.cause) \(connection.explanation) warnings \(connection.warnings)"
        #expect(connection.decrypted, "\(context)")
        #expect(connection.cause.rawValue == expected.cause, "\(context)")
        #expect(connection.established == expected.established, "\(context)")
        #expect(connection.warnings.allSatisfy { !$0.contains("key log") }, "\(context)")
        if let alert = expected.alert {
            let reported = try #require(connection.alert, "\(context)")
            #expect(reported.from.rawValue == alert.from, "\(context)")
            #expect(reported.description?.rawValue == alert.code, "\(context)")
            #expect(reported.description?.name == alert.name, "\(context)")
            #expect(reported.level?.description == alert.level, "\(context)")
            #expect(reported.encrypted, "an alert the key log decrypted was still sent encrypted: \(context)")
        } else {
            #expect(connection.alert == nil, "\(context)")
        }
        #expect(connection.certificates.count == 2, "\(context)")
        #expect(connection.certificates.first?.dnsNames.contains(expected.leafName) == true, "\(context)")
    }

    @Test(arguments: expectations)
    func withoutTheKeyLogTheAlertStaysHidden(_ expected: Expectation) throws {
        let connection = try Self.analyze(expected.file, keyLog: nil)
        #expect(!connection.decrypted)
        if let alert = connection.alert {
            #expect(alert.encrypted)
            #expect(alert.description == nil && alert.level == nil)
        }
        if connection.version?.description == "TLS 1.3" {
            #expect(connection.certificates.isEmpty)
        }
    }

    @Test func decryptedHandshakeIsInTheTimeline() throws {
        let connection = try Self.analyze("client-cert-required-tls13", keyLog: try Self.keyLog("client-cert-required-tls13"))
        let steps = connection.handshake.map { "\($0.from.rawValue.prefix(1)) \($0.message)" }
        #expect(steps.starts(with: ["c ClientHello", "s ServerHello", "s ChangeCipherSpec", "s EncryptedExtensions",
                                    "s CertificateRequest", "s Certificate", "s CertificateVerify", "s Finished",
                                    "c ChangeCipherSpec", "c Certificate", "c Finished", "s Alert"]), "\(steps)")
        #expect(connection.stage == "after client Finished")
        #expect(connection.endedBy == .alert)
    }

    @Test func keyLogWithoutThisConnectionLeavesTheVerdictAndWarns() throws {
        // tls13-ok analyzed with another capture's key log.
        let keys = try Self.keyLog("hostname-mismatch-tls13")
        let plain = try Self.analyze("tls13-ok", keyLog: nil)
        let connection = try Self.analyze("tls13-ok", keyLog: keys)
        #expect(!connection.decrypted)
        #expect(connection.cause == plain.cause)
        #expect(connection.established == plain.established)
        #expect(connection.warnings.contains { $0.contains("the key log has no secrets for this connection") }, "\(connection.warnings)")
    }

    /// The key log's lines with every secret's last hex digit changed: right client random, wrong keys.
    static func corrupted(_ name: String) throws -> KeyLog {
        let text = try String(contentsOf: CaptureFixtures.samples.appendingPathComponent("\(name).keys"), encoding: .utf8)
        let lines = text.split(separator: "\n").map { line -> String in
            guard !line.hasPrefix("#"), let last = line.last else { return String(line) }
            return String(line.dropLast()) + (last == "0" ? "1" : "0")
        }
        return KeyLog(parsing: Array(lines.joined(separator: "\n").utf8))
    }

    @Test(arguments: ["tls13-ok", "certificate-rejected", "hostname-mismatch"])
    func wrongKeysWarnAndChangeNothing(_ name: String) throws {
        let keys = try Self.corrupted(name)
        #expect(!keys.isEmpty)
        let plain = try Self.analyze(name, keyLog: nil)
        let connection = try Self.analyze(name, keyLog: keys)
        #expect(!connection.decrypted)
        #expect(connection.cause == plain.cause, "\(connection.explanation)")
        #expect(connection.established == plain.established)
        #expect(connection.alert == plain.alert)
        #expect(connection.warnings.contains { $0.contains("failed") && $0.contains("do not fit this connection") },
                "\(connection.warnings)")
    }

    /// Every other sample analyzed with all the key logs at once: connections the key logs do not cover keep
    /// their verdicts (SampleCaptureTests checks those against EXPECTED.tsv).
    @Test func keyLogDoesNotChangeOtherCaptures() throws {
        var text: [UInt8] = []
        for expected in Self.expectations {
            text += try [UInt8](Data(contentsOf: CaptureFixtures.samples.appendingPathComponent("\(expected.file).keys")))
            text.append(UInt8(ascii: "\n"))
        }
        let allKeys = KeyLog(parsing: text)
        let covered = Set(Self.expectations.map { "\($0.file).pcap" })
        let files = try FileManager.default.contentsOfDirectory(atPath: CaptureFixtures.samples.path)
            .filter { ($0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng")) && !covered.contains($0) }.sorted()
        #expect(files.count > 30)
        for file in files {
            let ports: Set<UInt16> = file == "tls13-hrr.pcap" ? [8443] : file == "tls12-resumption.pcap" ? [4433]
                : file == "not-tls-ssh.pcap" ? [22] : [443]
            let url = CaptureFixtures.samples.appendingPathComponent(file)
            let plain = try CaptureFixtures.analyze(url, ports: ports)
            let keyed = try CaptureFixtures.analyze(url, ports: ports, keyLog: allKeys)
            #expect(plain.connections.count == keyed.connections.count, "\(file)")
            for (a, b) in zip(plain.connections, keyed.connections) {
                #expect(a.cause == b.cause, "\(file) #\(a.id)")
                #expect(a.established == b.established, "\(file) #\(a.id)")
                #expect(a.alert == b.alert, "\(file) #\(a.id)")
                #expect(!b.decrypted, "\(file) #\(a.id)")
            }
        }
    }
}
