import WireFormat
import TLSDissector

// How TLS events become facts in a `ConnectionObservation`: each kept once, the timeline bounded.
extension ConnectionObservation {
    /// Takes the message: a hello moves into `clientHellos`/`serverHellos` instead of being copied (a dozen arrays).
    public mutating func recordHandshake(_ message: consuming HandshakeMessage, side: Side, at: FrameMark) {
        addTimeline(TimelineEntry(from: side, kind: .handshakeMessage, message: Self.name(of: message),
                                  frame: at.frame, timestamp: at.timestamp, summary: TimelineSummary(message)))
        switch consume message {
        case .clientHello(let hello):
            // (The side is checked inside the case: a `where` clause would make the hello a copy.)
            if side == .client && clientHellos.count < 4 { clientHellos.append((hello, at)) }
        case .serverHello(let hello):
            if side == .server && serverHellos.count < 4 { serverHellos.append((hello, at)) }
        case .certificate(let certificate):
            if side == .server {
                if serverCertificateAt == nil {
                    serverCertificates = certificate.certificates
                    serverCertificateAt = at
                }
            } else if clientCertificateCount == nil {
                clientCertificateCount = certificate.certificates.count
                clientCertificateAt = at
            }
        case .certificateRequest where side == .server:
            certificateRequestAt = certificateRequestAt ?? at
        case .serverHelloDone where side == .server:
            serverHelloDoneAt = serverHelloDoneAt ?? at
        case .clientKeyExchange where side == .client:
            clientKeyExchangeAt = clientKeyExchangeAt ?? at
        case .newSessionTicket:
            newSessionTicketSeen = true
            newSessionTicketAt[side] = newSessionTicketAt[side] ?? at
        case .finished:
            finished[side] = finished[side] ?? at
        default:
            break
        }
    }

    public mutating func recordChangeCipherSpec(side: Side, at: FrameMark) {
        if changeCipherSpec[side] == nil {
            changeCipherSpec[side] = at
            addTimeline(TimelineEntry(from: side, kind: .changeCipherSpec, message: "ChangeCipherSpec",
                                      frame: at.frame, timestamp: at.timestamp))
        }
    }

    public mutating func recordAlert(_ alert: ObservedAlert) {
        if alerts.count < 16 { alerts.append(alert) }
        let summary = alert.alert.map { TimelineSummary.alert($0, decrypted: alert.encrypted) } ?? .text("encrypted")
        addTimeline(TimelineEntry(from: alert.side, kind: .alert, message: "Alert", frame: alert.at.frame,
                                  timestamp: alert.at.timestamp, summary: summary))
    }

    /// Encrypted records: a TLS ≤ 1.2 handshake record after ChangeCipherSpec is the Finished; an encrypted
    /// alert record is an alert whose content is hidden; the rest is kept (bounded) for the TLS 1.3 reasoning.
    public mutating func recordEncrypted(_ record: EncryptedRecordMark) {
        encryptedRecordCount[record.side, default: 0] += 1
        switch record.contentType {
        case .handshake where encryptedFinished[record.side] == nil:
            encryptedFinished[record.side] = record.at
            addTimeline(TimelineEntry(from: record.side, kind: .encrypted, message: "Finished",
                                      frame: record.at.frame, timestamp: record.at.timestamp,
                                      summary: .encryptedByteCount(record.length)))
            return
        case .alert:
            recordAlert(ObservedAlert(side: record.side, alert: nil, at: record.at))
            return
        default:
            break
        }
        if encryptedRecords.count < Self.encryptedRecordLimit {
            if encryptedRecords.isEmpty { encryptedRecords.reserveCapacity(Self.encryptedRecordLimit) }
            encryptedRecords.append(record)
            var count = 0
            for kept in encryptedRecords where kept.side == record.side { count += 1 }
            if count <= 6 {
                addTimeline(TimelineEntry(from: record.side, kind: .encrypted, message: "EncryptedRecord",
                                          frame: record.at.frame, timestamp: record.at.timestamp,
                                          summary: .byteCount(record.length)))
            }
        }
    }

    public mutating func recordNotTLS(_ proto: NonTLSProtocol, side: Side, at: FrameMark) {
        if notTLS == nil { notTLS = (side, proto, at) }
        addTimeline(TimelineEntry(from: side, kind: .other, message: "Not TLS", frame: at.frame,
                                  timestamp: at.timestamp, detail: "\(proto.name): \(proto.preview)"))
    }

    public mutating func recordMalformed(_ error: TLSParseError, side: Side, at: FrameMark) {
        if malformed.count < 8 { malformed.append((side, error, at)) }
    }

    /// Client and server were guessed the wrong way round.
    public mutating func swapRoles() {
        swap(&client, &server)
        func flip(_ side: Side) -> Side { side == .client ? .server : .client }
        fin = fin.swapped()
        rst = rst.swapped()
        missingBytes = missingBytes.swapped()
        firstGap = firstGap.swapped()
        payloadBytes = payloadBytes.swapped()
        timeline = timeline.map { var entry = $0; entry.from = flip(entry.from); return entry }
    }

    static func name(of message: HandshakeMessage) -> String {
        switch message {
        case .serverHello(let hello) where hello.isHelloRetryRequest: "HelloRetryRequest"
        default: message.type.description
        }
    }
}
