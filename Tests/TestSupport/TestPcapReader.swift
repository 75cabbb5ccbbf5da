import Foundation
import WireFormat

/// A test-only reader for classic pcap files (not pcapng): 24-byte file header, then 16-byte record headers.
/// The real reader lives in PacketCapture; this one lets the decoding and reassembly tests walk the real
/// captures without depending on libpcap.
public struct TestPcapFile {
    public struct Record {
        public var frame: Int
        public var timestamp: Timestamp
        public var originalLength: Int
        public var bytes: ArraySlice<UInt8>
    }

    public var linkType: LinkType
    public var records: [Record] = []

    /// nil when the file is not a classic pcap; stops quietly at a cut-short record.
    public init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let bytes = [UInt8](data)
        guard bytes.count >= 24 else { return nil }
        func u32(_ at: Int, littleEndian: Bool) -> UInt32 {
            let b = bytes[at..<(at + 4)].map(UInt32.init)
            return littleEndian ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
        }
        let magicLE = u32(0, littleEndian: true)
        let little: Bool, nanos: Bool
        switch magicLE {
        case 0xa1b2c3d4: (little, nanos) = (true, false)
        case 0xa1b23c4d: (little, nanos) = (true, true)
        case 0xd4c3b2a1: (little, nanos) = (false, false)
        case 0x4d3cb2a1: (little, nanos) = (false, true)
        default: return nil
        }
        linkType = LinkType(rawValue: u32(20, littleEndian: little) & 0x0fff_ffff)
        var offset = 24
        var frame = 1
        while offset + 16 <= bytes.count {
            let seconds = u32(offset, littleEndian: little), fraction = u32(offset + 4, littleEndian: little)
            let captured = Int(u32(offset + 8, littleEndian: little)), original = Int(u32(offset + 12, littleEndian: little))
            guard offset + 16 + captured <= bytes.count else { break }
            records.append(Record(
                frame: frame,
                timestamp: Timestamp(seconds: Int64(seconds), nanoseconds: nanos ? fraction : fraction &* 1000),
                originalLength: original,
                bytes: bytes[(offset + 16)..<(offset + 16 + captured)]))
            offset += 16 + captured
            frame += 1
        }
    }
}

public enum Corpus {
    /// The shared corpus of real captures (see its README); tests skip when it is absent.
    public static let directory: String = {
        if let path = ProcessInfo.processInfo.environment["TLSDIAG_CORPUS"] { return path }
        // Tests/<target>/ → repository → its parent holds shared/ in the development setup.
        let here = URL(fileURLWithPath: #filePath)
        let repository = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repository.deletingLastPathComponent().appendingPathComponent("shared/corpus/real").path
    }()

    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: directory) }

    public static func path(_ name: String) -> String { directory + "/" + name }
}
