import CPcap
import Glibc
import WireFormat

/// Reads a pcap (µs or ns) or pcapng file with libpcap, one packet at a time. Confined to one thread.
///
/// Times keep nanoseconds (the file is opened with nanosecond precision, so µs files come out as µs × 1000).
/// A file that ends in the middle of a packet, or is damaged after some packets, yields the packets before
/// the damage and then a line in `warnings`.
public final class CaptureFileReader {
    public let path: String
    /// `"pcap"` or `"pcapng"`.
    public let format: String
    public let linkType: LinkType
    /// Truncated last packet, read errors after the first packet, and the like.
    public private(set) var warnings: [String] = []
    /// The snap length in the file header (pcapng: the first interface's).
    public let snapshotLength: Int
    /// Packets whose captured length is less than their length on the wire. The caller words the warning.
    public var snaplenCutPackets: Int { source.puller.snaplenCutPackets }
    /// Packets handed out so far.
    public var packetsRead: Int { source.puller.packetsRead - (source.readAhead == nil ? 0 : 1) }

    /// `path`, or "standard input" for `-`: how messages name the input.
    private let displayName: String
    /// Read once per packet: a checked class property costs two runtime calls each time, and this class is
    /// confined to one thread (and `source` never escapes), so exclusivity cannot be violated.
    @exclusivity(unchecked) private var source: Source
    private let handle: OpaquePointer
    private let streamBuffer: UnsafeMutableRawPointer?

    /// All that changes per packet, in one value: one exclusive access per packet.
    private struct Source {
        var puller: PacketPuller
        /// The first packet, read while opening so that a file libpcap cannot read at all fails to open.
        var readAhead: CapturedPacket?
        var finished = false

        @inline(__always)  // as `pull`: the `Pulled` is taken apart in `nextPacket`
        mutating func next() -> PacketPuller.Pulled<CapturedPacket> {
            if let packet = readAhead {
                readAhead = nil
                return .packet(packet)
            }
            guard !finished else { return .end }
            let pulled = puller.pull()
            if case .packet = pulled {} else { finished = true }
            return pulled
        }
    }

    /// Opens `path` (`-` is standard input).
    public convenience init(path: String) throws(CaptureError) {
        if path == "-" {
            try self.init(fileDescriptor: STDIN_FILENO, name: "standard input", path: path)
        } else {
            try self.init(opened: OpenedCapture.open(path: path), path: path, name: path)
        }
    }

    /// Reads from an open descriptor (a pipe, standard input, a file), which stays open and is not closed.
    /// `name` names it in messages.
    public convenience init(fileDescriptor: Int32, name: String) throws(CaptureError) {
        try self.init(fileDescriptor: fileDescriptor, name: name, path: name)
    }

    private convenience init(fileDescriptor: Int32, name: String, path: String) throws(CaptureError) {
        // libpcap closes what it reads from; give it a duplicate so the caller's descriptor stays open.
        let own = fcntl(fileDescriptor, F_DUPFD_CLOEXEC, 0)
        guard own >= 0 else {
            throw CaptureError(code: .cannotOpen, message: "\(name): \(Libpcap.errnoText(errno))")
        }
        try self.init(opened: OpenedCapture.open(ownedDescriptor: own, name: name), path: path, name: name)
    }

    private init(opened: OpenedCapture, path: String, name: String) throws(CaptureError) {
        self.path = path
        self.displayName = name
        self.format = opened.format
        self.snapshotLength = Int(pcap_snapshot(opened.handle))
        self.handle = opened.handle
        self.streamBuffer = opened.streamBuffer
        let puller = PacketPuller(handle: opened.handle, nanosecondStamps: true)
        self.linkType = puller.linkType
        self.source = Source(puller: puller)
        switch source.next() {
        case .packet(let first):
            source.readAhead = first
        case .failed(let message) where message.contains(Self.mixedLinkTypes):
            // libpcap 1.10 refuses a pcapng whose interfaces have different link types. Before the first
            // packet there is nothing to read: fail to open rather than return an empty capture.
            throw CaptureError(code: .unsupported, message: "\(displayName): this pcapng file has interfaces with "
                + "different link types, which libpcap cannot read (libpcap: \(message))")
        case .failed(let message):
            warnings.append(stopWarning(libpcapMessage: message))
        case .end, .nothingYet:
            break
        }
    }

    deinit {
        pcap_close(handle)  // closes the file, which no longer uses the buffer
        free(streamBuffer)
    }

    /// The next packet, or nil at the end (or at an unreadable rest, which becomes a warning).
    /// `bytes` views a buffer reused by the next call.
    public func nextPacket() -> CapturedPacket? {
        switch source.next() {
        case .packet(let packet):
            return packet
        case .failed(let message):
            warnings.append(stopWarning(libpcapMessage: message))
            return nil
        case .end, .nothingYet:
            return nil
        }
    }

    /// Every packet left, in file order, handed to `body` (the packets `nextPacket` would give until nil) with
    /// its bytes lent in place: read where libpcap holds them, valid only during the call.
    public func forEachPacket(_ body: (CapturedPacket.Header, RawSpan) -> Void) {
        // The packet read while opening first, so that the loop pulls from libpcap with nothing else to check.
        if let first = source.readAhead {
            source.readAhead = nil
            body(first.header, first.bytes.span.bytes)
        }
        guard !source.finished else { return }
        source.finished = true
        while true {
            switch source.puller.pullLent() {
            case .packet(let lent):
                // Lent until the next pull: the span cannot leave `body`.
                body(lent.header, lent.bytes.bytes)
            case .failed(let message):
                warnings.append(stopWarning(libpcapMessage: message))
                return
            case .end, .nothingYet:
                return
            }
        }
    }

    private static let mixedLinkTypes = "different from the type of the first interface"

    /// One line saying where and why reading stopped early.
    private func stopWarning(libpcapMessage message: String) -> String {
        let count = source.puller.packetsRead
        let number = count + 1
        let read = count == 1 ? "1 packet read" : "\(count) packets read"
        if message.contains("truncated") {
            return "\(displayName): the file ends in the middle of packet \(number): the capture was cut short (\(read))"
        }
        if message.contains(Self.mixedLinkTypes) {
            return "\(displayName): reading stopped before packet \(number): this pcapng file has interfaces with "
                + "different link types, which libpcap cannot read (\(read); libpcap: \(message))"
        }
        return "\(displayName): the file is damaged at packet \(number), reading stopped (\(read); libpcap: \(message))"
    }
}
