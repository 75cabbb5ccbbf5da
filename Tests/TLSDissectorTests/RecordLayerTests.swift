// Record-layer edges, hand-built (mostly from the real bytes in Fixtures.swift): several messages per record,
// one message over three records, alerts, oversized and invalid headers, gaps.

import Testing
@testable import TLSDissector

/// The records of a byte stream: (content type, body).
func records(_ bytes: [UInt8]) -> [(type: UInt8, body: [UInt8])] {
    var result: [(UInt8, [UInt8])] = []
    var index = 0
    while index + 5 <= bytes.count {
        let length = Int(bytes[index + 3]) << 8 | Int(bytes[index + 4])
        result.append((bytes[index], Array(bytes[index + 5 ..< min(bytes.count, index + 5 + length)])))
        index += 5 + length
    }
    return result
}

/// Application data records of the given body lengths, filled with `0xaa`.
func applicationData(_ lengths: [Int]) -> [UInt8] {
    lengths.flatMap { record(23, [UInt8](repeating: 0xaa, count: $0)) }
}

@Suite struct RecordLayerTests {
    /// The real TLS 1.2 server flight: five handshake records in one segment.
    let serverFlight = Capture.tls12.server[0].bytes
    /// The real TLS 1.2 ClientHello record.
    let clientHello = Capture.tls12.client[0].bytes

