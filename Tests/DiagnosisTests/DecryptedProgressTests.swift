import Testing
import TLSDissector
@testable import Diagnosis

extension ObservationBuilder {
    /// A handshake message a key log decrypted (one record each).
    mutating func decrypted(_ message: HandshakeMessage, from side: Side) -> Self {
        observation.decryptedRecords[side, default: 0] += 1
        return handshake(message, from: side)
    }

    mutating func decryptedAlert(_ side: Side, _ description: AlertDescription, level: AlertLevel = .fatal) -> Self {
        observation.decryptedRecords[side, default: 0] += 1
        observation.payloadBytes[side, default: 0] += 24
        observation.recordAlert(ObservedAlert(side: side, alert: Alert(level: level, description: description),
                                              at: FrameMark(frame: frame, timestamp: observation.last.timestamp), encrypted: true))
        frame += 1
        return self
    }

    mutating func decryptedData(_ side: Side) -> Self {
        observation.decryptedRecords[side, default: 0] += 1
        return encrypted(side, .applicationData, length: 300)
    }

    /// TLS 1.3 up to the server's Finished, decrypted.
    mutating func decryptedServerFlight(certificateRequest: Bool = false) -> Self {
        _ = tcpHandshake()
        _ = clientHello()
        _ = serverHello(.tls13)
        _ = decrypted(.encryptedExtensions, from: .server)
        if certificateRequest { _ = decrypted(.certificateRequest(CertificateRequest()), from: .server) }
        _ = decrypted(.certificate(CertificateMessage(certificates: [])), from: .server)
        _ = decrypted(.certificateVerify, from: .server)
        return decrypted(.finished, from: .server)
    }
}

/// HandshakeProgress and the verdicts when a key log decrypted a TLS 1.3 handshake: Finished messages and
/// alerts are read, not inferred from record sizes.
@Suite struct DecryptedProgressTests {
    @Test func clientFinishedThenTicketAndDataIsEstablished() {
        var builder = ObservationBuilder()
        _ = builder.decryptedServerFlight()
        _ = builder.decrypted(.finished, from: .client)
        _ = builder.decrypted(.newSessionTicket, from: .server)
        _ = builder.decryptedData(.client)
        let progress = HandshakeProgress(builder.observation)
        #expect(progress.tls13 == nil)
        #expect(progress.established)
        #expect(progress.outcomeKnown)
        #expect(!progress.failedByAlert)
        let report = builder.diagnose()
        #expect(report.cause == .ok)
        #expect(report.decrypted)
        #expect(report.alert == nil)
    }

    @Test func serverAlertAfterClientFinishedFailsTheHandshake() {
        var builder = ObservationBuilder()
        _ = builder.decryptedServerFlight(certificateRequest: true)
        _ = builder.decrypted(.certificate(CertificateMessage()), from: .client)
        _ = builder.decrypted(.finished, from: .client)
        _ = builder.decryptedAlert(.server, .certificateRequired)
        let progress = HandshakeProgress(builder.observation)
        #expect(!progress.established)
        #expect(progress.failedByAlert)
        #expect(progress.outcomeKnown)
        let report = builder.diagnose()
        #expect(report.cause == .clientCertificateRequired)
        #expect(report.alert == AlertReport(from: .server, level: .fatal, description: .certificateRequired, encrypted: true,
                                            frame: report.alert?.frame ?? 0))
        #expect(report.stage == "after client Finished")
    }

    @Test func fatalAlertLongAfterTheTicketDoesNotUndoTheHandshake() {
        var builder = ObservationBuilder()
        _ = builder.decryptedServerFlight()
        _ = builder.decrypted(.finished, from: .client)
        _ = builder.decrypted(.newSessionTicket, from: .server)
        _ = builder.decryptedData(.client)
        _ = builder.decryptedData(.server)
        _ = builder.decryptedAlert(.client, .internalError)
        let progress = HandshakeProgress(builder.observation)
        #expect(progress.established)
        #expect(!progress.failedByAlert)
    }

    @Test func clientAlertInsteadOfFinishedIsARefusal() {
        var builder = ObservationBuilder()
        _ = builder.decryptedServerFlight()
        _ = builder.ccs(.client)
        _ = builder.decryptedAlert(.client, .badCertificate)
        _ = builder.fin(.client)
        let report = builder.diagnose()
        #expect(!report.established)
        #expect(report.alert?.description == .badCertificate)
        #expect(report.alert?.encrypted == true)
        #expect(report.endedBy == .alert)
    }

    @Test func closeWithoutDataAfterTheHandshakeIsNotEstablishedDataFlow() {
        // curl's pattern when the name does not match: Finished, close_notify, RST; no request.
        var builder = ObservationBuilder()
        _ = builder.decryptedServerFlight()
        _ = builder.decrypted(.finished, from: .client)
        _ = builder.decryptedAlert(.client, .closeNotify, level: .warning)
        _ = builder.decrypted(.newSessionTicket, from: .server)
        _ = builder.rst(.client)
        let progress = HandshakeProgress(builder.observation)
        #expect(progress.established)
        #expect(!progress.outcomeKnown)  // keep reading: the close is the evidence
        let report = builder.diagnose()
        #expect(report.alert?.description == .closeNotify)
        #expect(report.alert?.level == .warning)
    }

    @Test func tls12DecryptedFinishedMessagesCompleteTheHandshake() {
        var builder = ObservationBuilder()
        _ = builder.tls12Handshake()
        _ = builder.ccs(.client)
        _ = builder.decrypted(.finished, from: .client)
        _ = builder.ccs(.server)
        _ = builder.decrypted(.finished, from: .server)
        _ = builder.decryptedData(.client)
        let progress = HandshakeProgress(builder.observation)
        #expect(progress.established)
        #expect(progress.outcomeKnown)
        #expect(builder.diagnose().stage == "complete")
    }

    @Test func encryptedFlagDefaultsToWhetherTheContentIsHidden() {
        let at = FrameMark(frame: 1, timestamp: .init(seconds: 0, nanoseconds: 0))
        #expect(ObservedAlert(side: .client, alert: nil, at: at).encrypted)
        #expect(!ObservedAlert(side: .client, alert: Alert(level: .fatal, description: .unknownCA), at: at).encrypted)
        #expect(ObservedAlert(side: .client, alert: Alert(level: .fatal, description: .unknownCA), at: at, encrypted: true).encrypted)
    }
}
