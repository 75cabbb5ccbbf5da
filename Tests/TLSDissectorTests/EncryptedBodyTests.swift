import Testing
@testable import TLSDissector

/// The key-log opt-in: encrypted records delivered whole (`deliversEncryptedBodies`), and the hellos' randoms.
@Suite struct EncryptedBodyTests {
    func parse(_ segments: [Segment], bodies: Bool, byteByByte: Bool) -> [TLSEvent] {
        var parser = TLSStreamParser(deliverEncryptedBodies: bodies)
        var events: [TLSEvent] = []
        for segment in segments {
            if byteByByte {
                for index in segment.bytes.indices { events += parser.feed(segment.bytes[index...index], frame: segment.frame) }
            } else {
                events += parser.feed(segment.bytes[...], frame: segment.frame)
            }
        }
        return events + parser.finish()
    }

    @Test(arguments: [false, true])
    func tls12RecordsAfterChangeCipherSpecComeWithTheirBodies(byteByByte: Bool) throws {
        let events = parse(Capture.tls12.client, bodies: true, byteByByte: byteByByte)
        #expect(events.map(\.summary) == [
            "ClientHello@4", "Certificate@8", "ClientKeyExchange@8", "CertificateVerify@8", "ChangeCipherSpec@8",
            "EncryptedBody(Handshake, 40)@8", "EncryptedBody(ApplicationData, 30)@10", "EncryptedBody(Alert, 26)@12",
        ])
        let bodies = events.compactMap { event -> EncryptedRecord? in
            if case .encryptedRecordBody(let record, _) = event { return record }
            return nil
        }
        // The fragments exactly as on the wire (Fixtures.swift, client segments 8–12), with their headers.
        #expect(bodies.first?.body == decodeHex("845e2eca64a7bfc6c3a9c23e50517e069b4c41c9d0c60a354a7eb23e38d97b59a99e5cc3c5f7ab08"))
        #expect(bodies.first?.header == decodeHex("1603030028"))
        #expect(bodies.last?.body == decodeHex("845e2eca64a7bfc800c5d656b651817a128026846f870b5aeaa0"))
        #expect(bodies.last?.header == decodeHex("150303001a"))
        #expect(bodies.map(\.version) == [.tls12, .tls12, .tls12])
    }

    @Test(arguments: [false, true])
    func withoutTheOptInRecordsAreOnlyCounted(byteByByte: Bool) {
        let events = parse(Capture.tls12.client, bodies: false, byteByByte: byteByByte)
        #expect(events.suffix(3).map(\.summary) == [
            "Encrypted(Handshake, 40)@8", "Encrypted(ApplicationData, 30)@10", "Encrypted(Alert, 26)@12",
        ])
        #expect(events == parseSegments(Capture.tls12.client))
    }

    @Test func plaintextRecordsAreUnchangedByTheOptIn() {
        for capture in [Capture.tls13HelloRetry, Capture.cipherMismatch, Capture.earlyAlert] {
            for side in [capture.client, capture.server] {
                let withBodies = parse(side, bodies: true, byteByByte: false).filter {
                    if case .encryptedRecordBody = $0 { return false }
                    return true
                }
                let without = parseSegments(side).filter {
                    if case .encryptedRecord = $0 { return false }
                    return true
                }
                #expect(withBodies == without, "\(capture.name)")
            }
        }
    }

    @Test func aGapInsideAnEncryptedBodyFallsBackToTheCount() {
        var parser = TLSStreamParser(deliverEncryptedBodies: true)
        let record = decodeHex("170303001e845e2eca64a7bfc7345f97368e779d9113117c39d3d71b084402c24538ab")
        var events = parser.feed(record.prefix(10), frame: 1)
        parser.skip(missingBytes: 10, frame: 2)
        events += parser.feed(record.suffix(15), frame: 3)
        #expect(events.map(\.summary) == ["Encrypted(ApplicationData, 30)@3"])
        // The next record is whole again.
        #expect(parser.feed(record[...], frame: 4).map(\.summary) == ["EncryptedBody(ApplicationData, 30)@4"])
    }

    @Test func encryptedAlertSmallEnoughToLookPlainIsDelivered() {
        // A 6-byte alert record whose "levels" are not 1 or 2 is encrypted (before ChangeCipherSpec, as TLS 1.3
        // alerts can be when the parser was not told): delivered from the alert buffer.
        var parser = TLSStreamParser(deliverEncryptedBodies: true)
        let events = parser.feed(decodeHex("150303000609aa07bb08cc")[...], frame: 7)
        #expect(events.map(\.summary) == ["EncryptedBody(Alert, 6)@7"])
    }

    @Test func hellosKeepTheirRandoms() throws {
        let client = parseSegments(Capture.tls12.client)
        let server = parseSegments(Capture.tls12.server)
        guard case .clientHello(let clientHello)? = client.first?.handshakeMessage,
              case .serverHello(let serverHello)? = server.first?.handshakeMessage else {
            Issue.record("no hellos")
            return
        }
        #expect(clientHello.random == decodeHex("12c28092795826299c53362d4bed6da72472916bdc0dc74c1b278887ae3ca347"))
        #expect(serverHello.random == decodeHex("04185106d81a30ffeb7e9c2e159120398db3d1c67eca8e680c178191e3d2ee44"))
    }

    @Test func handshakeReassemblerIsUsableOnDecryptedBytes() {
        // A TLS 1.3 Certificate (context, list of CertificateEntry) and Finished in one decrypted record.
        let der: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x05]
        var certificate: [UInt8] = [0x00]  // certificate_request_context
        let entry: [UInt8] = [0, 0, UInt8(der.count)] + der + [0, 0]  // cert_data, no extensions
        certificate += [0, 0, UInt8(entry.count)] + entry
        let message: [UInt8] = [11, 0, 0, UInt8(certificate.count)] + certificate + [20, 0, 0, 2, 0xaa, 0xbb]
        var reassembler = HandshakeReassembler(maxLength: 1 << 16, version: .tls13)
        var events: [TLSEvent] = []
        reassembler.append(message.prefix(7), frame: 3, into: &events)
        reassembler.append(message.dropFirst(7), frame: 4, into: &events)
        #expect(events == [.handshake(.certificate(CertificateMessage(certificates: [der])), frame: 4),
                           .handshake(.finished, frame: 4)])
    }
}
