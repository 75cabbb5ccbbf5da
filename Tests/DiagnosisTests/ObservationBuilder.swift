import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
@testable import Diagnosis

/// Builds an observation the way the pipeline would, one event per frame, a second apart unless told otherwise.
struct ObservationBuilder {
    var observation: ConnectionObservation
    var frame = 1
    /// Time between two events.
    var millisecondsPerFrame: Int64 = 1000

    init(serverPort: UInt16 = 443) {
        let client = Endpoint(address: IPAddress(ipv4: 0x0a63_0001), port: 50_068)
        let server = Endpoint(address: IPAddress(ipv4: 0x0a63_000e), port: serverPort)
        observation = ConnectionObservation(client: client, server: server, rolesFromHandshake: true,
                                            first: FrameMark(frame: 1, timestamp: Timestamp(seconds: 1_795_921_924, nanoseconds: 0)))
    }

    private mutating func next() -> FrameMark {
        defer { frame += 1 }
        let elapsed = Int64(frame) * millisecondsPerFrame
        let mark = FrameMark(frame: frame, timestamp: Timestamp(seconds: 1_795_921_924 + elapsed / 1000,
                                                                nanoseconds: UInt32(elapsed % 1000) * 1_000_000))
        observation.last = mark
        return mark
    }

    mutating func syn(count: Int = 1) -> Self {
        for _ in 0..<count {
            let at = next()
            observation.clientSYNCount += 1
            if observation.clientSYN == nil { observation.clientSYN = at }
        }
        return self
    }

    mutating func synAck() -> Self { observation.serverSYNACK = next(); return self }
    mutating func tcpHandshake() -> Self { _ = syn(); return synAck() }

    mutating func handshake(_ message: HandshakeMessage, from side: Side, bytes: Int = 100) -> Self {
        observation.payloadBytes[side, default: 0] += bytes
        observation.recordHandshake(message, side: side, at: next())
        return self
    }

    mutating func clientHello(versions: [ProtocolVersion] = [.tls13, .tls12], legacy: ProtocolVersion = .tls12,
                              sni: String? = "api.example.test", alpn: [String] = []) -> Self {
        var hello = ClientHello()
        hello.legacyVersion = legacy
        hello.supportedVersions = versions.contains(.tls13) ? versions : []
        hello.cipherSuites = [CipherSuite(rawValue: 0x1301), CipherSuite(rawValue: 0xc02f), CipherSuite(rawValue: 0x002f)]
        hello.serverName = sni
        hello.alpnProtocols = alpn
        return handshake(.clientHello(hello), from: .client, bytes: 300)
    }

    mutating func serverHello(_ version: ProtocolVersion, hrr: Bool = false, psk: Bool = false) -> Self {
        var hello = ServerHello()
        hello.legacyVersion = .tls12
        hello.selectedVersion = version == .tls13 ? .tls13 : nil
        hello.legacyVersion = version == .tls13 ? .tls12 : version
        hello.cipherSuite = CipherSuite(rawValue: version == .tls13 ? 0x1301 : 0xc02f)
        hello.isHelloRetryRequest = hrr
        hello.acceptsPreSharedKey = psk
        return handshake(.serverHello(hello), from: .server)
    }

    mutating func ccs(_ side: Side) -> Self {
        observation.payloadBytes[side, default: 0] += 6
        observation.recordChangeCipherSpec(side: side, at: next())
        return self
    }

    mutating func encrypted(_ side: Side, _ type: ContentType = .applicationData, length: Int) -> Self {
        observation.payloadBytes[side, default: 0] += length + 5
        observation.recordEncrypted(EncryptedRecordMark(side: side, contentType: type, length: length, at: next()))
        return self
    }

    mutating func alert(_ side: Side, _ description: AlertDescription, level: AlertLevel = .fatal) -> Self {
        observation.payloadBytes[side, default: 0] += 7
        observation.recordAlert(ObservedAlert(side: side, alert: Alert(level: level, description: description), at: next()))
        return self
    }

    /// An alert record whose content is encrypted (its level and code hidden).
    mutating func encryptedAlert(_ side: Side) -> Self {
        observation.payloadBytes[side, default: 0] += 31
        observation.recordAlert(ObservedAlert(side: side, alert: nil, at: next()))
        return self
    }

    mutating func fin(_ side: Side) -> Self { observation.fin[side] = next(); return self }
    mutating func rst(_ side: Side) -> Self { observation.rst[side] = next(); return self }

    mutating func notTLS(_ side: Side, _ name: String, _ preview: String) -> Self {
        observation.payloadBytes[side, default: 0] += preview.utf8.count
        observation.recordNotTLS(NonTLSProtocol(name: name, preview: preview), side: side, at: next())
        return self
    }

    mutating func gap(_ side: Side, bytes: Int) -> Self {
        let at = next()
        observation.missingBytes[side, default: 0] += bytes
        if observation.firstGap[side] == nil { observation.firstGap[side] = at }
        return self
    }

    mutating func captureEnds() -> Self { observation.openAtEnd = true; return self }

    /// A full TLS 1.2 handshake up to both Finished messages.
    mutating func tls12Handshake(certificateRequest: Bool = false, clientCertificates: Int? = nil) -> Self {
        _ = tcpHandshake()
        _ = clientHello()
        _ = serverHello(.tls12)
        _ = handshake(.certificate(CertificateMessage(certificates: [])), from: .server, bytes: 1200)
        _ = handshake(.serverKeyExchange(length: 300), from: .server)
        if certificateRequest { _ = handshake(.certificateRequest(CertificateRequest()), from: .server) }
        _ = handshake(.serverHelloDone, from: .server, bytes: 4)
        if let count = clientCertificates {
            _ = handshake(.certificate(CertificateMessage(certificates: Array(repeating: [0x30], count: count))), from: .client)
        }
        _ = handshake(.clientKeyExchange(length: 66), from: .client)
        return self
    }

    func diagnose() -> ConnectionReport {
        let findings = CertificateFindings(summaries: [], unreadable: [], sni: observation.clientHello?.serverName,
                                           captureTime: observation.first.timestamp, trust: nil)
        return Diagnoser(observation: observation, certificates: findings).report(id: 1)
    }
}
