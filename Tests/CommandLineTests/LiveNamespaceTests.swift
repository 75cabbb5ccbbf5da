import Foundation
import Glibc
import Testing

/// A private network namespace (only `lo`, up), deleted on release together with every process started in it.
final class NetworkNamespace {
    let name = "tlsdiag-live-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    private var processes: [ChildProcess] = []

    init() throws {
        let added = try ChildProcess.run(["ip", "netns", "add", name])
        guard added.status == 0 else { throw ProcessError("ip netns add \(name) failed: \(added.stderr)") }
        let up = try ChildProcess.run(["ip", "-n", name, "link", "set", "lo", "up"])
        guard up.status == 0 else {
            _ = try? ChildProcess.run(["ip", "netns", "del", name])
            throw ProcessError("ip -n \(name) link set lo up failed: \(up.stderr)")
        }
    }

    deinit {
        for process in processes.reversed() {
            process.signal(SIGKILL)
            _ = process.wait(timeout: .seconds(2))
        }
        _ = try? ChildProcess.run(["ip", "netns", "del", name])
    }

    /// Starts a command inside the namespace; it is killed when the namespace goes.
    func start(_ arguments: [String]) throws -> ChildProcess {
        let process = try ChildProcess(["ip", "netns", "exec", name] + arguments)
        processes.append(process)
        return process
    }

    func run(_ arguments: [String], timeout: Duration = .seconds(30)) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.run(["ip", "netns", "exec", name] + arguments, timeout: timeout)
    }
}

/// Two test roots made with openssl: `a` is trusted by the clients (and by tlsdiag's --ca-bundle), `b` is not.
/// Each signs a `localhost` / 127.0.0.1 server certificate.
enum TestPKI {
    static func make(in directory: TemporaryDirectory) throws {
        let script = """
            set -e
            cd '\(directory.path)'
            printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=CA:false\\nextendedKeyUsage=serverAuth\\n' > server.ext
            for ca in a b; do
              openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-$ca.key -out ca-$ca.pem -days 2 \
                -subj "/CN=tlsdiag test root $ca" -addext basicConstraints=critical,CA:true \
                -addext keyUsage=critical,keyCertSign,cRLSign
              openssl req -newkey rsa:2048 -nodes -keyout server-$ca.key -out server-$ca.csr -subj /CN=localhost
              openssl x509 -req -in server-$ca.csr -CA ca-$ca.pem -CAkey ca-$ca.key -CAcreateserial \
                -out server-$ca.pem -days 2 -extfile server.ext
            done
            """
        let result = try ChildProcess.run(["sh", "-c", script])
        guard result.status == 0 else { throw ProcessError("making test certificates failed: \(result.stderr)") }
    }
}

let hasNetworkNamespaces = isRoot && (try? ChildProcess.run(["ip", "netns", "list"]).status) == 0

@Suite("tlsdiag live in a private network namespace (the built binary, real OpenSSL and curl)",
       .enabled(if: isRoot, "needs root to create a network namespace and capture in it"),
       .enabled(if: hasNetworkNamespaces, "needs `ip netns` (iproute2) with namespace support"))
struct LiveNamespaceTests {

    /// The next JSON Lines connection on tlsdiag's standard output, within `timeout`.
    static func nextConnection(_ live: ChildProcess, within timeout: Duration) -> [String: Any]? {
        guard let line = live.readLine(.stdout, timeout: timeout) else { return nil }
        return jsonObject(line)
    }

    static func port(_ endpoint: Any?) -> Int? { (endpoint as? [String: Any])?["port"] as? Int }

    static func alert(_ connection: [String: Any]) -> (from: String?, code: Int?)? {
        guard let alert = connection["alert"] as? [String: Any] else { return nil }
        return (alert["from"] as? String, alert["code"] as? Int)
    }

