import WireFormat

/// What the capture summary counts of the packets as they are read: how many, their captured bytes, the first
/// and last time. Kept by whoever reads the file (the analyzers see only what they are given).
public struct CaptureTally: Sendable {
    public private(set) var packets = 0
    public private(set) var bytes = 0
    public private(set) var first: Timestamp?
    public private(set) var last: Timestamp?

    public init() {}

    public mutating func count(_ packet: CapturedPacket) {
        count(packet.header, bytes: packet.bytes.span.bytes)
    }

    public mutating func count(_ packet: CapturedPacket.Header, bytes captured: RawSpan) {
        packets += 1
        bytes += captured.byteCount
        if first == nil { first = packet.timestamp }
        last = packet.timestamp
    }

    /// The summary of a file read to its end; reading warnings mean it ended early.
    public func summary(file: String, format: String, linkType: LinkType, warnings: [String]) -> CaptureSummary {
        CaptureSummary(file: file, format: format, linkType: linkType, packets: packets, bytes: bytes,
                       firstPacket: first, lastPacket: last, warnings: warnings, endedEarly: !warnings.isEmpty)
    }
}
