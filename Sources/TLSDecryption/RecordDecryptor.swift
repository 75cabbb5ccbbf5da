import TLSDissector

/// Decrypts one direction's records with keys from a key log and turns them into the events a plaintext
/// record would have given: `.handshake` (through `HandshakeReassembler`), `.alert`, and
/// `.encryptedRecord(.applicationData, ...)` for application data (its content stays unread).
///
/// - TLS 1.3 (RFC 8446 §5.2–5.3): AEAD with nonce = iv XOR sequence number, additional data = the record
///   header; the inner content type is the last non-zero byte. The handshake traffic key is used until this
///   direction's Finished, then the application traffic key (sequence numbers restart at 0); KeyUpdate moves on.
/// - TLS ≤ 1.2 (RFC 5246 §6.2.3): from this direction's ChangeCipherSpec on. AES-GCM (RFC 5288: 4-byte salt +
///   8-byte explicit nonce), ChaCha20-Poly1305 (RFC 7905: iv XOR sequence number), AES-CBC with HMAC
///   (MAC-then-encrypt, or encrypt-then-MAC per RFC 7366; TLS 1.0's chained IV).
public struct RecordDecryptor: Sendable {
    enum Protection: Sendable {
        case tls13
        case aead12
        case cbc(explicitIV: Bool, encryptThenMAC: Bool)
    }

    public let version: ProtocolVersion
    public let suite: SuiteParameters
    let protection: Protection
    /// nil: no key for the next record (TLS 1.3 without an application secret in the key log).
    var key: CipherKey?
    /// TLS 1.3 / ChaCha: the per-record nonce base; GCM: the salt; CBC: TLS 1.0's chained IV.
    var iv: [UInt8]
    var macKey: [UInt8] = []
    public private(set) var sequenceNumber: UInt64 = 0
    /// TLS ≤ 1.2: set by ChangeCipherSpec. TLS 1.3: from the start.
    public private(set) var isActive: Bool
    var changeCipherSpecs = 0
    /// TLS 1.3: the application traffic secret (the next one while in the handshake phase).
    var applicationSecret: [UInt8]?
    var applicationSecretLabel: String
    public private(set) var inApplicationPhase = false
    /// TLS 1.3 client that offered early data: undecryptable records before the first good one are 0-RTT.
    var mayBeEarlyData: Bool
    var lostSync = false
    var handshake: HandshakeReassembler
    public private(set) var recordsDecrypted = 0

    /// TLS 1.3 direction: starts with the handshake traffic secret.
    init(tls13 suite: SuiteParameters, handshakeSecret: [UInt8], applicationSecret: [UInt8]?,
         applicationSecretLabel: String, mayBeEarlyData: Bool, maxHandshakeMessageLength: Int) {
        self.version = .tls13
        self.suite = suite
        self.protection = .tls13
        let keys = KeySchedule.trafficKeys(suite.hash, secret: handshakeSecret, keyLength: suite.cipher.keyLength)
        self.key = CipherKey(suite.cipher, key: keys.key)
        self.iv = keys.iv
        self.isActive = true
        self.applicationSecret = applicationSecret
        self.applicationSecretLabel = applicationSecretLabel
        self.mayBeEarlyData = mayBeEarlyData
        self.handshake = HandshakeReassembler(maxLength: maxHandshakeMessageLength, version: .tls13)
    }

    /// TLS ≤ 1.2 direction: keys from the key block, used after this direction's ChangeCipherSpec.
    init(tls12 version: ProtocolVersion, suite: SuiteParameters, keys: DirectionKeys, encryptThenMAC: Bool,
         maxHandshakeMessageLength: Int) {
        self.version = version
        self.suite = suite
        if case .aesCBC = suite.cipher {
            self.protection = .cbc(explicitIV: version >= .tls11, encryptThenMAC: encryptThenMAC)
        } else {
            self.protection = .aead12
        }
        self.key = CipherKey(suite.cipher, key: keys.key)
        self.iv = keys.iv
        self.macKey = keys.macKey
        self.isActive = false
        self.applicationSecretLabel = ""
        self.mayBeEarlyData = false
        self.handshake = HandshakeReassembler(maxLength: maxHandshakeMessageLength, version: version)
    }

    /// This direction sent ChangeCipherSpec: TLS ≤ 1.2 records are protected from here on (sequence number 0).
    /// A second one (renegotiation, whose keys the key log keys by another client random) ends decryption.
    public mutating func changeCipherSpec() {
        guard case .tls13 = protection else {
            changeCipherSpecs += 1
            isActive = changeCipherSpecs == 1
            sequenceNumber = 0
            return
        }
    }

    /// A protected record whose body was not captured: later records keep their sequence numbers.
    public mutating func skipRecord() {
        guard isActive else { return }
        sequenceNumber &+= 1
        if case .cbc(explicitIV: false, _) = protection { lostSync = true }  // the next IV was in the lost record
        handshake.reset()
    }

