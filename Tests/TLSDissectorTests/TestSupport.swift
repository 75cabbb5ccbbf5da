// Helpers: fixtures as segments, the three ways of feeding them, and a one-line summary per event.

import Testing
@testable import TLSDissector

/// One TCP segment's payload and the frame it came in.
struct Segment: Sendable {
    let frame: Int
    let bytes: [UInt8]
    init(frame: Int, hex: String) {
        self.frame = frame
        self.bytes = decodeHex(hex)
    }
    init(frame: Int, bytes: [UInt8]) {
        self.frame = frame
        self.bytes = bytes
    }
}

/// Both directions of one connection.
struct Capture: Sendable, CustomTestStringConvertible {
    let name: String
    let client: [Segment]
    let server: [Segment]
    var testDescription: String { name }
}

/// Hex digits to bytes; whitespace and newlines are ignored.
func decodeHex(_ hex: String) -> [UInt8] {
    let digits = hex.unicodeScalars.compactMap { scalar -> UInt8? in
        switch scalar {
        case "0"..."9": UInt8(scalar.value - 48)
        case "a"..."f": UInt8(scalar.value - 87)
        case "A"..."F": UInt8(scalar.value - 55)
        default: nil
        }
    }
    precondition(digits.count.isMultiple(of: 2), "odd number of hex digits")
    return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
}

/// Feeds each segment whole, with its frame.
func parseSegments(_ segments: [Segment], limits: TLSParserLimits = TLSParserLimits()) -> [TLSEvent] {
    var parser = TLSStreamParser(limits: limits)
    var events: [TLSEvent] = []
    for segment in segments { events += parser.feed(segment.bytes[...], frame: segment.frame) }
    return events + parser.finish()
}

/// Feeds one byte at a time; each byte carries its segment's frame.
func parseByteByByte(_ segments: [Segment], limits: TLSParserLimits = TLSParserLimits()) -> [TLSEvent] {
    var parser = TLSStreamParser(limits: limits)
    var events: [TLSEvent] = []
    for segment in segments {
        for index in segment.bytes.indices {
            events += parser.feed(segment.bytes[index...index], frame: segment.frame)
        }
    }
    return events + parser.finish()
}

/// Feeds the whole direction in one call (so every event gets the last frame).
func parseAllAtOnce(_ segments: [Segment], limits: TLSParserLimits = TLSParserLimits()) -> [TLSEvent] {
    var parser = TLSStreamParser(limits: limits)
    let all = segments.flatMap(\.bytes)
    return parser.feed(all[...], frame: segments.last?.frame ?? 0) + parser.finish()
}

extension TLSEvent {
    var frame: Int {
        switch self {
        case .handshake(_, let frame), .changeCipherSpec(let frame), .alert(_, let frame),
             .encryptedRecord(_, _, let frame), .encryptedRecordBody(_, let frame), .notTLS(_, let frame), .malformed(_, let frame),
             .resynchronized(_, let frame): frame
        }
    }

    /// `ClientHello@4`, `Alert(fatal handshake_failure)@6`, `Encrypted(ApplicationData, 30)@10`, ...
    var summary: String { "\(kind)@\(frame)" }

    /// The summary without the frame.
    var kind: String {
        switch self {
        case .handshake(let message, _): "\(message.type)"
        case .changeCipherSpec: "ChangeCipherSpec"
        case .alert(let alert, _): "Alert(\(alert.level) \(alert.description))"
        case .encryptedRecord(let type, let length, _): "Encrypted(\(type), \(length))"
        case .encryptedRecordBody(let record, _): "EncryptedBody(\(record.contentType), \(record.body.count))"
        case .notTLS(let found, _): "NotTLS(\(found.name))"
        case .malformed(let error, _): "Malformed(\(error.code.rawValue))"
        case .resynchronized(let skipped, _): "Resync(\(skipped))"
        }
    }

    var handshakeMessage: HandshakeMessage? {
        if case .handshake(let message, _) = self { return message }
        return nil
    }
}

extension Array where Element == TLSEvent {
    var summaries: [String] { map(\.summary) }
    var clientHellos: [ClientHello] {
        compactMap { if case .clientHello(let hello)? = $0.handshakeMessage { hello } else { nil } }
    }
    var serverHellos: [ServerHello] {
        compactMap { if case .serverHello(let hello)? = $0.handshakeMessage { hello } else { nil } }
    }
    var errors: [TLSParseError] {
        compactMap { if case .malformed(let error, _) = $0 { error } else { nil } }
    }
}

/// A TLS record: type, version 0x0303, length, body.
func record(_ type: UInt8, _ body: [UInt8], version: UInt16 = 0x0303) -> [UInt8] {
    [type, UInt8(version >> 8), UInt8(version & 0xff), UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
}

/// A handshake message: type, 24-bit length, body.
func handshakeMessage(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
    [type, UInt8(body.count >> 16), UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)] + body
}

/// Splits `bytes` into one segment per `sizes` entry (the rest in a last segment), frames counting from 1.
func segments(_ bytes: [UInt8], sizes: [Int] = []) -> [Segment] {
    var result: [Segment] = []
    var rest = bytes[...]
    for size in sizes where !rest.isEmpty {
        result.append(Segment(frame: result.count + 1, bytes: Array(rest.prefix(size))))
        rest = rest.dropFirst(size)
    }
    if !rest.isEmpty { result.append(Segment(frame: result.count + 1, bytes: Array(rest))) }
    return result
}

/// The three ways of feeding must agree: segment by segment and byte by byte exactly, all at once up to frames.
func expectConsistentParsing(
    _ segments: [Segment], limits: TLSParserLimits = TLSParserLimits(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> [TLSEvent] {
    let bySegment = parseSegments(segments, limits: limits)
    #expect(parseByteByByte(segments, limits: limits) == bySegment, sourceLocation: sourceLocation)
    #expect(parseAllAtOnce(segments, limits: limits).map(\.kind) == bySegment.map(\.kind), sourceLocation: sourceLocation)
    return bySegment
}
