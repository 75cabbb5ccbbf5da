import CPcap
import Glibc

/// What a capture file's first four bytes say it is.
enum CaptureFileMagic {
    /// `"pcap"`, `"pcapng"`, or nil. pcap: 0xa1b2c3d4 (µs), 0xa1b23c4d (ns), 0xa1b2cd34 (Kuznetzov), in either
    /// byte order. pcapng: the Section Header Block type 0x0a0d0d0a, the same in both byte orders.
    static func format(of firstBytes: [UInt8]) -> String? {
        guard firstBytes.count >= 4 else { return nil }
        let bigEndian = firstBytes.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let pcap: Set<UInt32> = [0xa1b2_c3d4, 0xa1b2_3c4d, 0xa1b2_cd34]
        if bigEndian == 0x0a0d_0d0a { return "pcapng" }
        if pcap.contains(bigEndian) || pcap.contains(bigEndian.byteSwapped) { return "pcap" }
        return nil
    }

    /// Plain words for bytes that are not a capture's start.
    static func describe(_ firstBytes: [UInt8]) -> String {
        if firstBytes.count >= 2, firstBytes[0] == 0x1f, firstBytes[1] == 0x8b {
            return "it is gzip-compressed: gunzip it first"
        }
        if firstBytes.count < 4 {
            return "it is only \(firstBytes.count) byte\(firstBytes.count == 1 ? "" : "s") long"
        }
        let text = firstBytes.allSatisfy { (0x20...0x7e).contains($0) || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d }
        if text {
            let shown = String(decoding: firstBytes, as: UTF8.self).map { $0.isNewline ? " " : $0 }
            return "it starts with \"\(String(shown))\", which looks like text"
        }
        let hex = firstBytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "it starts with bytes \(hex.joined(separator: " "))"
    }
}

/// A capture libpcap has opened, and the format read from its magic number.
struct OpenedCapture {
    var handle: OpaquePointer
    var format: String
    /// stdio's buffer for the file, to be freed after `pcap_close` (nil when stdio chose its own).
    var streamBuffer: UnsafeMutableRawPointer?
}

extension OpenedCapture {
    static let streamBufferSize = 256 << 10

    /// Opens `path` for reading; errno becomes plain words.
    static func open(path: String) throws(CaptureError) -> OpenedCapture {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            let reason = switch code {
            case ENOENT: "no such file"
            case EACCES, EPERM: "permission denied (cannot read the file)"
            case ENOTDIR: "a part of the path is not a directory"
            default: Libpcap.errnoText(code)
            }
            throw CaptureError(code: .cannotOpen, message: "\(path): \(reason)")
        }
        return try open(ownedDescriptor: fd, name: path)
    }

    /// Opens `fd`, which this call owns (it is closed on failure, and by `pcap_close` later).
    ///
    /// The format comes from the first four bytes, read with `pread` so that nothing is consumed. A pipe
    /// cannot be read that way; there the format comes from libpcap: `pcap_major_version` is the pcapng
    /// Section Header's major version (1) for pcapng and the file header's (2) for pcap.
    static func open(ownedDescriptor fd: Int32, name: String) throws(CaptureError) -> OpenedCapture {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw CaptureError(code: .cannotOpen, message: "\(name): \(Libpcap.errnoText(code))")
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            Glibc.close(fd)
            throw CaptureError(code: .cannotOpen, message: "\(name): is a directory, not a capture file")
        }
        var firstBytes: [UInt8]?
        if type == S_IFREG {
            var bytes = [UInt8](repeating: 0, count: 4)
            let count = pread(fd, &bytes, 4, lseek(fd, 0, SEEK_CUR))
            if count >= 0 { firstBytes = Array(bytes.prefix(count)) }
        }
        if firstBytes?.isEmpty == true {
            Glibc.close(fd)
            throw CaptureError(code: .notACapture, message: "\(name): the file is empty (0 bytes), not a capture")
        }
        guard let file = fdopen(fd, "rb") else {
            let code = errno
            Glibc.close(fd)
            throw CaptureError(code: .cannotOpen, message: "\(name): \(Libpcap.errnoText(code))")
        }
        // libpcap reads each packet with fread: stdio's default 4 KB buffer makes that one read(2) per few
        // packets; a 256 KB one, one per ~450 packets of the benchmark capture. Not larger: the kernel's copy into
        // the buffer and fread's copy out of it then stay in the core's L2 cache (1.25 MB here), and the analysis
        // keeps its own data there; with 1 MB, bench-200 took about 10% more CPU time (interleaved runs).
        // (glibc ignores the size unless it is given the buffer.)
        let streamBuffer = malloc(streamBufferSize)
        if let streamBuffer {
            setvbuf(file, streamBuffer.assumingMemoryBound(to: CChar.self), _IOFBF, streamBufferSize)
        }
        // Only the reader's thread ever touches this stream (`CaptureFileReader` is confined to one thread), so
        // stdio need not lock it around each of libpcap's two freads a packet: about 40 instructions a packet.
        _ = __fsetlocking(file, Int32(FSETLOCKING_BYCALLER))
        var errorBuffer = Libpcap.errorBuffer()
        let precision = UInt32(PCAP_TSTAMP_PRECISION_NANO)
        guard let handle = pcap_fopen_offline_with_tstamp_precision(file, precision, &errorBuffer) else {
            fclose(file)
            free(streamBuffer)
            throw openFailure(name: name, firstBytes: firstBytes, libpcapMessage: Libpcap.string(errorBuffer))
        }
        let format = firstBytes.flatMap(CaptureFileMagic.format(of:))
            ?? (pcap_major_version(handle) == 1 ? "pcapng" : "pcap")
        return OpenedCapture(handle: handle, format: format, streamBuffer: streamBuffer)
    }

    private static func openFailure(name: String, firstBytes: [UInt8]?, libpcapMessage: String) -> CaptureError {
        let cutShort = libpcapMessage.contains("truncated")
        if let firstBytes {
            guard let format = CaptureFileMagic.format(of: firstBytes) else {
                let what = CaptureFileMagic.describe(firstBytes)
                return CaptureError(code: .notACapture, message: "\(name): not a pcap or pcapng file (\(what))")
            }
            let problem = cutShort
                ? "the file ends inside its \(format) header: the capture was cut short"
                : "the \(format) file header is damaged or unsupported"
            return CaptureError(code: .readError, message: "\(name): \(problem) (libpcap: \(libpcapMessage))")
        }
        // A pipe: only libpcap's words tell what came in.
        if cutShort, libpcapMessage.contains("only got 0") {
            return CaptureError(code: .notACapture, message: "\(name): no data: the input is empty")
        }
        if libpcapMessage.contains("unknown file format") || libpcapMessage.contains("4 file header bytes") {
            return CaptureError(code: .notACapture, message: "\(name): not a pcap or pcapng file")
        }
        return CaptureError(code: .readError, message: "\(name): cannot read the capture header (libpcap: \(libpcapMessage))")
    }
}
