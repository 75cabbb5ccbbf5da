import Testing
import PacketDecoding
import TLSDissector
@testable import Diagnosis

/// The causes that follow from the exchange alone (certificate causes are tested with real certificates
/// in the sample-capture tests).
@Suite struct DiagnoserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var cause: Cause
        var established: Bool
        var endedBy: EndedBy
        var alertFrom: Side?
        var build: @Sendable () -> ObservationBuilder
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "SYN answered by RST", cause: .tcpRefused, established: false, endedBy: .rst, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.syn(); return b.rst(.server)
        },
        Case(name: "SYNs without answer", cause: .noServerResponse, established: false, endedBy: .captureEnd, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.syn(count: 3); return b.captureEnds()
        },
        Case(name: "ClientHello never answered, client gives up", cause: .noServerResponse, established: false, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); return b.fin(.client)
        },
        Case(name: "server resets after ClientHello", cause: .connectionReset, established: false, endedBy: .rst, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); return b.rst(.server)
        },
        Case(name: "TLS 1.0-only client gets handshake_failure", cause: .protocolVersionMismatch, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(versions: [], legacy: .tls10)
            return b.alert(.server, .handshakeFailure)
        },
        Case(name: "protocol_version alert", cause: .protocolVersionMismatch, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); return b.alert(.server, .protocolVersion)
        },
        Case(name: "handshake_failure right after a modern ClientHello", cause: .cipherMismatch, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); return b.alert(.server, .handshakeFailure)
        },
        Case(name: "unrecognized_name", cause: .unrecognizedName, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); return b.alert(.server, .unrecognizedName)
        },
        Case(name: "no_application_protocol", cause: .alpnMismatch, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(alpn: ["h2"]); return b.alert(.server, .noApplicationProtocol)
        },
        Case(name: "handshake_failure after CertificateRequest and an empty Certificate", cause: .clientCertificateRequired, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tls12Handshake(certificateRequest: true, clientCertificates: 0)
            return b.alert(.server, .handshakeFailure)
        },
        Case(name: "bad_certificate from the server about the client's certificate", cause: .clientCertificateRequired, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tls12Handshake(certificateRequest: true, clientCertificates: 1)
            return b.alert(.server, .badCertificate)
        },
        Case(name: "server HTTP reply", cause: .notTLS, established: false, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello()
            _ = b.notTLS(.server, "HTTP", "HTTP/1.1 400 Bad Request\\r\\n"); return b.fin(.server)
        },
        Case(name: "TLS 1.2 success with data", cause: .ok, established: true, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tls12Handshake(); _ = b.ccs(.client); _ = b.encrypted(.client, .handshake, length: 40)
            _ = b.ccs(.server); _ = b.encrypted(.server, .handshake, length: 40); _ = b.encrypted(.client, length: 100)
            return b.fin(.client)
        },
        Case(name: "TLS 1.3 success", cause: .ok, established: true, endedBy: .open, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 53); _ = b.encrypted(.server, length: 250)
            return b
        },
        Case(name: "TLS 1.3 client refuses the server's flight", cause: .certificateRejected, established: false, endedBy: .alert, alertFrom: .client) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.ccs(.client); _ = b.encrypted(.client, length: 19)
            return b.rst(.client)
        },
        Case(name: "TLS 1.3 server refuses the client's flight", cause: .clientCertificateRequired, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 80); _ = b.encrypted(.server, length: 19)
            return b.fin(.server)
        },
        Case(name: "TLS 1.3 client closes after the server's flight without an alert", cause: .certificateRejected, established: false, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); return b.fin(.client)
        },
        Case(name: "TLS 1.3 client completes, sends one alert-sized record at once and closes (curl's name check)", cause: .certificateRejected, established: true, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); b.millisecondsPerFrame = 1; _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 69); _ = b.encrypted(.client, length: 19)
            return b.fin(.client)
        },
        Case(name: "TLS 1.3 client completes and closes much later, after the server's tickets", cause: .ok, established: true, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); b.millisecondsPerFrame = 400; _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 1248); _ = b.encrypted(.client, length: 69); _ = b.encrypted(.server, length: 517)
            _ = b.encrypted(.client, length: 19); return b.fin(.client)
        },
        Case(name: "TLS 1.3 client sends a tiny request, then its close_notify", cause: .ok, established: true, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); b.millisecondsPerFrame = 1; _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 53); _ = b.encrypted(.server, length: 250)
            _ = b.encrypted(.client, length: 20); _ = b.encrypted(.server, length: 23); _ = b.encrypted(.client, length: 19)
            return b.fin(.client)
        },
        Case(name: "TLS 1.3 resumed session (no certificate) closed at once", cause: .ok, established: true, endedBy: .fin, alertFrom: nil) {
            var b = ObservationBuilder(); b.millisecondsPerFrame = 1; _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13, psk: true)
            _ = b.encrypted(.server, length: 23); _ = b.encrypted(.server, length: 53); _ = b.encrypted(.client, length: 53)
            _ = b.encrypted(.client, length: 19); return b.fin(.client)
        },
        Case(name: "TLS 1.3 with accepted 0-RTT data: EndOfEarlyData (alert-sized), then Finished", cause: .ok, established: true, endedBy: .open, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.encrypted(.client, length: 73)
            _ = b.serverHello(.tls13, psk: true); _ = b.encrypted(.server, length: 27); _ = b.encrypted(.server, length: 69)
            _ = b.encrypted(.client, length: 21); _ = b.encrypted(.client, length: 69); return b.encrypted(.server, length: 274)
        },
        Case(name: "TLS 1.3 server ends its own flight with an alert-sized record, then the client resets", cause: .unknown, established: false, endedBy: .alert, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 23); _ = b.encrypted(.server, length: 595); _ = b.encrypted(.server, length: 53)
            _ = b.encrypted(.server, length: 19); return b.rst(.client)
        },
        Case(name: "TLS 1.3 server bytes missing: the client's Finished is seen before what is left of the flight", cause: .captureIncomplete, established: false, endedBy: .captureEnd, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
            _ = b.encrypted(.client, length: 53); _ = b.gap(.server, bytes: 2519); _ = b.encrypted(.server, length: 3102)
            _ = b.encrypted(.server, length: 445); _ = b.encrypted(.server, length: 22); return b.captureEnds()
        },
        Case(name: "warning unrecognized_name then success", cause: .ok, established: true, endedBy: .open, alertFrom: .server) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello()
            _ = b.alert(.server, .unrecognizedName, level: .warning); _ = b.serverHello(.tls13)
            _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 53); return b.encrypted(.server, length: 250)
        },
        Case(name: "bytes missing mid-handshake", cause: .captureIncomplete, established: false, endedBy: .captureEnd, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls12)
            _ = b.gap(.server, bytes: 1448); return b.captureEnds()
        },
        Case(name: "capture ends after ServerHello", cause: .handshakeIncomplete, established: false, endedBy: .captureEnd, alertFrom: nil) {
            var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls12); return b.captureEnds()
        },
        Case(name: "mid-stream capture ending with an encrypted alert (a close_notify) and a FIN", cause: .captureIncomplete, established: false, endedBy: .fin, alertFrom: .client) {
            var b = ObservationBuilder(); b.observation.rolesFromHandshake = false
            _ = b.encrypted(.client, length: 500); _ = b.encrypted(.server, length: 1400); _ = b.encryptedAlert(.client)
            return b.fin(.client)
        },
        Case(name: "mid-stream capture", cause: .captureIncomplete, established: false, endedBy: .captureEnd, alertFrom: nil) {
            var b = ObservationBuilder(); b.observation.rolesFromHandshake = false
            _ = b.encrypted(.client, length: 500); _ = b.encrypted(.server, length: 1400); return b.captureEnds()
        },
    ]

    @Test(arguments: cases)
    func decidesTheCause(_ c: Case) {
        let report = c.build().diagnose()
        #expect(report.cause == c.cause, "\(report.explanation)")
        #expect(report.established == c.established)
        #expect(report.endedBy == c.endedBy)
        #expect(report.alert?.from == c.alertFrom)
        #expect(!report.explanation.isEmpty)
        if c.cause != .ok && c.cause != .captureIncomplete && c.cause != .handshakeIncomplete {
            #expect(!report.nextSteps.isEmpty)
        }
    }

    @Test func explanationNamesWhatTheClientOffered() {
        var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.alert(.server, .handshakeFailure)
        let report = b.diagnose()
        #expect(report.explanation.contains("offered"))
        #expect(report.stage == "after ClientHello")
        #expect(report.alert?.frame == 4)
        #expect(report.alert?.encrypted == false)
    }

    @Test func versionAlertWithoutClientHelloSaysTheOfferIsUnknown() {
        var b = ObservationBuilder(); b.observation.rolesFromHandshake = false; _ = b.alert(.server, .protocolVersion)
        let report = b.diagnose()
        #expect(report.cause == .protocolVersionMismatch)
        #expect(report.explanation.contains("The ClientHello is not in the capture, so what the client offered is unknown"),
                "\(report.explanation)")
    }

    @Test func encryptedTLS13AlertHasNoCode() {
        var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls13)
        _ = b.encrypted(.server, length: 2400); _ = b.encrypted(.client, length: 19); _ = b.fin(.client)
        let report = b.diagnose()
        #expect(report.alert?.encrypted == true)
        #expect(report.alert?.description == nil && report.alert?.level == nil)
        #expect(report.alert?.frame == 6)
        #expect(report.stage == "after the server's encrypted handshake flight")
    }

    @Test func resumptionIsRecognized() {
        var b = ObservationBuilder(); _ = b.tcpHandshake(); _ = b.clientHello(); _ = b.serverHello(.tls12)
        _ = b.ccs(.server); _ = b.encrypted(.server, .handshake, length: 40); _ = b.ccs(.client)
        _ = b.encrypted(.client, .handshake, length: 40); _ = b.encrypted(.client, length: 300)
        let report = b.diagnose()
        #expect(report.established && report.resumed && report.cause == .ok)
    }
}

