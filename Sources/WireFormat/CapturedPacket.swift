/// One packet as the capture layer hands it on: its frame number, time, and the captured bytes.
///
/// `bytes` may be a view into a buffer the capture layer reuses: keep what you need, not the packet.
/// The header's fields read as the packet's own (`packet.frameNumber`), as `TCPSegment` does with its header.
@dynamicMemberLookup
public struct CapturedPacket: Sendable {
    public var header: Header
    public var bytes: ArraySlice<UInt8>

    public init(_ header: Header, bytes: ArraySlice<UInt8>) {
        self.header = header
        self.bytes = bytes
    }

    public init(frameNumber: Int, timestamp: Timestamp, originalLength: Int, linkType: LinkType, bytes: ArraySlice<UInt8>) {
        self.init(Header(frameNumber: frameNumber, timestamp: timestamp, originalLength: originalLength,
                         linkType: linkType), bytes: bytes)
    }

    public subscript<Value>(dynamicMember field: KeyPath<Header, Value>) -> Value {
        header[keyPath: field]
    }

    /// True when the snap length cut the packet.
    public var isTruncated: Bool { header.originalLength > bytes.count }

    /// All of a packet but its bytes: what goes with bytes the capture layer lends for one call (a `RawSpan`
    /// into libpcap's buffer, read in place instead of copied into a `CapturedPacket` first). Plain data.
    public struct Header: Sendable {
        /// 1-based, in file order, as Wireshark counts frames.
        public var frameNumber: Int
        public var timestamp: Timestamp
        /// The packet's length on the wire; more than the captured bytes when the snap length cut it.
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
