import Glibc
import PacketCapture
import Testing
import WireFormat

/// Files made at test time: cut-short files, and things that are not captures at all.
@Suite("Reading files made at test time")
struct FixtureReadingTests {
    /// Records of 16 + 40 bytes after the 24-byte header.
    static func fivePackets() -> [UInt8] {
        var bytes = pcapFileHeader(nanoseconds: false)
        for index in 0..<5 {
            bytes += pcapRecord(seconds: 1_600_000_000 + UInt32(index), fraction: 250_000, bytes: [UInt8](repeating: UInt8(index), count: 40))
        }
        return bytes
    }

    @Test("a file cut in the middle of a packet yields the packets before it and a warning", arguments: [
        (24 + 2 * 56 + 30, 3),  // inside packet 3's bytes
        (24 + 2 * 56 + 10, 3),  // inside packet 3's record header
        (24 + 4 * 56 + 55, 5),  // one byte short of the end
    ])
    func truncatedMidPacket(length: Int, cutPacket: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cut.pcap")
        try writeFile(path, Array(Self.fivePackets().prefix(length)))
        let reader = try CaptureFileReader(path: path)
        let result = readAll(reader)
        #expect(result.packets.count == cutPacket - 1)
        #expect(result.packets.first?.timestamp == Timestamp(seconds: 1_600_000_000, nanoseconds: 250_000_000))
        let read = cutPacket - 1 == 1 ? "1 packet read" : "\(cutPacket - 1) packets read"
        #expect(result.warnings == ["\(path): the file ends in the middle of packet \(cutPacket): the capture was cut short (\(read))"])
        #expect(reader.nextPacket() == nil)

        // `forEachPacket` gives the same packets and the same warning.
        let again = try CaptureFileReader(path: path)
        var frames: [Int] = []
        again.forEachPacket { packet, _ in frames.append(packet.frameNumber) }
        #expect(frames == result.packets.map(\.frame))
        #expect(again.warnings == result.warnings)
        var more = 0
        again.forEachPacket { _, _ in more += 1 }
        #expect(more == 0)
    }

    @Test("a file that ends between packets has no warning")
    func truncatedAtRecordBoundary() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("short.pcap")
        try writeFile(path, Array(Self.fivePackets().prefix(24 + 3 * 56)))
        let result = readAll(try CaptureFileReader(path: path))
        #expect(result.packets.count == 3)
        #expect(result.warnings.isEmpty)
    }

    @Test("a header-only pcap is a capture with no packets")
    func headerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty-capture.pcap")
        try writeFile(path, pcapFileHeader(nanoseconds: true))
        let reader = try CaptureFileReader(path: path)
        #expect(reader.nextPacket() == nil)
        #expect(reader.warnings.isEmpty)
    }

    @Test("a pcapng cut short (head -c) stops with a warning", .enabled(if: Corpus.isAvailable, Corpus.missing))
    func truncatedPcapng() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("cut.pcapng")
        let whole = try readFile(Corpus.path("ndpi__pgsql2.pcapng"))
        try writeFile(path, Array(whole.prefix(whole.count / 2 + 1)))
        let reader = try CaptureFileReader(path: path)
        let result = readAll(reader)
        #expect(reader.format == "pcapng")
        #expect((1..<19).contains(result.packets.count))
        #expect(result.warnings == ["\(path): the file ends in the middle of packet \(result.packets.count + 1): "
            + "the capture was cut short (\(result.packets.count) packets read)"])
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        var name: String
        var contents: [UInt8]
        var code: CaptureError.Code
        var reason: String
        /// libpcap's own text at the end may vary between versions: compare up to here.
        var reasonIsPrefix = false
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(name: "empty.pcap", contents: [], code: .notACapture, reason: "the file is empty (0 bytes), not a capture"),
        BadFile(name: "notes.txt", contents: Array("# Release notes\nnothing here\n".utf8), code: .notACapture,
                reason: "not a pcap or pcapng file (it starts with \"# Re\", which looks like text)"),
        BadFile(name: "capture.pcap.gz", contents: [0x1f, 0x8b, 0x08, 0x00, 0x00], code: .notACapture,
                reason: "not a pcap or pcapng file (it is gzip-compressed: gunzip it first)"),
        BadFile(name: "tiny", contents: [0xd4, 0xc3], code: .notACapture, reason: "not a pcap or pcapng file (it is only 2 bytes long)"),
        BadFile(name: "binary.bin", contents: [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01], code: .notACapture,
                reason: "not a pcap or pcapng file (it starts with bytes 7f 45 4c 46)"),
        BadFile(name: "header-cut.pcap", contents: Array(pcapFileHeader(nanoseconds: false).prefix(10)), code: .readError,
                reason: "the file ends inside its pcap header: the capture was cut short (libpcap: truncated dump file",
                reasonIsPrefix: true),
    ]

    @Test("files that are not captures fail to open with one plain line", arguments: badFiles)
    func notACapture(_ bad: BadFile) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file(bad.name)
        try writeFile(path, bad.contents)
        let error = #expect(throws: CaptureError.self) { try CaptureFileReader(path: path) }
        #expect(error?.code == bad.code)
        if bad.reasonIsPrefix {
            #expect(error?.message.hasPrefix("\(path): \(bad.reason)") == true)
        } else {
            #expect(error?.message == "\(path): \(bad.reason)")
        }
    }

    @Test("a missing file and a directory")
    func cannotOpen() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("incident.pcap")
        let error = #expect(throws: CaptureError.self) { try CaptureFileReader(path: missing) }
        #expect(error == CaptureError(code: .cannotOpen, message: "\(missing): no such file"))
        let folder = #expect(throws: CaptureError.self) { try CaptureFileReader(path: directory.path) }
        #expect(folder == CaptureError(code: .cannotOpen, message: "\(directory.path): is a directory, not a capture file"))
    }

    @Test("standard input: empty, text, cut short, and whole", arguments: [
        ("printf ''", "standard input: no data: the input is empty"),
        ("echo 'hello, not a capture'", "standard input: not a pcap or pcapng file"),
        ("printf 'ab'", "standard input: not a pcap or pcapng file"),
    ])
    func pipeErrors(command: String, message: String) {
        let error = #expect(throws: CaptureError.self) { try readThroughPipe(command) }
        #expect(error?.code == .notACapture)
        #expect(error?.message == message)
    }

    @Test("standard input cut short mid-packet")
    func pipeTruncated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("five.pcap")
        try writeFile(path, Self.fivePackets())
        let piped = try readThroughPipe("head -c \(24 + 3 * 56 + 20) '\(path)'")
        #expect(piped.format == "pcap")
        #expect(piped.result.packets.count == 3)
        #expect(piped.result.warnings == ["standard input: the file ends in the middle of packet 4: the capture was cut short (3 packets read)"])
        let whole = try readThroughPipe("cat '\(path)'")
        #expect(whole.result.packets.count == 5)
        #expect(whole.result.warnings.isEmpty)
    }

    @Test("the descriptor given to the reader stays open")
    func descriptorStaysOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("five.pcap")
        try writeFile(path, Self.fivePackets())
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        do {
            let reader = try CaptureFileReader(fileDescriptor: descriptor, name: "five")
            #expect(reader.format == "pcap")
            #expect(readAll(reader).packets.count == 5)
        }
        #expect(fcntl(descriptor, F_GETFD) >= 0)
    }
}