    @Test func severalHandshakeMessagesInOneRecord() {
        let merged = record(22, records(serverFlight).flatMap(\.body))
        let events = expectConsistentParsing(segments(merged, sizes: [100, 500]))
        #expect(events.summaries == [
            "ServerHello@2", "Certificate@2", "ServerKeyExchange@3", "CertificateRequest@3", "ServerHelloDone@3",
        ])
        #expect(events.map(\.kind) == parseSegments(Capture.tls12.server).map(\.kind).prefix(5).map { $0 })
    }

    @Test func oneMessageSplitOverThreeRecords() throws {
        let body = try #require(records(clientHello).first?.body)
        let split = record(22, Array(body[0..<100])) + record(22, Array(body[100..<200])) + record(22, Array(body[200...]))
        // Each record in its own segment: the message completes in the third.
        let events = expectConsistentParsing(segments(split, sizes: [105, 105]))
        #expect(events.summaries == ["ClientHello@3"])
        #expect(events.clientHellos == parseSegments(Capture.tls12.client).clientHellos)
    }

    @Test func twoAlertsInOneRecord() {
        let events = expectConsistentParsing(segments(record(21, [1, 0, 2, 40])))
        #expect(events == [
            .alert(Alert(level: .warning, description: .closeNotify), frame: 1),
            .alert(Alert(level: .fatal, description: .handshakeFailure), frame: 1),
        ])
    }

    @Test("alert records that are not two plaintext bytes", arguments: [
        // TLS 1.2 AES-GCM encrypted alert before any ChangeCipherSpec was seen (26 bytes, odd levels).
        ([UInt8](repeating: 0x7f, count: 26), false, "Encrypted(Alert, 26)"),
        // After ChangeCipherSpec every alert longer than 2 bytes is encrypted, even if it looks like pairs.
        ([1, 0, 2, 40], true, "Encrypted(Alert, 4)"),
        // Two bytes cannot be encrypted: plaintext even after ChangeCipherSpec.
        ([2, 48], true, "Alert(fatal unknown_ca)"),
        ([1], false, "Malformed(malformed alert)"),
        ([7, 40], false, "Malformed(malformed alert)"),
    ])
    func alertHeuristics(_ body: [UInt8], _ afterChangeCipherSpec: Bool, _ expected: String) {
        let prefix: [UInt8] = afterChangeCipherSpec ? record(20, [1]) : []
        let events = expectConsistentParsing(segments(prefix + record(21, body)))
        #expect(events.last?.kind == expected)
    }

    @Test func emptyApplicationDataAndHeartbeatRecords() {
        let bytes = record(23, []) + record(24, [1, 0, 16]) + record(23, [9])
        let events = expectConsistentParsing(segments(bytes))
        #expect(events.map(\.kind) == ["Encrypted(ApplicationData, 0)", "Encrypted(Heartbeat, 3)", "Encrypted(ApplicationData, 1)"])
    }

    @Test func markEncryptedTurnsHandshakeRecordsOpaque() {
        var parser = TLSStreamParser()
        parser.markEncrypted()
        let events = parser.feed(record(22, [0x14, 0, 0, 12] + [UInt8](repeating: 0x33, count: 12))[...], frame: 5)
        #expect(events == [.encryptedRecord(.handshake, length: 16, frame: 5)])
        #expect(parser.isEncrypted)
    }

    @Test func oversizedRecordIsReportedAndSkipped() throws {
        // 2^14 + 2048 + 1 bytes announced.
        let bytes = [0x17, 0x03, 0x03, 0x48, 0x01] + [UInt8](repeating: 0xaa, count: 40) + applicationData([30, 20])
        let events = expectConsistentParsing(segments(applicationData([10]) + bytes))
        #expect(events.map(\.kind) == [
            "Encrypted(ApplicationData, 10)", "Malformed(record longer than 2^14+2048 bytes)", "Resync(45)",
            "Encrypted(ApplicationData, 30)", "Encrypted(ApplicationData, 20)",
        ])
        #expect(events.errors.first?.detail == "record with content type 23, version 0x0303, length 18433")
    }

    @Test func garbageBetweenRecordsIsReportedThenSkipped() {
        let bytes = applicationData([10]) + Array("GARBAGE!!".utf8) + applicationData([30, 20])
        let events = expectConsistentParsing(segments(bytes, sizes: [15]))
        #expect(events.summaries == [
            "Encrypted(ApplicationData, 10)@1", "Malformed(invalid record header)@2", "Resync(9)@2",
            "Encrypted(ApplicationData, 30)@2", "Encrypted(ApplicationData, 20)@2",
        ])
        #expect(events.errors.map(\.code) == [.invalidRecordHeader])
    }

    @Test func handshakeMessageOverTheLimit() {
        var limits = TLSParserLimits()
        limits.maxHandshakeMessageLength = 64
        let big = handshakeMessage(11, [UInt8](repeating: 0x55, count: 200))
        let bytes = record(22, Array(big[0..<150])) + record(22, Array(big[150...]) + handshakeMessage(14, []))
        let events = expectConsistentParsing(segments(bytes, sizes: [60]), limits: limits)
        #expect(events.map(\.kind) == ["Malformed(handshake message longer than the limit)", "ServerHelloDone"])
        #expect(events.errors.first?.detail == "Certificate of 200 bytes exceeds the 64-byte limit")
    }

    // MARK: Gaps

    @Test func gapInsideARecordBodyStaysInSync() {
        var parser = TLSStreamParser()
        let stream = applicationData([1000, 50])
        var events = parser.feed(stream[0..<305], frame: 1)
        parser.skip(missingBytes: 400, frame: 2)
        events += parser.feed(stream[705...], frame: 3)
        #expect(events == [
            .encryptedRecord(.applicationData, length: 1000, frame: 3),
            .encryptedRecord(.applicationData, length: 50, frame: 3),
        ])
    }

    @Test func gapEndingAtTheRecordEndCompletesIt() {
        var parser = TLSStreamParser()
        let stream = applicationData([100, 50])
        var events = parser.feed(stream[0..<50], frame: 1)
        parser.skip(missingBytes: 55, frame: 2)
        events += parser.feed(stream[105...], frame: 3)
        #expect(events == [
            .encryptedRecord(.applicationData, length: 100, frame: 2),
            .encryptedRecord(.applicationData, length: 50, frame: 3),
        ])
        var other = TLSStreamParser()
        _ = other.feed(stream[0..<50], frame: 1)
        other.skip(missingBytes: 55, frame: 2)
        #expect(other.finish() == [.encryptedRecord(.applicationData, length: 100, frame: 2)])
    }

    @Test func gapOverARecordHeaderResynchronizes() {
        // Records of 100 bytes; the gap takes the end of the second, the third's header and 25 body bytes.
        let stream = applicationData([100, 100, 100, 100])
        for byteByByte in [false, true] {
            var parser = TLSStreamParser()
            var events = parser.feed(stream[0..<150], frame: 1)
            parser.skip(missingBytes: 90, frame: 2)
            let rest = stream[240...]
            if byteByByte {
                for index in rest.indices { events += parser.feed(rest[index...index], frame: 3) }
            } else {
                events += parser.feed(rest, frame: 3)
            }
            #expect(events.summaries == [
                "Encrypted(ApplicationData, 100)@1", "Resync(75)@3", "Encrypted(ApplicationData, 100)@3",
            ])
        }
    }

    @Test func gapInsideAHandshakeMessageKeepsTheNextOne() {
        // Certificate (300-byte body) and ServerHelloDone in one record; 100 certificate bytes are lost.
        let bytes = record(22, handshakeMessage(11, [UInt8](repeating: 0x30, count: 300)) + handshakeMessage(14, []))
        var parser = TLSStreamParser()
        var events = parser.feed(bytes[0..<105], frame: 1)
        parser.skip(missingBytes: 100, frame: 2)
        events += parser.feed(bytes[205...], frame: 3)
        #expect(events == [.handshake(.serverHelloDone, frame: 3)])
    }

    @Test func gapOverAHandshakeHeaderWaitsForTheNextRecord() {
        // The gap takes the ServerHelloDone header in the middle of a record; the next record is read again.
        let first = record(22, handshakeMessage(12, [UInt8](repeating: 1, count: 20)) + handshakeMessage(14, []) + [0, 0, 0, 0])
        let bytes = first + record(22, handshakeMessage(14, []))
        var parser = TLSStreamParser()
        var events = parser.feed(bytes[0..<29], frame: 1)
        parser.skip(missingBytes: 4, frame: 2)
        events += parser.feed(bytes[33...], frame: 3)
        #expect(events.summaries == ["ServerKeyExchange@1", "ServerHelloDone@3"])
    }

    @Test func recordContinuingALostMessageIsDropped() {
        // The gap takes a whole record (the first part of a Certificate); the next record continues that
        // message, so its bytes are dropped until a record starts with a plausible message again.
        let serverHello = records(serverFlight)[0].body
        let certificate = handshakeMessage(11, [UInt8](repeating: 0x30, count: 300))
        let bytes = record(22, serverHello) + record(22, Array(certificate[0..<150]))
            + record(22, Array(certificate[150...])) + record(22, handshakeMessage(14, []))
        var parser = TLSStreamParser()
        var events = parser.feed(bytes[0..<(5 + serverHello.count)], frame: 1)
        parser.skip(missingBytes: 155, frame: 2)
        events += parser.feed(bytes[(10 + serverHello.count + 150)...], frame: 3)
        #expect(events.summaries == ["ServerHello@1", "Resync(0)@3", "ServerHelloDone@3"])
    }

    @Test func captureStartingMidConnection() {
        // skip(0) first: the parser looks for a header instead of calling the bytes "not TLS".
        let stream = [UInt8](repeating: 0x42, count: 37) + applicationData([64, 64])
        var parser = TLSStreamParser()
        parser.skip(missingBytes: 0, frame: 1)
        let events = parser.feed(stream[...], frame: 1)
        #expect(events.map(\.kind) == ["Resync(37)", "Encrypted(ApplicationData, 64)", "Encrypted(ApplicationData, 64)"])
    }

    @Test func applicationDataIsCountedNotBuffered() {
        // 4 MiB of 16 KiB records in 1460-byte segments: one event per record, nothing held between feeds.
        let recordBytes = record(23, [UInt8](repeating: 0x5a, count: 1 << 14))
        var parser = TLSStreamParser()
        var count = 0
        var offset = 0
        let stream = (0..<256).flatMap { _ in recordBytes }
        while offset < stream.count {
            let end = min(offset + 1460, stream.count)
            count += parser.feed(stream[offset..<end], frame: offset / 1460 + 1).count
            #expect(parser.smallBody.isEmpty && parser.held.isEmpty)
            offset = end
        }
        #expect(count == 256)
    }
}
