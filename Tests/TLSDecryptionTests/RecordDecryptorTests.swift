import Testing
import TLSDissector
@testable import TLSDecryption

/// TLS 1.3 record protection against the published records of RFC 8448 §3 (simple 1-RTT handshake,
/// TLS_AES_128_GCM_SHA256).
@Suite struct RFC8448RecordTests {
    static let clientHandshakeSecret = hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
    static let clientApplicationSecret = hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
    static let serverApplicationSecret = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")

    /// {client} Finished under the client handshake traffic key, sequence number 0.
    static let clientFinished = hex("""
        170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546
        """)
    static let clientFinishedPlaintext = hex("14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61")
    /// {client} 50 bytes of application data under the client application key, sequence number 0.
    static let clientApplicationData = hex("""
        1703030043a23f7054b62c94d0affafe8228ba55cbefacea42f914aa66bcab3f2b9819a8a5b46b395bd54a9a20441e2b62974e1f5a\
        6292a2977014bd1e3deae63aeebb21694915e4
        """)
    /// {client} close_notify, sequence number 1.
    static let clientAlert = hex("1703030013c9872760655666b74d7ff1153efd6db6d0b0e3")
    /// {server} application data (sequence number 1, after the NewSessionTicket) and close_notify (2).
    static let serverApplicationData = hex("""
        17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5\
        f0a21c0047c2abf332540dd032e167c2955d
        """)
    static let serverAlert = hex("1703030013b58fd67166ebf599d24720cfbe7efa7a8864a9")

    static let suite = SuiteParameters(cipher: .aesGCM(keyLength: 16), hash: .sha256)

    func clientDecryptor(earlyData: Bool = false, handshakeSecret: [UInt8] = clientHandshakeSecret) -> RecordDecryptor {
        RecordDecryptor(tls13: Self.suite, handshakeSecret: handshakeSecret, applicationSecret: Self.clientApplicationSecret,
                        applicationSecretLabel: "CLIENT_TRAFFIC_SECRET_0", mayBeEarlyData: earlyData,
                        maxHandshakeMessageLength: 1 << 16)
    }

    @Test func clientFinishedThenApplicationDataThenCloseNotify() throws {
        var decryptor = clientDecryptor()
        let finished = try decryptor.decrypt(record(Self.clientFinished), frame: 10)
        #expect(finished.map(\.kind) == ["Finished"])
        #expect(decryptor.inApplicationPhase)
        #expect(decryptor.sequenceNumber == 0)
        let data = try decryptor.decrypt(record(Self.clientApplicationData), frame: 11)
        #expect(data.map(\.kind) == ["ApplicationData(67)"])
        let alert = try decryptor.decrypt(record(Self.clientAlert), frame: 12)
        #expect(alert.map(\.kind) == ["Alert(warning close_notify)"])
        #expect(alert.first == .alert(Alert(level: .warning, description: .closeNotify), frame: 12))
        #expect(decryptor.recordsDecrypted == 3)
    }

