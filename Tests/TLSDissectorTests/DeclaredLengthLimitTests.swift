import Testing
@testable import TLSDissector

/// Lengths an attacker declares are checked before anything is buffered: a record past 2^14 + 2048 bytes
/// (RFC 8446 §5.2) and a handshake message past `maxHandshakeMessageLength` are malformed, whichever way the
/// bytes arrive.
@Suite struct DeclaredLengthLimitTests {
    /// Whole segments, one byte at a time, all at once.
    static func feed(_ feeder: Int, _ segments: [Segment], _ limits: TLSParserLimits) -> [TLSEvent] {
        switch feeder {
        case 0: parseSegments(segments, limits: limits)
        case 1: parseByteByByte(segments, limits: limits)
        default: parseAllAtOnce(segments, limits: limits)
        }
    }

    @Test(arguments: 0..<3)
    func recordLongerThanTLSAllowsIsMalformed(_ feeder: Int) {
        // A valid ChangeCipherSpec first, so the stream is TLS; then a handshake record declaring 18,433 bytes.
        let bytes = record(20, [1]) + [0x16, 0x03, 0x03, 0x48, 0x01] + [UInt8](repeating: 0, count: 100)
        let events = Self.feed(feeder, [Segment(frame: 1, bytes: bytes)], TLSParserLimits())
        #expect(events.errors.map(\.code) == [.recordTooLong], "feeder \(feeder): \(events.summaries)")
    }

    @Test(arguments: 0..<3)
    func largestRecordTLSAllowsIsNotMalformed(_ feeder: Int) {
        // 2^14 + 2048 = 18,432 bytes of opaque body: long, but allowed.
        let bytes = record(20, [1]) + record(23, [UInt8](repeating: 0, count: 18_432))
        let events = Self.feed(feeder, [Segment(frame: 1, bytes: bytes)], TLSParserLimits())
        #expect(events.errors.isEmpty, "feeder \(feeder): \(events.summaries)")
    }

    @Test(arguments: 0..<3)
    func handshakeMessagePastTheLimitIsMalformed(_ feeder: Int) {
        var limits = TLSParserLimits()
        limits.maxHandshakeMessageLength = 1_000
        // A Certificate declaring 1,001 bytes, its first 200 bytes in this record.
        let body = [0x0b, 0x00, 0x03, 0xe9] + [UInt8](repeating: 0, count: 200)
        let bytes = record(22, handshakeMessage(1, clientHelloBody())) + record(22, body)
        let events = Self.feed(feeder, [Segment(frame: 1, bytes: bytes)], limits)
        #expect(events.errors.map(\.code) == [.handshakeTooLong], "feeder \(feeder): \(events.summaries)")
        #expect(events.clientHellos.count == 1)
    }

    @Test func defaultHandshakeLimitIsOneMebibyte() {
        // A ClientHello declaring 16 MiB - 1 is refused at its header, not buffered.
        let bytes = record(22, [0x01, 0xff, 0xff, 0xff] + [UInt8](repeating: 0, count: 60), version: 0x0301)
        let events = parseByteByByte([Segment(frame: 1, bytes: bytes)])
        #expect(TLSParserLimits().maxHandshakeMessageLength == 1 << 20)
        #expect(events.errors.map(\.code) == [.handshakeTooLong], "\(events.summaries)")
    }

    /// A minimal TLS 1.2 ClientHello body: version, random, empty session id, one suite, null compression.
    func clientHelloBody() -> [UInt8] {
        [0x03, 0x03] + [UInt8](repeating: 7, count: 32) + [0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00]
    }
}
