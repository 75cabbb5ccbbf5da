/// One packet as the capture layer hands it on: its frame number, time, and the captured bytes.
///
/// `bytes` may be a view into a buffer the capture layer reuses: keep what you need, not the packet.
public struct CapturedPacket: Sendable {
    /// 1-based, in file order, as Wireshark counts frames.
    public var frameNumber: Int
    public var timestamp: Timestamp
    /// The packet's length on the wire; more than `bytes.count` when the snap length cut it.
    public var originalLength: Int
    public var linkType: LinkType
    public var bytes: ArraySlice<UInt8>

    public init(frameNumber: Int, timestamp: Timestamp, originalLength: Int, linkType: LinkType, bytes: ArraySlice<UInt8>) {
        self.frameNumber = frameNumber
        self.timestamp = timestamp
        self.originalLength = originalLength
        self.linkType = linkType
        self.bytes = bytes
    }

    public init(_ header: Header, bytes: ArraySlice<UInt8>) {
        self.init(frameNumber: header.frameNumber, timestamp: header.timestamp, originalLength: header.originalLength,
                  linkType: header.linkType, bytes: bytes)
    }

    /// True when the snap length cut the packet.
    public var isTruncated: Bool { originalLength > bytes.count }

    public var header: Header {
        Header(frameNumber: frameNumber, timestamp: timestamp, originalLength: originalLength, linkType: linkType)
    }

    /// All of a packet but its bytes: what goes with bytes the capture layer lends for one call (a `RawSpan`
    /// into libpcap's buffer, read in place instead of copied into a `CapturedPacket` first). Plain data.
    public struct Header: Sendable {
        public var frameNumber: Int
        public var timestamp: Timestamp
        public var originalLength: Int
        public var linkType: LinkType

        public init(frameNumber: Int, timestamp: Timestamp, originalLength: Int, linkType: LinkType) {
            self.frameNumber = frameNumber
            self.timestamp = timestamp
            self.originalLength = originalLength
            self.linkType = linkType
        }
    }
}