    /// Decrypts the next protected record of this direction.
    public mutating func decrypt(_ record: EncryptedRecord, frame: Int) throws(TLSDecryptionError) -> [TLSEvent] {
        guard isActive, !lostSync else {
            throw TLSDecryptionError(code: .notActive, detail: "no key applies to this \(record.contentType) record")
        }
        guard let key else {
            throw TLSDecryptionError(code: .missingSecret, detail: "the key log has no \(applicationSecretLabel)")
        }
        let (type, content) = try open(record, with: key)
        sequenceNumber &+= 1
        recordsDecrypted += 1
        mayBeEarlyData = false
        return events(type: type, content: content, record: record, frame: frame)
    }

    private mutating func open(_ record: EncryptedRecord, with key: CipherKey) throws(TLSDecryptionError) -> (ContentType, ArraySlice<UInt8>) {
        switch protection {
        case .tls13:
            guard record.contentType == .applicationData else {
                throw TLSDecryptionError(code: .notActive, detail: "a TLS 1.3 \(record.contentType) record is not protected")
            }
            // RFC 8446 §5.2: at least the inner content type and the 16-byte tag.
            guard record.body.count >= 17 else { throw tooShort(record, minimum: 17) }
            if let plaintext = key.open(record.body[...], nonce: Self.nonce(iv, sequenceNumber), additionalData: record.header) {
                return try Self.innerPlaintext(plaintext)
            }
            // The record that carried this direction's Finished may have been lost: try the next key.
            if !inApplicationPhase, let secret = applicationSecret {
                let keys = KeySchedule.trafficKeys(suite.hash, secret: secret, keyLength: suite.cipher.keyLength)
                let next = CipherKey(suite.cipher, key: keys.key)
                if let plaintext = next.open(record.body[...], nonce: Self.nonce(keys.iv, 0), additionalData: record.header) {
                    enterApplicationPhase()
                    return try Self.innerPlaintext(plaintext)
                }
            }
            if mayBeEarlyData {
                throw TLSDecryptionError(code: .earlyData, detail: "most likely 0-RTT data (early secret not used)")
            }
            throw authenticationFailed(record)
        case .aead12:
            return (record.contentType, try openAEAD12(record, with: key))
        case .cbc(let explicitIV, let encryptThenMAC):
            return (record.contentType, try openCBC(record, with: key, explicitIV: explicitIV, encryptThenMAC: encryptThenMAC))
        }
    }

    private func authenticationFailed(_ record: EncryptedRecord) -> TLSDecryptionError {
        TLSDecryptionError(code: .authenticationFailed,
                           detail: "the \(record.body.count)-byte record (sequence number \(sequenceNumber)) does not authenticate")
    }

