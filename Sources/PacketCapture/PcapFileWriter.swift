import CPcap
import Glibc
import WireFormat

/// Writes packets to a pcap file with nanosecond time stamps (magic 0xa1b23c4d), as tcpdump `-w` would.
/// Confined to one thread; owns the libpcap dumper.
///
/// By default every packet is flushed to the file as it is written (one `write` per packet), so the file
/// is complete and readable at any moment: after Ctrl-C, after a crash, or while another tool reads it.
/// With `flushEveryPacket: false`, call `flush()` on each timeout tick instead; `close()` and deinit flush.
/// Open it before `PrivilegeDrop.drop`: the file is created with the privileges the process starts with.
public final class PcapFileWriter {
    /// The path as given; `-` is standard output.
    public let path: String
    public let linkType: LinkType
    /// Longer packets are cut to this many bytes (their original length is kept).
    public let snapshotLength: Int
    public let flushesEveryPacket: Bool
    public private(set) var packetsWritten = 0

    private let deadHandle: OpaquePointer
    private var dumper: OpaquePointer?

    public init(path: String, linkType: LinkType, snapshotLength: Int = 262_144,
                flushEveryPacket: Bool = true) throws(CaptureError) {
        self.path = path
        self.linkType = linkType
        self.snapshotLength = max(1, snapshotLength)
        self.flushesEveryPacket = flushEveryPacket
        let precision = UInt32(PCAP_TSTAMP_PRECISION_NANO)
        guard let dead = pcap_open_dead_with_tstamp_precision(linkType.dlt, Int32(clamping: self.snapshotLength), precision) else {
            throw CaptureError(code: .writeError, message: "\(path): cannot write \(linkType.name) packets to a pcap file")
        }
        deadHandle = dead
        let descriptor = path == "-"
            ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)
            : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0, let file = fdopen(descriptor, "wb") else {
            let reason = Libpcap.errnoText(errno)
            if descriptor >= 0 { Glibc.close(descriptor) }
            throw CaptureError(code: .writeError, message: "\(path): cannot create the capture file: \(reason)")
        }
        guard let dumper = pcap_dump_fopen(dead, file) else {
            fclose(file)
            throw CaptureError(code: .writeError, message: "\(path): cannot write the capture file: \(Libpcap.lastError(dead))")
        }
        self.dumper = dumper
        if flushEveryPacket { try flush() }
    }

    deinit {
        try? close()
        pcap_close(deadHandle)
    }

    /// Appends `packet`, cut to `snapshotLength`.
    public func write(_ packet: CapturedPacket) throws(CaptureError) {
        guard let dumper else {
            throw CaptureError(code: .writeError, message: "\(path): the capture file is already closed")
        }
        var header = pcap_pkthdr()
        header.ts = timeval(tv_sec: Int(packet.timestamp.seconds), tv_usec: Int(packet.timestamp.nanoseconds))
        header.caplen = UInt32(min(packet.bytes.count, snapshotLength))
        header.len = UInt32(clamping: max(packet.originalLength, packet.bytes.count))
        packet.bytes.withUnsafeBufferPointer { bytes in
            pcap_dump(UnsafeMutablePointer<UInt8>(dumper), &header, bytes.baseAddress)
        }
        packetsWritten += 1
        if flushesEveryPacket {
            try flush()
        } else if ferror(pcap_dump_file(dumper)) != 0 {
            throw failure(errno)
        }
    }

    /// Pushes buffered packets to the file.
    public func flush() throws(CaptureError) {
        guard let dumper else { return }
        if pcap_dump_flush(dumper) != 0 || ferror(pcap_dump_file(dumper)) != 0 {
            throw failure(errno)
        }
    }

    /// Flushes and closes the file; later writes throw. Closing twice does nothing.
    public func close() throws(CaptureError) {
        guard let dumper else { return }
        self.dumper = nil
        let flushed = pcap_dump_flush(dumper) == 0 && ferror(pcap_dump_file(dumper)) == 0
        let reason = errno
        pcap_dump_close(dumper)
        if !flushed { throw failure(reason) }
    }

    private func failure(_ code: Int32) -> CaptureError {
        CaptureError(code: .writeError, message: "\(path): cannot write the capture file: \(Libpcap.errnoText(code))")
    }
}
