import Glibc
import PacketCapture
import Testing
import WireFormat

/// The public corpus copied to the shared folder (see its README.md); tests that need it skip without it.
enum Corpus {
    static let directory = getenv("TLSDIAG_CORPUS").map { String(cString: $0) } ?? "/work/shared/corpus/real"
    static let isAvailable = access(directory + "/MANIFEST.tsv", R_OK) == 0
    static let missing: Comment = "public capture corpus not found at \(directory) (set TLSDIAG_CORPUS)"

    static func path(_ file: String) -> String { directory + "/" + file }

    /// One MANIFEST.tsv row: what tshark/capinfos counted in each file.
    struct Entry: Sendable, CustomTestStringConvertible {
        var file: String
        /// LINKTYPE_ numbers from the `linktype` column (`EN10MB(1)+LINUX_SLL(113)`).
        var linkTypes: [UInt32]
        var packets: Int
        /// `pcap` or `pcapng`, from `fmt=` in the notes.
        var format: String
        var testDescription: String { file }
    }

    static let entries: [Entry] = {
        guard let text = try? readFile(directory + "/MANIFEST.tsv") else { return [] }
        let text8 = String(decoding: text, as: UTF8.self)
        return text8.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 10, let packets = Int(columns[5]) else { return nil }
            let linkTypes = columns[4].split(separator: "+").compactMap { part in
                part.split(separator: "(").last.flatMap { UInt32($0.dropLast()) }
            }
            let format = columns[9].split(separator: " ").first { $0.hasPrefix("fmt=") }
                .map { String($0.dropFirst(4).prefix { $0.isLetter }) } ?? "?"
            return Entry(file: columns[0], linkTypes: linkTypes, packets: packets, format: format)
        }
    }()
}

struct TestIOError: Error, CustomStringConvertible {
    var description: String
}

func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw TestIOError(description: "cannot open \(path)") }
    defer { fclose(file) }
    return readToEnd(file)
}

/// The standard output of a shell command.
func shellOutput(_ command: String) throws -> String {
    guard let pipe = popen(command, "r") else { throw TestIOError(description: "popen failed") }
    defer { pclose(pipe) }
    return String(decoding: readToEnd(pipe), as: UTF8.self)
}

func readToEnd(_ file: UnsafeMutablePointer<FILE>) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count == 0 { break }
        bytes += chunk.prefix(count)
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    guard let file = fopen(path, "wb") else { throw TestIOError(description: "cannot create \(path)") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw TestIOError(description: "cannot write \(path)") }
}

/// A fresh directory under /tmp, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/tlsdiag-capture-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestIOError(description: "mkdtemp failed") }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { _ = system("rm -rf '\(path)'") }
}

/// Every packet of a reader, copied out (bytes as arrays), and the reader's state at the end.
struct ReadResult {
    var packets: [(frame: Int, timestamp: Timestamp, originalLength: Int, bytes: [UInt8])] = []
    var warnings: [String] = []
}

func readAll(_ reader: CaptureFileReader) -> ReadResult {
    var result = ReadResult()
    while let packet = reader.nextPacket() {
        result.packets.append((packet.frameNumber, packet.timestamp, packet.originalLength, Array(packet.bytes)))
    }
    result.warnings = reader.warnings
    return result
}

/// Reads the standard output of a shell command through a pipe, as `tlsdiag analyze -` reads stdin.
func readThroughPipe(_ command: String) throws(CaptureError) -> (format: String, linkType: LinkType, result: ReadResult) {
    guard let pipe = popen(command, "r") else {
        throw CaptureError(code: .cannotOpen, message: "popen failed")
    }
    defer { pclose(pipe) }
    let reader = try CaptureFileReader(fileDescriptor: fileno(pipe), name: "standard input")
    return (reader.format, reader.linkType, readAll(reader))
}

/// A pcap record: 16-byte header (seconds, fraction, caplen, len; little-endian) and the bytes.
func pcapFileHeader(nanoseconds: Bool, snapshotLength: UInt32 = 262_144, linkType: UInt32 = 1) -> [UInt8] {
    let magic: UInt32 = nanoseconds ? 0xa1b2_3c4d : 0xa1b2_c3d4
    return littleEndian(magic) + [2, 0, 4, 0] + littleEndian(UInt32(0)) + littleEndian(UInt32(0))
        + littleEndian(snapshotLength) + littleEndian(linkType)
}

func pcapRecord(seconds: UInt32, fraction: UInt32, bytes: [UInt8], originalLength: Int? = nil) -> [UInt8] {
    littleEndian(seconds) + littleEndian(fraction) + littleEndian(UInt32(bytes.count))
        + littleEndian(UInt32(originalLength ?? bytes.count)) + bytes
}

func littleEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