    @Test func innerPlaintextOfTheClientFinished() throws {
        let keys = KeySchedule.trafficKeys(.sha256, secret: Self.clientHandshakeSecret, keyLength: 16)
        let key = CipherKey(.aesGCM(keyLength: 16), key: keys.key)
        let wire = Self.clientFinished
        let plaintext = try #require(key.open(wire.dropFirst(5), nonce: RecordDecryptor.nonce(keys.iv, 0),
                                              additionalData: Array(wire.prefix(5))))
        let (type, content) = try RecordDecryptor.innerPlaintext(plaintext)
        #expect(type == .handshake)
        #expect(Array(content) == Self.clientFinishedPlaintext)
    }

    @Test func serverRecordsAfterASkippedTicketKeepTheirSequenceNumbers() throws {
        // Stand-in: a decryptor whose current key is the server application key (its handshake is not needed).
        var decryptor = RecordDecryptor(tls13: Self.suite, handshakeSecret: Self.serverApplicationSecret, applicationSecret: nil,
                                        applicationSecretLabel: "SERVER_TRAFFIC_SECRET_0", mayBeEarlyData: false,
                                        maxHandshakeMessageLength: 1 << 16)
        decryptor.skipRecord()  // the NewSessionTicket record, sequence number 0, was not captured
        #expect(try decryptor.decrypt(record(Self.serverApplicationData), frame: 20).map(\.kind) == ["ApplicationData(67)"])
        #expect(try decryptor.decrypt(record(Self.serverAlert), frame: 21).map(\.kind) == ["Alert(warning close_notify)"])
    }

    @Test func lostFinishedRecordIsBridgedByTheApplicationKey() throws {
        var decryptor = clientDecryptor()
        decryptor.skipRecord()  // the Finished record was lost
        #expect(try decryptor.decrypt(record(Self.clientApplicationData), frame: 11).map(\.kind) == ["ApplicationData(67)"])
        #expect(decryptor.inApplicationPhase)
        #expect(try decryptor.decrypt(record(Self.clientAlert), frame: 12).map(\.kind) == ["Alert(warning close_notify)"])
    }

    @Test func wrongSecretFailsAuthentication() {
        var decryptor = clientDecryptor(handshakeSecret: [UInt8](repeating: 7, count: 32))
        #expect(throws: TLSDecryptionError.self) { try decryptor.decrypt(record(Self.clientFinished), frame: 10) }
        do {
            _ = try decryptor.decrypt(record(Self.clientFinished), frame: 10)
        } catch {
            #expect(error.code == .authenticationFailed)
        }
        #expect(decryptor.recordsDecrypted == 0)
    }

    @Test func alteredByteFailsAuthentication() {
        var decryptor = clientDecryptor()
        var wire = Self.clientFinished
        wire[20] ^= 1
        do {
            _ = try decryptor.decrypt(record(wire), frame: 10)
            Issue.record("an altered record decrypted")
        } catch {
            #expect(error.code == .authenticationFailed)
        }
    }

    @Test func undecryptableRecordBeforeTheFirstIsEarlyDataWhenOffered() throws {
        var decryptor = clientDecryptor(earlyData: true)
        do {
            _ = try decryptor.decrypt(record(Self.serverAlert), frame: 5)
            Issue.record("a foreign record decrypted")
        } catch {
            #expect(error.code == .earlyData)
        }
        #expect(decryptor.sequenceNumber == 0)
        #expect(try decryptor.decrypt(record(Self.clientFinished), frame: 10).map(\.kind) == ["Finished"])
    }

    @Test func recordShorterThanTheTagIsMalformed() {
        var decryptor = clientDecryptor()
        do {
            _ = try decryptor.decrypt(EncryptedRecord(contentType: .applicationData, version: .tls12, body: [1, 2, 3]), frame: 3)
            Issue.record("a 3-byte record decrypted")
        } catch {
            #expect(error.code == .malformedRecord)
        }
    }

    @Test func missingApplicationSecretStopsAfterFinished() throws {
        var decryptor = RecordDecryptor(tls13: Self.suite, handshakeSecret: Self.clientHandshakeSecret, applicationSecret: nil,
                                        applicationSecretLabel: "CLIENT_TRAFFIC_SECRET_0", mayBeEarlyData: false,
                                        maxHandshakeMessageLength: 1 << 16)
        #expect(try decryptor.decrypt(record(Self.clientFinished), frame: 10).map(\.kind) == ["Finished"])
        do {
            _ = try decryptor.decrypt(record(Self.clientApplicationData), frame: 11)
            Issue.record("decrypted without a key")
        } catch {
            #expect(error.code == .missingSecret)
            #expect(error.detail.contains("CLIENT_TRAFFIC_SECRET_0"))
        }
    }

    @Test func nonceXorsTheSequenceNumberIntoTheLastBytes() {
        let iv: [UInt8] = [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]
        #expect(RecordDecryptor.nonce(iv, 0) == iv)
        #expect(RecordDecryptor.nonce(iv, 1) == [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])
        #expect(RecordDecryptor.nonce(iv, 0x0102_0304_0506_0708) == [0, 0, 0, 0, 0xfe, 0xfd, 0xfc, 0xfb, 5, 6, 7, 9])
    }

    @Test func allPaddingPlaintextIsMalformed() {
        #expect(throws: TLSDecryptionError.self) { try RecordDecryptor.innerPlaintext([0, 0, 0]) }
        #expect((try? RecordDecryptor.innerPlaintext([1, 0, 21, 0, 0]))?.0 == .alert)
    }
}
