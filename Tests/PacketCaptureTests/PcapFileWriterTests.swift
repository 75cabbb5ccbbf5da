import Glibc
import PacketCapture
import Testing
import WireFormat

@Suite("Writing pcap files")
struct PcapFileWriterTests {
    /// Three packets with nanosecond times; the last was cut by a 100-byte snap length.
    static let packets: [CapturedPacket] = [
        CapturedPacket(frameNumber: 1, timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 123_456_789),
                       originalLength: 60, linkType: .ethernet, bytes: ArraySlice((0..<60).map { UInt8($0) })),
        CapturedPacket(frameNumber: 2, timestamp: Timestamp(seconds: 1_700_000_000, nanoseconds: 999_999_999),
                       originalLength: 1, linkType: .ethernet, bytes: [0xff]),
        CapturedPacket(frameNumber: 3, timestamp: Timestamp(seconds: 1_700_000_001, nanoseconds: 1),
                       originalLength: 1514, linkType: .ethernet, bytes: ArraySlice(repeating: 0xab, count: 100)),
    ]

    @Test("PcapFileWriter output reads back exact to the nanosecond")
    func writeThenRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ns.pcap")
        let writer = try PcapFileWriter(path: path, linkType: .ethernet, snapshotLength: 100)
        for packet in Self.packets { try writer.write(packet) }
        #expect(writer.packetsWritten == 3)
        // Flushed after each packet: complete before close.
        let beforeClose = try CaptureFileReader(path: path)
        #expect(readAll(beforeClose).packets.count == 3)
        try writer.close()
        #expect(throws: CaptureError.self) { try writer.write(Self.packets[0]) }

        let bytes = try readFile(path)
        #expect(Array(bytes.prefix(4)) == [0x4d, 0x3c, 0xb2, 0xa1])  // 0xa1b23c4d: nanosecond pcap
        let reader = try CaptureFileReader(path: path)
        let result = readAll(reader)
        #expect(reader.format == "pcap")
        #expect(reader.linkType == .ethernet)
        #expect(reader.snapshotLength == 100)
        #expect(reader.snaplenCutPackets == 1)
        #expect(result.warnings.isEmpty)
        #expect(result.packets.map(\.frame) == [1, 2, 3])
        #expect(result.packets.map(\.timestamp) == Self.packets.map(\.timestamp))
        #expect(result.packets.map(\.originalLength) == [60, 1, 1514])
        #expect(result.packets.map(\.bytes) == Self.packets.map { Array($0.bytes) })
    }

    @Test("tcpdump reads the writer's nanosecond stamps", .enabled(if: access("/usr/bin/tcpdump", X_OK) == 0, "tcpdump not installed"))
    func tcpdumpAgrees() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ns.pcap")
        let writer = try PcapFileWriter(path: path, linkType: .ethernet)
        for packet in Self.packets { try writer.write(packet) }
        try writer.close()
        let output = try shellOutput("tcpdump -r '\(path)' -tt --time-stamp-precision=nano -nn 2>/dev/null | awk '/^[0-9]/ { print $1 }'")
        #expect(output == "1700000000.123456789\n1700000000.999999999\n1700000001.000000001\n")
    }

    @Test("other link types keep their LINKTYPE_ number", arguments: [LinkType.raw, .null, .linuxSLL, .linuxSLL2, .ipv4])
    func linkTypeRoundTrip(_ linkType: LinkType) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("link.pcap")
        let writer = try PcapFileWriter(path: path, linkType: linkType)
        try writer.write(Self.packets[0])
        try writer.close()
        let bytes = try readFile(path)
        #expect(Array(bytes[20..<24]) == littleEndian(linkType.rawValue))
        #expect(try CaptureFileReader(path: path).linkType == linkType)
    }

    @Test("cannot create, and disk full", arguments: [
        ("/nonexistent-dir/out.pcap", "/nonexistent-dir/out.pcap: cannot create the capture file: No such file or directory"),
        ("/dev/full", "/dev/full: cannot write the capture file: No space left on device"),
    ])
    func writeErrors(path: String, message: String) {
        let error = #expect(throws: CaptureError.self) { try PcapFileWriter(path: path, linkType: .ethernet) }
        #expect(error == CaptureError(code: .writeError, message: message))
    }

    @Test("buffered writing: complete after flush()")
    func buffered() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("buffered.pcap")
        let writer = try PcapFileWriter(path: path, linkType: .ethernet, flushEveryPacket: false)
        for packet in Self.packets { try writer.write(packet) }
        #expect(try readFile(path).isEmpty)  // still in the stdio buffer
        try writer.flush()
        #expect(readAll(try CaptureFileReader(path: path)).packets.count == 3)
    }

    @Test("`-` reads standard input and writes standard output (in a child process)")
    func standardStreams() throws {
        let directory = try TemporaryDirectory()
        let input = directory.file("five.pcap"), output = directory.file("copy.pcap")
        try writeFile(input, FixtureReadingTests.fivePackets())
        let child = fork()
        if child == 0 { _exit(Self.copyStandardStreams(input: input, output: output)) }
        var status: Int32 = 0
        waitpid(child, &status, 0)
        #expect(status == 0, "the child failed check \((status >> 8) & 0xff) or died of signal \(status & 0x7f)")
        let copy = readAll(try CaptureFileReader(path: output))
        let original = readAll(try CaptureFileReader(path: input))
        #expect(copy.packets.map(\.timestamp) == original.packets.map(\.timestamp))
        #expect(copy.packets.map(\.bytes) == original.packets.map(\.bytes))
    }

    /// Runs in the forked child; the exit status is the number of the first failed check.
    static func copyStandardStreams(input: String, output: String) -> Int32 {
        guard dup2(open(input, O_RDONLY), STDIN_FILENO) == STDIN_FILENO,
              dup2(open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o600), STDOUT_FILENO) == STDOUT_FILENO else { return 1 }
        guard let reader = try? CaptureFileReader(path: "-"), reader.path == "-", reader.format == "pcap",
              let writer = try? PcapFileWriter(path: "-", linkType: reader.linkType) else { return 2 }
        while let packet = reader.nextPacket() {
            guard (try? writer.write(packet)) != nil else { return 3 }
        }
        guard (try? writer.close()) != nil, reader.packetsRead == 5, reader.warnings.isEmpty else { return 4 }
        return 0
    }
}
