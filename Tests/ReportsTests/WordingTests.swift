import Testing
import TLSDissector
import Diagnosis
@testable import Reports

/// The verdict line says who did what, and where; it must be right for every way a handshake ends.
@Suite struct WordingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var alert: AlertReport?
        var endedBy: EndedBy
        var cause: Cause
        var tcp: [(Side, String, Int)] = []
        var verdict: String
        var testDescription: String { name }
    }

    static func alertName(_ d: AlertDescription) -> String { d.name == String(d.rawValue) ? "" : " " + d.name }

    static let cases: [Case] = [
        Case(name: "server fatal alert", alert: AlertReport(from: .server, level: .fatal, description: .handshakeFailure,
                                                             encrypted: false, frame: 9),
             endedBy: .alert, cause: .cipherMismatch,
             verdict: "FAILED after ClientHello: the server sent fatal alert 40\(alertName(.handshakeFailure)) (frame 9)"),
        Case(name: "warning alert", alert: AlertReport(from: .server, level: .warning, description: .unrecognizedName,
                                                        encrypted: false, frame: 7),
             endedBy: .fin, cause: .unrecognizedName,
             verdict: "FAILED after ClientHello: the server sent warning alert 112\(alertName(.unrecognizedName)) (frame 7)"),
        Case(name: "odd alert level", alert: AlertReport(from: .client, level: AlertLevel(rawValue: 9),
                                                          description: .decodeError, encrypted: false, frame: 5),
             endedBy: .alert, cause: .unknown,
             verdict: "FAILED after ClientHello: the client sent level-9 alert 50\(alertName(.decodeError)) (frame 5)"),
        Case(name: "decrypted alert", alert: AlertReport(from: .client, level: .fatal, description: .badCertificate,
                                                          encrypted: true, frame: 11),
             endedBy: .alert, cause: .badCertificate,
             verdict: "FAILED after ClientHello: the client sent fatal alert 42\(alertName(.badCertificate)) (decrypted) (frame 11)"),
        Case(name: "encrypted alert", alert: AlertReport(from: .client, level: nil, description: nil, encrypted: true, frame: 12),
             endedBy: .alert, cause: .certificateRejected,
             verdict: "FAILED after ClientHello: the client sent an encrypted alert (frame 12)"),
        Case(name: "server reset", endedBy: .rst, cause: .connectionReset, tcp: [(.server, "RST", 6)],
             verdict: "FAILED after ClientHello: the server reset the connection (frame 6)"),
        Case(name: "client FIN", endedBy: .fin, cause: .unknown, tcp: [(.client, "FIN, ACK", 8)],
             verdict: "FAILED after ClientHello: the client closed the connection without an alert (frame 8)"),
        Case(name: "capture ended", endedBy: .captureEnd, cause: .handshakeIncomplete,
             verdict: "FAILED after ClientHello: the capture ended before the handshake finished"),
        Case(name: "still open", endedBy: .open, cause: .handshakeIncomplete,
             verdict: "FAILED after ClientHello: the handshake had not finished"),
    ]

    @Test(arguments: cases)
    func verdictLine(_ testCase: Case) {
        #expect(Wording.verdict(Self.report(testCase)) == testCase.verdict)
    }

    static func report(_ testCase: Case) -> ConnectionReport {
        var c = ConnectionReport(id: 1, client: Fixtures.client(1, 1000), server: Fixtures.server, firstFrame: 1,
                                 lastFrame: 12, firstPacket: Fixtures.time(0), lastPacket: Fixtures.time(1))
        c.sni = "api.example.test"
        c.stage = "after ClientHello"
        c.alert = testCase.alert
        c.endedBy = testCase.endedBy
        c.cause = testCase.cause
        c.timeline = testCase.tcp.map { Fixtures.entry($0.0, .tcp, $0.1, $0.2, Fixtures.time(0)) }
        return c
    }

    @Test func healthyAndFlaggedVerdicts() {
        var c = Fixtures.ok(id: 1)
        c.resumed = true
        c.helloRetryRequest = true
        let negotiated = "\(ProtocolVersion.tls13), \(CipherSuite(rawValue: 0x1301)), h2, resumed, after HelloRetryRequest"
        #expect(Wording.verdict(c) == "OK: \(negotiated)")
        c.cause = .hostnameMismatch
        #expect(Wording.verdict(c) == "ESTABLISHED (\(negotiated)) but flagged hostname_mismatch")
    }
}
