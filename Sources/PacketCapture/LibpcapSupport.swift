import CPcap
import Glibc
import WireFormat

/// Small conversions shared by the reader, the live capture and the writer.
enum Libpcap {
    /// A buffer for libpcap's error text (`PCAP_ERRBUF_SIZE`).
    static func errorBuffer() -> [CChar] { [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE)) }

    /// The text up to the first NUL, trimmed to one line.
    static func string(_ buffer: [CChar]) -> String {
        oneLine(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// libpcap's last error on `handle`.
    static func lastError(_ handle: OpaquePointer) -> String {
        guard let text = pcap_geterr(handle) else { return "unknown libpcap error" }
        return oneLine(String(cString: text))
    }

    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 }).trimmingSpaces()
    }

    /// The C library's text for `errno` (`No such file or directory`).
    static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// A packet header's time. With nanosecond precision libpcap stores nanoseconds in `tv_usec`.
    @inline(__always)  // once a packet
    static func timestamp(_ ts: timeval, nanosecondPrecision: Bool) -> Timestamp {
        let fraction = max(0, Int(ts.tv_usec))
        let nanoseconds = nanosecondPrecision ? fraction : fraction * 1000
        return Timestamp(seconds: Int64(Int(ts.tv_sec)), nanoseconds: UInt32(clamping: nanoseconds))
    }
}

extension String {
    /// Without leading and trailing white space.
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first?.isWhitespace == true { view = view.dropFirst() }
        while view.last?.isWhitespace == true { view = view.dropLast() }
        return String(view)
    }
}

/// libpcap speaks DLT_ numbers, files and `LinkType` speak LINKTYPE_ numbers. They differ for a handful of
/// old types (libpcap's `dlt_to_linktype` table, Linux values); everything else is the same number.
extension LinkType {
    private static let dltToLinkType: [(dlt: Int32, linkType: UInt32)] = [
        (11, 100),  // ATM_RFC1483
        (12, 101),  // RAW
        (15, 102),  // SLIP_BSDOS
        (16, 103),  // PPP_BSDOS
        (19, 106),  // ATM_CLIP
    ]

    init(dlt: Int32) {
        if let entry = Self.dltToLinkType.first(where: { $0.dlt == dlt }) {
            self.init(rawValue: entry.linkType)
        } else {
            self.init(rawValue: UInt32(clamping: dlt))
        }
    }

    var dlt: Int32 {
        if let entry = Self.dltToLinkType.first(where: { $0.linkType == rawValue }) { return entry.dlt }
        return Int32(clamping: rawValue)
    }
}