    /// RFC 8446 §5.3: the 64-bit sequence number, big-endian, XORed into the end of the 12-byte IV.
    static func nonce(_ iv: [UInt8], _ sequence: UInt64) -> [UInt8] {
        var nonce = iv
        for index in 0..<8 where nonce.count - 1 - index >= 0 {
            nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(index)))
        }
        return nonce
    }

    /// RFC 8446 §5.2: `struct { opaque content[length]; ContentType type; uint8 zeros[length_of_padding]; }
    /// TLSInnerPlaintext;`
    static func innerPlaintext(_ plaintext: [UInt8]) throws(TLSDecryptionError) -> (ContentType, ArraySlice<UInt8>) {
        guard let last = plaintext.lastIndex(where: { $0 != 0 }) else {
            throw TLSDecryptionError(code: .malformedRecord, detail: "the decrypted record is all padding (no content type)")
        }
        return (ContentType(rawValue: plaintext[last]), plaintext[..<last])
    }

    /// `seq_num + TLSCompressed.type + TLSCompressed.version + length` (RFC 5246 §6.2.3.3, §6.2.3.1).
    private func additionalData(_ record: EncryptedRecord, length: Int) -> [UInt8] {
        var data: [UInt8] = []
        data.reserveCapacity(13)
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: sequenceNumber >> UInt64(shift))) }
        data += [record.contentType.rawValue, UInt8(record.version.rawValue >> 8), UInt8(record.version.rawValue & 0xff),
                 UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
        return data
    }

    private func openAEAD12(_ record: EncryptedRecord, with key: CipherKey) throws(TLSDecryptionError) -> ArraySlice<UInt8> {
        let body = record.body[...]
        let nonce: [UInt8]
        let sealed: ArraySlice<UInt8>
        if case .aesGCM = suite.cipher {
            guard body.count >= 8 + 16 else { throw tooShort(record, minimum: 24) }
            nonce = iv + body.prefix(8)
            sealed = body.dropFirst(8)
        } else {
            guard body.count >= 16 else { throw tooShort(record, minimum: 16) }
            nonce = Self.nonce(iv, sequenceNumber)
            sealed = body
        }
        guard let plaintext = key.open(sealed, nonce: nonce, additionalData: additionalData(record, length: sealed.count - 16)) else {
            throw authenticationFailed(record)
        }
        return plaintext[...]
    }

    private mutating func openCBC(_ record: EncryptedRecord, with key: CipherKey, explicitIV: Bool,
                                  encryptThenMAC: Bool) throws(TLSDecryptionError) -> ArraySlice<UInt8> {
        let macLength = suite.macLength
        var body = record.body[...]
        if encryptThenMAC {
            // RFC 7366 §3: MAC(MAC_write_key, seq_num + type + version + length + IV + ENC(content + padding)).
            guard body.count >= macLength + (explicitIV ? 32 : 16) else { throw tooShort(record, minimum: macLength + 16) }
            let mac = body.suffix(macLength)
            body = body.dropLast(macLength)
            let expected = Primitives.hmac(suite.hash, key: macKey, [additionalData(record, length: body.count)[...], body])
            guard Self.constantTimeEqual(expected[...], mac) else { throw authenticationFailed(record) }
        }
        let recordIV: ArraySlice<UInt8>
        if explicitIV {
            guard body.count >= 32 else { throw tooShort(record, minimum: 32) }
            recordIV = body.prefix(16)
            body = body.dropFirst(16)
        } else {
            recordIV = iv[...]
        }
        guard let plaintext = key.decryptCBC(body, iv: recordIV) else {
            throw TLSDecryptionError(code: .malformedRecord, detail: "a \(record.body.count)-byte CBC record is not whole blocks")
        }
        if !explicitIV { iv = Array(body.suffix(16)) }
        // GenericBlockCipher (RFC 5246 §6.2.3.2): content, MAC (unless encrypt-then-MAC), padding, padding_length.
        guard let padding = plaintext.last, Int(padding) + 1 <= plaintext.count,
              plaintext.suffix(Int(padding) + 1).allSatisfy({ $0 == padding }) else { throw authenticationFailed(record) }
        var content = plaintext.dropLast(Int(padding) + 1)
        if !encryptThenMAC {
            guard content.count >= macLength else { throw authenticationFailed(record) }
            let mac = content.suffix(macLength)
            content = content.dropLast(macLength)
            let expected = Primitives.hmac(suite.hash, key: macKey, [additionalData(record, length: content.count)[...], content])
            guard Self.constantTimeEqual(expected[...], mac) else { throw authenticationFailed(record) }
        }
        return content
    }

    private func tooShort(_ record: EncryptedRecord, minimum: Int) -> TLSDecryptionError {
        TLSDecryptionError(code: .malformedRecord, detail: "a \(record.body.count)-byte record is shorter than the cipher's \(minimum)-byte overhead")
    }

    static func constantTimeEqual(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    // MARK: - What the plaintext says

    private mutating func events(type: ContentType, content: ArraySlice<UInt8>, record: EncryptedRecord,
                                 frame: Int) -> [TLSEvent] {
        var events: [TLSEvent] = []
        switch type {
        case .handshake:
            handshake.append(content, frame: frame, into: &events)
            handshake.recordEnded()
            if case .tls13 = protection { updateKeys(after: events) }
        case .alert:
            // RFC 8446 §6: struct { AlertLevel level; AlertDescription description; } Alert;
            guard !content.isEmpty, content.count.isMultiple(of: 2) else {
                events.append(.malformed(TLSParseError(code: .malformedAlert,
                                                       detail: "decrypted alert of \(content.count) bytes"), frame: frame))
                break
            }
            var index = content.startIndex
            while index + 1 < content.endIndex {
                events.append(.alert(Alert(level: AlertLevel(rawValue: content[index]),
                                           description: AlertDescription(rawValue: content[index + 1])), frame: frame))
                index += 2
            }
        default:
            events.append(.encryptedRecord(type, length: record.body.count, frame: frame))
        }
        return events
    }

    /// TLS 1.3: after this direction's Finished the application traffic secret protects its records; after a
    /// KeyUpdate, the next one (RFC 8446 §4.6.3, §7.2).
    private mutating func updateKeys(after events: [TLSEvent]) {
        for event in events {
            guard case .handshake(let message, _) = event else { continue }
            if message.type == .finished, !inApplicationPhase {
                enterApplicationPhase()
            } else if message.type == .keyUpdate, inApplicationPhase, let secret = applicationSecret {
                let next = KeySchedule.nextTrafficSecret(suite.hash, secret: secret)
                applicationSecret = next
                rekey(next)
            }
        }
    }

    private mutating func enterApplicationPhase() {
        inApplicationPhase = true
        handshake.reset()
        if let secret = applicationSecret {
            rekey(secret)
        } else {
            key = nil
            sequenceNumber = 0
        }
    }

    private mutating func rekey(_ secret: [UInt8]) {
        let keys = KeySchedule.trafficKeys(suite.hash, secret: secret, keyLength: suite.cipher.keyLength)
        key = CipherKey(suite.cipher, key: keys.key)
        iv = keys.iv
        sequenceNumber = 0
    }
}