    @Test("""
        a cipher mismatch (443) and an unknown CA (8443) are reported within a second, an unanswered ClientHello \
        after --handshake-timeout; Ctrl-C prints the summary and drop counters; the process runs as nobody; \
        the --write file re-analyzes to the same causes
        """)
    func reportsAsHandshakesConclude() throws {
        let binary = try tlsdiagBinary()
        for tool in ["openssl", "curl"] {
            try #require(onPath(tool), "\(tool) is needed to drive real TLS stacks (scripts/install-deps --test)")
        }
        let directory = try TemporaryDirectory()     // mode 0700: nobody can open what is in it
        try TestPKI.make(in: directory)
        let namespace = try NetworkNamespace()
        try withExtendedLifetime((directory, namespace)) {
            try scenario(binary: binary, directory: directory, namespace: namespace)
        }
    }

    func scenario(binary: String, directory: TemporaryDirectory, namespace: NetworkNamespace) throws {
        let pcap = directory.file("live.pcap")
        let caA = directory.file("ca-a.pem")
        let ports = ["--port", "443", "--port", "8443", "--port", "9443"]
        let live = try namespace.start([binary, "live", "-i", "lo"] + ports + [
            "--format", "json", "--write", pcap, "--handshake-timeout", "2", "--ca-bundle", caA,
        ])
        let banner = try #require(live.readLine(.stderr, timeout: .seconds(30)), "tlsdiag live did not start")
        #expect(banner.hasPrefix("tlsdiag live: listening on lo"), "\(banner)")
        #expect(banner.contains("privileges dropped: running as nobody"))

        // Root was given up once the device, the --write file and the CA bundle (all in a 0700 root directory) were open.
        let status = try String(contentsOfFile: "/proc/\(live.pid)/status", encoding: .utf8)
        let uidLine = try #require(lines(status).first { $0.hasPrefix("Uid:") })
        let uids = uidLine.split(whereSeparator: \.isWhitespace).dropFirst().compactMap { Int($0) }
        #expect(uids.count == 4 && !uids.contains(0), "\(uidLine)")

        // 443: TLS 1.2 with one suite only; 8443: a chain ending at root b; 9443: hung (stopped once listening:
        // the kernel still accepts connections and acknowledges the ClientHello, nobody answers it).
        let servers = [
            try namespace.start(["openssl", "s_server", "-accept", "443", "-www", "-no_tls1_3",
                                 "-cipher", "ECDHE-RSA-AES256-GCM-SHA384",
                                 "-cert", directory.file("server-a.pem"), "-key", directory.file("server-a.key")]),
            try namespace.start(["openssl", "s_server", "-accept", "8443", "-www",
                                 "-cert", directory.file("server-b.pem"), "-key", directory.file("server-b.key"),
                                 "-cert_chain", directory.file("ca-b.pem")]),
            try namespace.start(["openssl", "s_server", "-accept", "9443", "-www",
                                 "-cert", directory.file("server-a.pem"), "-key", directory.file("server-a.key")]),
        ]
        for server in servers {
            #expect(server.waitForLine(.stdout, timeout: .seconds(10)) { $0 == "ACCEPT" } != nil,
                    "not listening: \(server.arguments.joined(separator: " "))")
        }
        servers[2].signal(SIGSTOP)

        var liveCauses: [Int: String] = [:]    // client port → cause
        let clock = ContinuousClock()

        // Cipher mismatch: the client offers only a suite the server does not have.
        let mismatchClient = try namespace.run(["openssl", "s_client", "-connect", "127.0.0.1:443", "-servername", "localhost",
                                                "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"])
        #expect(mismatchClient.status != 0)
        let mismatch = try #require(Self.nextConnection(live, within: .seconds(1)), "no line within 1 s of the cipher mismatch")
        #expect(mismatch["id"] as? Int == 1)
        #expect(Self.port(mismatch["server"]) == 443)
        #expect(mismatch["cause"] as? String == "cipher_mismatch")
        #expect(Self.alert(mismatch)?.from == "server" && Self.alert(mismatch)?.code == 40)
        liveCauses[Self.port(mismatch["client"]) ?? 0] = mismatch["cause"] as? String

