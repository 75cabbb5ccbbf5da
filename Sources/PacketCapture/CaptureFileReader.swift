import CPcap
import WireFormat

/// Why a capture could not be opened or read.
public struct CaptureError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let cannotOpen = Code(rawValue: "cannot open")
        public static let notACapture = Code(rawValue: "not a capture file")
        public static let readError = Code(rawValue: "read error")
    }
    public var code: Code
    /// One line for stderr (`incident.pcap: not a pcap or pcapng file`).
    public var message: String
    public init(code: Code, message: String) { self.code = code; self.message = message }
    public var description: String { message }
}

/// Reads a pcap (µs or ns) or pcapng file with libpcap, one packet at a time. Confined to one thread.
public final class CaptureFileReader {
    public let path: String
    /// `"pcap"` or `"pcapng"`.
    public private(set) var format: String = "pcap"
    public private(set) var linkType: LinkType = .ethernet
    /// Truncated last packet, read errors after the first packet, and the like.
    public private(set) var warnings: [String] = []

    /// Opens `path` (`-` is standard input).
    public init(path: String) throws(CaptureError) {
        self.path = path
        // Implemented by the capture stage.
        throw CaptureError(code: .cannotOpen, message: "\(path): not implemented")
    }

    /// The next packet, or nil at the end (or at an unreadable rest, which becomes a warning).
    /// `bytes` views a buffer reused by the next call.
    public func nextPacket() -> CapturedPacket? {
        nil
    }
}
