import Glibc
import Testing

@Suite("tlsdiag analyze: exit status and errors (the built binary)")
struct AnalyzeCommandTests {
    @Test("a sample capture exits 0 when every handshake succeeded, 1 when one failed", arguments: [
        ("tls13-ok.pcap", Int32(0), "ok"),
        ("cipher-mismatch.pcap", Int32(1), "cipher_mismatch"),
    ])
    func sampleExitStatus(file: String, status: Int32, cause: String) throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "analyze", sample(file), "--format", "json"])
        #expect(result.status == status, "stderr: \(result.stderr)")
        let report = try #require(jsonObject(result.stdout))
        let connections = try #require(report["connections"] as? [[String: Any]])
        #expect(connections.map { $0["cause"] as? String } == [cause])
    }

    /// The report is streamed to stdout as it is rendered; a reader that is gone (`| head`, with SIGPIPE ignored as
    /// some shells and supervisors do) must end it quietly, with the exit status the capture calls for.
    @Test("a closed stdout ends the report without a crash", arguments: ["text", "json", "markdown"])
    func closedStandardOutput(format: String) throws {
        let script = #"trap '' PIPE; { "$0" analyze "$1" --format "$2"; echo "status=$?" >&2; } | true"#
        let result = try ChildProcess.run(["/bin/sh", "-c", script, try tlsdiagBinary(),
                                           sample("cipher-mismatch.pcap"), format])
        #expect(result.status == 0)
        #expect(result.stderr == "status=1\n", "stderr: \(result.stderr)")
    }

    @Test("a text file is not a capture: exit 2 and one line on stderr")
    func textFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("notes.txt", "these are notes, not packets\n")
        let result = try ChildProcess.run([try tlsdiagBinary(), "analyze", directory.file("notes.txt")])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(lines(result.stderr).count == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("tlsdiag: ") && result.stderr.contains("notes.txt"))
    }

    @Test("a missing file: exit 2 and one line on stderr")
    func missingFile() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "analyze", "/nonexistent/tlsdiag-test.pcap"])
        #expect(result.status == 2)
        #expect(lines(result.stderr).count == 1, "stderr: \(result.stderr)")
    }
}
