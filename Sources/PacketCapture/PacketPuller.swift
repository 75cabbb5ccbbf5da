import CPcap
import WireFormat

/// Pulls packets from a `pcap_t` (which its owner closes): read in place, or copied into a buffer reused from
/// one packet to the next.
///
/// Everything that changes per packet lives in this one value, so a packet costs its owner one exclusive
/// access instead of one per stored property of a class (each is a runtime exclusivity check).
struct PacketPuller {
    enum Pulled<Packet> {
        case packet(Packet)
        /// Live capture in non-blocking mode: nothing waiting now.
        case nothingYet
        case end
        /// libpcap's error text.
        case failed(String)
    }

    let handle: OpaquePointer
    let linkType: LinkType
    let nanosecondStamps: Bool
    private(set) var packetsRead = 0
    private(set) var snaplenCutPackets = 0
    private var storage: [UInt8] = []

    init(handle: OpaquePointer, nanosecondStamps: Bool) {
        self.handle = handle
        self.linkType = LinkType(dlt: pcap_datalink(handle))
        self.nanosecondStamps = nanosecondStamps
        storage.reserveCapacity(min(max(Int(pcap_snapshot(handle)), 2048), 262_144))
    }

    /// A packet in libpcap's buffer, which the next `pcap_next_ex` on the handle overwrites: for the caller of
    /// `pullLent` to read before it pulls again, never to keep.
    struct Lent {
        var header: CapturedPacket.Header
        var bytes: UnsafeRawBufferPointer
    }

    /// The next packet with its `caplen` bytes (never `len`: libpcap's buffer holds only what was captured)
    /// where libpcap holds them. Inlined into its callers, so that the `Pulled` wrapping is taken apart there
    /// rather than built and copied out for every packet.
    @inline(__always)
    mutating func pullLent() -> Pulled<Lent> {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            guard let header, let data else { return .failed("libpcap returned no packet") }
            let capturedLength = Int(header.pointee.caplen)
            let originalLength = Int(header.pointee.len)
            if capturedLength < originalLength { snaplenCutPackets += 1 }
            packetsRead += 1
            return .packet(Lent(
                header: CapturedPacket.Header(
                    frameNumber: packetsRead,
                    timestamp: Libpcap.timestamp(header.pointee.ts, nanosecondPrecision: nanosecondStamps),
                    originalLength: originalLength,
                    linkType: linkType),
                bytes: UnsafeRawBufferPointer(start: data, count: capturedLength)))
        case 0: return .nothingYet
        case PCAP_ERROR_BREAK: return .end
        default: return .failed(Libpcap.lastError(handle))
        }
    }

    /// The next packet, copied into the storage.
    @inline(__always)
    mutating func pull() -> Pulled<CapturedPacket> {
        switch pullLent() {
        case .packet(let lent): return .packet(CapturedPacket(lent.header, bytes: fill(from: lent.bytes)))
        case .nothingYet: return .nothingYet
        case .end: return .end
        case .failed(let message): return .failed(message)
        }
    }

    /// Copies the bytes into the storage, which is written in place unless the caller still holds the previous
    /// packet (then it is copied first).
    @inline(__always)
    private mutating func fill(from bytes: UnsafeRawBufferPointer) -> ArraySlice<UInt8> {
        let count = bytes.count
        if storage.count < count {
            storage.append(contentsOf: repeatElement(0, count: count - storage.count))
        }
        storage.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
        return storage[..<count]
    }
}
