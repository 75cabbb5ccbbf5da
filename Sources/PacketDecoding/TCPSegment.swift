import WireFormat

/// TCP header flags (RFC 9293 §3.1).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)
    /// Accurate ECN (formerly NS, RFC 3540).
    public static let ae = TCPFlags(rawValue: 0x100)
}

/// A TCP segment's header fields, and where its captured payload lies in the frame's bytes. Plain data (no
/// reference): the per-packet path builds, passes and drops it without reference counting, and cuts the payload
/// from the frame only for a segment that carries some (most segments are bare ACKs).
public struct TCPHeader: Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    /// The captured payload's indices in the bytes the header was decoded from.
    public var payloadRange: Range<Int>
    /// Payload bytes the IP header announced but the snap length cut off (0 when complete).
    public var missingPayloadBytes: Int

    public init(source: Endpoint, destination: Endpoint, sequenceNumber: UInt32, acknowledgmentNumber: UInt32,
                flags: TCPFlags, window: UInt16, payloadRange: Range<Int>, missingPayloadBytes: Int) {
        self.source = source
        self.destination = destination
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.payloadRange = payloadRange
        self.missingPayloadBytes = missingPayloadBytes
    }
}

/// A decoded TCP segment: its header, and the payload as captured. The header's fields read (and change) as the
/// segment's own (`segment.source`, `segment.flags`); its `payloadRange` is the payload's indices.
@dynamicMemberLookup
public struct TCPSegment: Sendable {
    public private(set) var header: TCPHeader
    /// The payload bytes that were captured.
    public let payload: ArraySlice<UInt8>

    /// The segment whose header is `header` in the frame `bytes` it was decoded from (a `payloadRange` outside
    /// `bytes` is cut to what is there).
    public init(_ header: TCPHeader, in bytes: ArraySlice<UInt8>) {
        let range = header.payloadRange.clamped(to: bytes.startIndex..<bytes.endIndex)
        self.header = header
        self.header.payloadRange = range
        self.payload = bytes[range]
    }

    public init(source: Endpoint, destination: Endpoint, sequenceNumber: UInt32, acknowledgmentNumber: UInt32,
                flags: TCPFlags, window: UInt16, payload: ArraySlice<UInt8>, missingPayloadBytes: Int) {
        self.init(TCPHeader(source: source, destination: destination, sequenceNumber: sequenceNumber,
                            acknowledgmentNumber: acknowledgmentNumber, flags: flags, window: window,
                            payloadRange: payload.startIndex..<payload.endIndex, missingPayloadBytes: missingPayloadBytes),
                  in: payload)
    }

    public subscript<Value>(dynamicMember field: KeyPath<TCPHeader, Value>) -> Value {
        header[keyPath: field]
    }

    /// Header fields other than the payload's range may change (tests make bogus segments so).
    public subscript<Value>(dynamicMember field: WritableKeyPath<TCPHeader, Value>) -> Value {
        get { header[keyPath: field] }
        set {
            let range = header.payloadRange
            header[keyPath: field] = newValue
            header.payloadRange = range
        }
    }
}