@Suite struct PeerContextTests {
    @Test func mismatchNamesWhatOtherClientsGot() {
        var ok = ObservationBuilder(); _ = ok.tcpHandshake(); _ = ok.clientHello(); _ = ok.serverHello(.tls13)
        _ = ok.encrypted(.server, length: 2400); _ = ok.encrypted(.client, length: 53); _ = ok.encrypted(.server, length: 250)
        var bad = ObservationBuilder(); _ = bad.tcpHandshake(); _ = bad.clientHello(); _ = bad.alert(.server, .handshakeFailure)
        var reports = [ok.diagnose(), bad.diagnose()]
        let choices = PeerContext.choices(reports.map {
            PeerContext.Outcome(server: $0.server, cause: $0.cause, version: $0.version, cipherSuite: $0.cipherSuite)
        })
        for index in reports.indices { PeerContext.annotate(&reports[index], choices: choices) }
        #expect(reports[1].explanation.contains("Other clients of this server"))
        #expect(!reports[0].explanation.contains("Other clients"))
    }
}

@Suite struct CrossConnectionWordingTests {
    static let server = Endpoint(address: IPAddress(10, 0, 0, 1), port: 443)
    static let other = Endpoint(address: IPAddress(10, 0, 0, 2), port: 8443)

    /// Most frequent first, ties in word order, three at most; failures and other servers do not count.
    @Test func choicesAreCountedAndOrdered() {
        func outcome(_ version: ProtocolVersion, _ suite: UInt16, cause: Cause = .ok, server: Endpoint = Self.server)
            -> PeerContext.Outcome {
            PeerContext.Outcome(server: server, cause: cause, version: version, cipherSuite: CipherSuite(rawValue: suite))
        }
        let outcomes = [
            outcome(.tls12, 0xc030), outcome(.tls13, 0x1301), outcome(.tls13, 0x1302), outcome(.tls13, 0x1301),
            outcome(.tls12, 0xc02f), outcome(.tls13, 0x1303), outcome(.tls13, 0x1301, cause: .unknownCA),
            outcome(.tls12, 0x009c, server: Self.other),
        ]
        let choices = PeerContext.choices(outcomes)
        #expect(choices[Self.server] == "TLS 1.3, TLS_AES_128_GCM_SHA256 (2×); "
            + "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (1×); TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (1×)")
        #expect(choices[Self.other] == "TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256 (1×)")
    }

    /// One name, two certificates: both named, each with the servers that sent it (in address order) and the
    /// first connection it was seen in.
    @Test func differentCertificatesForOneNameAreReported() {
        let leafA = String(repeating: "a", count: 64), leafB = String(repeating: "b", count: 64)
        let answers = [
            CertificateConsistency.Answer(connection: 3, sni: "api.example", server: Self.other, leafSHA256: leafA, leafSubject: "CN=a"),
            CertificateConsistency.Answer(connection: 5, sni: "api.example", server: Self.server, leafSHA256: leafA, leafSubject: "CN=a"),
            CertificateConsistency.Answer(connection: 7, sni: "api.example", server: Self.server, leafSHA256: leafB, leafSubject: "CN=b"),
            CertificateConsistency.Answer(connection: 8, sni: "www.example", server: Self.server, leafSHA256: leafB, leafSubject: "CN=b"),
        ]
        #expect(CertificateConsistency.findings(answers) == [
            "api.example was answered with 2 different certificates: CN=a sha256 aaaaaaaaaaaaaaaa… from "
                + "10.0.0.1:443, 10.0.0.2:8443 (first in connection #3); CN=b sha256 bbbbbbbbbbbbbbbb… from 10.0.0.1:443 "
                + "(first in connection #7)",
        ])
    }
}