        // Unknown CA: curl trusts root a only; the server's chain ends at root b. curl exits 60 (alert 48).
        let untrustedClient = try namespace.run(["curl", "-s", "-o", "/dev/null", "--tls-max", "1.2", "--cacert", caA,
                                                 "--resolve", "localhost:8443:127.0.0.1", "https://localhost:8443/"])
        #expect(untrustedClient.status == 60)
        let untrusted = try #require(Self.nextConnection(live, within: .seconds(1)), "no line within 1 s of the unknown CA")
        #expect(untrusted["id"] as? Int == 2)
        #expect(Self.port(untrusted["server"]) == 8443)
        #expect(untrusted["cause"] as? String == "unknown_ca")
        #expect(Self.alert(untrusted)?.from == "client" && Self.alert(untrusted)?.code == 48)
        liveCauses[Self.port(untrusted["client"]) ?? 0] = untrusted["cause"] as? String

        // A handshake that works: the server's suite, root a.
        let goodClient = try namespace.run(["curl", "-s", "-o", "/dev/null", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384",
                                            "--cacert", caA, "--resolve", "localhost:443:127.0.0.1", "https://localhost:443/"])
        #expect(goodClient.status == 0, "\(goodClient.stderr)")
        let good = try #require(Self.nextConnection(live, within: .seconds(1)), "no line within 1 s of the good handshake")
        #expect(Self.port(good["server"]) == 443)
        #expect(good["cause"] as? String == "ok")
        #expect(good["established"] as? Bool == true)
        liveCauses[Self.port(good["client"]) ?? 0] = good["cause"] as? String

        // No answer: reported once --handshake-timeout (2 s) has passed, while the client still waits.
        let waitingClient = try namespace.start(["openssl", "s_client", "-connect", "127.0.0.1:9443", "-servername", "localhost"])
        let waitStart = clock.now
        let unanswered = try #require(Self.nextConnection(live, within: .seconds(5)), "no line for the unanswered ClientHello")
        let waited = waitStart.duration(to: clock.now)
        #expect(waited < .milliseconds(3500), "reported after \(waited)")
        #expect(Self.port(unanswered["server"]) == 9443)
        #expect(unanswered["cause"] as? String == "no_server_response")
        liveCauses[Self.port(unanswered["client"]) ?? 0] = unanswered["cause"] as? String
        waitingClient.signal(SIGTERM)
        _ = waitingClient.wait(timeout: .seconds(5))
        usleep(200_000)     // the client's FIN reaches the capture file

        // Ctrl-C: the summary and libpcap's counters on stderr; the exit status says handshakes failed.
        live.signal(SIGINT)
        let exitStatus = try #require(live.wait(timeout: .seconds(10)), "tlsdiag live did not stop on SIGINT")
        let rest = live.readToEnd(timeout: .seconds(5))
        #expect(exitStatus == 1)
        #expect(rest.stdout.isEmpty, "more connections than expected: \(rest.stdout)")
        let summary = rest.stderr
        #expect(summary.contains("tlsdiag live: stopped (SIGINT)"))
        #expect(summary.contains("4 TLS connections: 1 established, 3 failed"))
        #expect(summary.contains("Incident summary: 3 failed connections in 3 groups"))
        for cause in ["cipher_mismatch", "unknown_ca", "no_server_response"] {
            #expect(summary.contains(cause), "\(cause) missing from the summary")
        }
        #expect(summary.contains("127.0.0.1:8443  SNI localhost"))
        #expect(summary.contains(" received by the filter, 0 dropped by the kernel, 0 dropped by the interface"))
        #expect(summary.contains("Saved ") && summary.contains(pcap))

