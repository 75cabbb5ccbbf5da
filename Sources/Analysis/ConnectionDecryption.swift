import TLSDissector
import TLSDecryption
import Diagnosis

/// One connection's use of the key log: the ClientHello's random selects the secrets, the ServerHello makes
/// the two record decryptors, and each encrypted record is opened into the events a plaintext record would
/// have given. Problems become connection warnings; a record that cannot be opened stays an encrypted record.
struct ConnectionDecryption {
    let keyLog: KeyLog
    let maxHandshakeMessageLength: Int
    private(set) var secrets: KeyLog.Secrets?
    private var lookedUp = false
    private var session: SessionDecryption?
    /// Sides whose decryption failed: their later records stay encrypted.
    private var failed: Set<Side> = []
    private var warnedMissing: Set<Side> = []

    init(keyLog: KeyLog, maxHandshakeMessageLength: Int) {
        self.keyLog = keyLog
        self.maxHandshakeMessageLength = maxHandshakeMessageLength
    }

    /// Whether the parsers should hand over encrypted record bodies.
    var wantsBodies: Bool { secrets != nil && (session != nil || !sawServerHello) && failed.count < 2 }
    private var sawServerHello = false

    /// A plaintext event, seen before it is recorded.
    mutating func observe(_ event: TLSEvent, side: Side, observation: inout ConnectionObservation) {
        switch event {
        case .handshake(.clientHello(let hello), _) where side == .client && !lookedUp:
            lookedUp = true
            secrets = keyLog[clientRandom: hello.random]
            if hello.isSSLv2Format {
                observation.warnings.append("the ClientHello is in the SSLv2 format: a key log cannot decrypt this connection")
            } else if secrets == nil {
                observation.warnings.append("the key log has no secrets for this connection (client random \(Self.shortHex(hello.random))), so its encrypted records stay encrypted")
            }
        case .handshake(.serverHello(let hello), _) where side == .server && !hello.isHelloRetryRequest && !sawServerHello:
            sawServerHello = true
            guard let secrets, let clientHello = observation.clientHello else { return }
            do {
                session = try SessionDecryption(secrets: secrets, clientHello: clientHello, serverHello: hello,
                                                maxHandshakeMessageLength: maxHandshakeMessageLength)
            } catch {
                observation.warnings.append("the key log cannot decrypt this connection: \(error.detail)")
            }
        case .changeCipherSpec:
            if side == .client { session?.client.changeCipherSpec() } else { session?.server.changeCipherSpec() }
        case .encryptedRecord:
            // A record whose body a gap cut: the sequence numbers move on without it.
            if side == .client { session?.client.skipRecord() } else { session?.server.skipRecord() }
        default:
            break
        }
    }

    /// The events an encrypted record holds, or nil when it cannot be decrypted (record it as encrypted).
    mutating func decrypt(_ record: EncryptedRecord, side: Side, frame: Int,
                          observation: inout ConnectionObservation) -> [TLSEvent]? {
        guard session != nil, !failed.contains(side) else { return nil }
        do {
            let events = side == .client
                ? try session!.client.decrypt(record, frame: frame)
                : try session!.server.decrypt(record, frame: frame)
            observation.decryptedRecords[side, default: 0] += 1
            return events
        } catch {
            switch error.code {
            case .notActive, .earlyData:
                break
            case .missingSecret:
                if warnedMissing.insert(side).inserted {
                    observation.warnings.append("the key log cannot decrypt the \(side.rawValue)'s records after frame \(frame): \(error.detail)")
                }
            default:
                failed.insert(side)
                let cause = error.code == .authenticationFailed
                    ? "the key log's secrets do not fit this connection (or bytes were altered)" : error.detail
                observation.warnings.append("decrypting the \(side.rawValue)'s records with the key log failed in frame \(frame): \(cause); they stay encrypted from here on")
            }
            return nil
        }
    }

    static func shortHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        let text = String(bytes.prefix(8).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xf)]] })
        return bytes.count > 8 ? text + "…" : text
    }
}