        // The saved capture is complete and analyzes to the same causes.
        let analysis = try ChildProcess.run([binary, "analyze", pcap, "--format", "json", "--ca-bundle", caA] + ports)
        #expect(analysis.status == 1, "\(analysis.stderr)")
        let report = try #require(jsonObject(analysis.stdout), "analyze did not print JSON: \(analysis.stderr)")
        let connections = try #require(report["connections"] as? [[String: Any]])
        var analyzedCauses: [Int: String] = [:]
        for connection in connections {
            analyzedCauses[Self.port(connection["client"]) ?? 0] = connection["cause"] as? String
        }
        #expect(analyzedCauses == liveCauses)
    }
}

@Suite("tlsdiag live: stopping and text output, in a private network namespace",
       .enabled(if: isRoot, "needs root to create a network namespace and capture in it"),
       .enabled(if: hasNetworkNamespaces, "needs `ip netns` (iproute2) with namespace support"))
struct LiveStopTests {
    @Test("text output; --count 2 stops after the second connection")
    func countStops() throws {
        let binary = try tlsdiagBinary()
        let namespace = try NetworkNamespace()
        try withExtendedLifetime(namespace) {
            let live = try namespace.start([binary, "live", "-i", "lo", "--count", "2"])
            let banner = try #require(live.readLine(.stderr, timeout: .seconds(30)), "tlsdiag live did not start")
            #expect(banner.contains("filter \"tcp and port 443\""))
            for _ in 0..<3 {
                // Nothing listens: the kernel answers the SYN with a reset.
                let refused = try namespace.run(["curl", "-s", "--max-time", "5", "https://127.0.0.1/"])
                #expect(refused.status == 7)
            }
            let status = try #require(live.wait(timeout: .seconds(10)), "--count 2 did not stop the capture")
            let output = live.readToEnd(timeout: .seconds(5))
            #expect(status == 1)
            let blocks = lines(output.stdout).filter { $0.hasPrefix("#") }
            #expect(blocks.count == 2)
            #expect(blocks.first?.hasPrefix("#1  127.0.0.1:") == true && blocks.first?.contains("→ 127.0.0.1:443") == true)
            #expect(output.stdout.contains("    Cause tcp_refused: "))
            #expect(output.stderr.contains("stopped (--count reached)"))
            #expect(output.stderr.contains("2 × tcp_refused 127.0.0.1:443  no ClientHello"))
        }
    }

    @Test("--duration stops a quiet capture on `any`; nothing failed: exit 0")
    func durationStops() throws {
        let binary = try tlsdiagBinary()
        let namespace = try NetworkNamespace()
        try withExtendedLifetime(namespace) {
            let clock = ContinuousClock()
            let start = clock.now
            let result = try namespace.run([binary, "live", "-i", "any", "--duration", "1.5", "--format", "json"], timeout: .seconds(20))
            let elapsed = start.duration(to: clock.now)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(elapsed >= .milliseconds(1500) && elapsed < .seconds(10))
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("listening on any"))
            #expect(result.stderr.contains("stopped (--duration reached) after 1.5 s"))
            #expect(result.stderr.contains("No TLS connections seen."))
            #expect(result.stderr.contains("libpcap: 0 packets received by the filter, 0 dropped by the kernel"))
        }
    }

    @Test("an interface that is down: exit 2, one line saying so")
    func interfaceDown() throws {
        let binary = try tlsdiagBinary()
        let namespace = try NetworkNamespace()
        try withExtendedLifetime(namespace) {
            let added = try ChildProcess.run(["ip", "-n", namespace.name, "link", "add", "tlsdiag0", "type", "veth",
                                              "peer", "name", "tlsdiag1"])
            try #require(added.status == 0, "cannot make a veth pair: \(added.stderr)")
            let result = try namespace.run([binary, "live", "-i", "tlsdiag0"])
            #expect(result.status == 2)
            #expect(lines(result.stderr) == ["tlsdiag: interface tlsdiag0 is down (bring it up with `ip link set tlsdiag0 up`)"])
        }
    }
}
