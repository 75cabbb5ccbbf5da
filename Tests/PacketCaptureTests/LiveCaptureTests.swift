import Glibc
import PacketCapture
import Testing
import WireFormat

let isRoot = geteuid() == 0
let needsRoot: Comment = "needs root (or CAP_NET_RAW) to open a capture device"

@Suite("Live capture: filters and interfaces")
struct LiveCaptureSetupTests {
    @Test("BPF filter for the chosen ports", arguments: [
        ([UInt16](), nil as String?, "tcp"),
        ([443], nil, "tcp and port 443"),
        ([443, 8443], nil, "tcp and (port 443 or port 8443)"),
        ([443, 8443, 443], "  ", "tcp and (port 443 or port 8443)"),
        ([443], "host 10.0.0.1 or host 10.0.0.2", "tcp and port 443 and (host 10.0.0.1 or host 10.0.0.2)"),
    ])
    func bpfFilter(ports: [UInt16], extra: String?, expected: String) throws {
        let filter = LiveCapture.bpfFilter(ports: ports, extra: extra)
        #expect(filter == expected)
        try LiveCapture.validateFilter(filter)
    }

    @Test("a bad filter expression is reported with libpcap's words, without privileges", arguments: [
        ("tcp and (port 443", "can't parse filter expression: syntax error"),
        ("tcp and port 99999", "illegal port number 99999 > 65535"),
        ("tcp and port 443 or hots 10.0.0.1", "unknown port 'hots'"),
    ])
    func badFilter(expression: String, libpcapMessage: String) {
        let error = #expect(throws: CaptureError.self) { try LiveCapture.validateFilter(expression) }
        #expect(error == CaptureError(code: .invalidFilter, message: "invalid capture filter \"\(expression)\": \(libpcapMessage)"))
    }

    @Test("the interface list has the loopback device")
    func interfaces() throws {
        let interfaces = try LiveCapture.interfaces()
        let loopback = try #require(interfaces.first { $0.name == "lo" })
        #expect(loopback.isLoopback)
        #expect(loopback.isUp)
        #expect(interfaces.contains { $0.name == "any" })
    }

    @Test("an unknown interface names the network devices there are")
    func noSuchInterface() throws {
        let error = #expect(throws: CaptureError.self) { try LiveCapture(interface: "tlsdiag-nope0") }
        #expect(error?.code == .noSuchInterface)
        #expect(error == CaptureError(code: .noSuchInterface, message: "no interface tlsdiag-nope0; available: \(Self.expectedList)"))
        #expect(Self.expectedList.contains("lo"))
    }

    /// `eth0, any, lo; down: ifb0`, from /sys/class/net rather than from the code under test.
    static var expectedList: String {
        let network = ((try? LiveCapture.interfaces()) ?? []).filter { $0.name == "any" || isKernelInterface($0.name) }
        let up = network.filter { $0.name == "any" || !isDown($0.name) }.map(\.name)
        let down = network.filter { $0.name != "any" && isDown($0.name) }.map(\.name)
        return up.joined(separator: ", ") + (down.isEmpty ? "" : "; down: " + down.joined(separator: ", "))
    }

    static func isKernelInterface(_ name: String) -> Bool { access("/sys/class/net/\(name)", F_OK) == 0 }

    /// IFF_UP (0x1) clear in /sys/class/net/NAME/flags.
    static func isDown(_ name: String) -> Bool {
        guard let flags = try? readFile("/sys/class/net/\(name)/flags") else { return false }
        let text = String(decoding: flags, as: UTF8.self).filter { !$0.isWhitespace }
        return UInt32(text.dropFirst(2), radix: 16).map { $0 & 1 == 0 } ?? false
    }

    /// A real network device that is down, e.g. an ifb device.
    static let downInterface = ((try? LiveCapture.interfaces()) ?? []).map(\.name).first { isKernelInterface($0) && isDown($0) }

    @Test("a down interface says so", .enabled(if: isRoot && downInterface != nil, "needs root and a network interface that is down"))
    func interfaceDown() throws {
        let down = try #require(Self.downInterface)
        let error = #expect(throws: CaptureError.self) { try LiveCapture(interface: down) }
        #expect(error == CaptureError(code: .interfaceDown, message: "interface \(down) is down"))
    }

    @Test("a bad filter on a live device", .enabled(if: isRoot, needsRoot))
    func badFilterLive() {
        let error = #expect(throws: CaptureError.self) { try LiveCapture(interface: "lo", filter: "tcp port") }
        #expect(error?.code == .invalidFilter)
        #expect(error?.message == "invalid capture filter \"tcp port\": can't parse filter expression: syntax error")
    }
}

@Suite("Live capture on loopback", .enabled(if: isRoot, needsRoot))
struct LiveLoopbackTests {
    /// connect() to a closed port on 127.0.0.1: the kernel answers the SYN with a RST.
    static func knock(port: UInt16, times: Int) {
        for _ in 0..<times {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            close(descriptor)
        }
    }

    static func randomPort() -> UInt16 { UInt16.random(in: 40_000...60_000) }

    /// TCP ports and flags of an IPv4 packet on Linux loopback (Ethernet framing with zero addresses).
    static func tcp(_ bytes: [UInt8]) -> (source: UInt16, destination: UInt16, flags: UInt8)? {
        guard bytes.count >= 14 + 20, bytes[12] == 0x08, bytes[13] == 0x00, bytes[14 + 9] == 6 else { return nil }
        let tcp = 14 + Int(bytes[14] & 0x0f) * 4
        guard bytes.count >= tcp + 14 else { return nil }
        return (UInt16(bytes[tcp]) << 8 | UInt16(bytes[tcp + 1]), UInt16(bytes[tcp + 2]) << 8 | UInt16(bytes[tcp + 3]), bytes[tcp + 13])
    }

    @Test("SYN and RST to a closed port are captured with nanosecond stamps, and written to a file")
    func captureLoopback() throws {
        let port = Self.randomPort()
        let capture = try LiveCapture(interface: "lo", filter: LiveCapture.bpfFilter(ports: [port], extra: nil))
        #expect(capture.linkType == .ethernet)
        #expect(capture.snapshotLength == 262_144)
        #expect(capture.warnings.isEmpty)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        Self.knock(port: port, times: 3)

        let directory = try TemporaryDirectory()
        let writer = try PcapFileWriter(path: directory.file("live.pcap"), linkType: capture.linkType)
        var packets: [(timestamp: Timestamp, bytes: [UInt8])] = []
        while packets.count < 6, case .packet(let packet) = capture.nextPacket(timeoutMilliseconds: 2000) {
            #expect(packet.frameNumber == packets.count + 1)
            packets.append((packet.timestamp, Array(packet.bytes)))
            try writer.write(packet)
        }
        #expect(packets.count == 6)
        let segments = packets.compactMap { Self.tcp($0.bytes) }
        #expect(segments.count == packets.count)
        #expect(segments.filter { $0.destination == port && $0.flags & 0x02 != 0 }.count == 3)  // SYN
        #expect(segments.filter { $0.source == port && $0.flags & 0x04 != 0 }.count == 3)       // RST
        #expect(packets.allSatisfy { $0.timestamp.seconds >= Int64(now.tv_sec) - 1 && $0.timestamp.seconds <= Int64(now.tv_sec) + 10 })
        // Microsecond stamps would all end in 000; six packets ending so by chance: about 1e-18.
        #expect(packets.contains { $0.timestamp.nanoseconds % 1000 != 0 })
        let statistics = try #require(capture.statistics())
        #expect(statistics.received >= 6)

        // What was written reads back the same (the file is complete without close: flushed per packet).
        let reader = try CaptureFileReader(path: directory.file("live.pcap"))
        let written = readAll(reader)
        #expect(written.packets.map(\.timestamp) == packets.map(\.timestamp))
        #expect(written.packets.map(\.bytes) == packets.map(\.bytes))
    }

    @Test("no traffic: the wait ends at the deadline, sleeping rather than spinning")
    func timeout() throws {
        let watcher = try LiveCapture.SignalWatcher(signals: [], ignoringBrokenPipe: false)
        let capture = try LiveCapture(interface: "lo", filter: LiveCapture.bpfFilter(ports: [Self.randomPort()], extra: nil),
                                      signalWatcher: watcher)
        let clock = ContinuousClock()
        let start = clock.now
        let cpuBefore = threadCPUNanoseconds()
        guard case .timeout = capture.nextPacket(timeoutMilliseconds: 150) else {
            Issue.record("expected a timeout")
            return
        }
        let waited = start.duration(to: clock.now)
        #expect(waited >= .milliseconds(150))
        #expect(waited < .seconds(2))
        #expect(threadCPUNanoseconds() - cpuBefore < 20_000_000)  // a spinning loop burns most of the 150 ms
    }

    func threadCPUNanoseconds() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_nsec)
    }

    @Test("a watched signal ends the wait at once")
    func signalEndsWait() throws {
        let watcher = try LiveCapture.SignalWatcher(signals: [SIGUSR1], ignoringBrokenPipe: false)
        let capture = try LiveCapture(interface: "lo", filter: LiveCapture.bpfFilter(ports: [Self.randomPort()], extra: nil),
                                      signalWatcher: watcher)
        kill(getpid(), SIGUSR1)
        let clock = ContinuousClock()
        let start = clock.now
        guard case .signal(let signal) = capture.nextPacket(timeoutMilliseconds: 5000) else {
            Issue.record("expected a signal")
            return
        }
        #expect(signal == SIGUSR1)
        #expect(start.duration(to: clock.now) < .seconds(1))
    }

    @Test("a signal is seen while packets keep coming")
    func signalDuringTraffic() throws {
        let port = Self.randomPort()
        let watcher = try LiveCapture.SignalWatcher(signals: [SIGUSR2], ignoringBrokenPipe: false)
        let capture = try LiveCapture(interface: "lo", filter: LiveCapture.bpfFilter(ports: [port], extra: nil), signalWatcher: watcher)
        Self.knock(port: port, times: 100)
        kill(getpid(), SIGUSR2)
        usleep(100_000)  // Dispatch hands the signal over asynchronously
        var packets = 0
        var signal: Int32?
        loop: while true {
            switch capture.nextPacket(timeoutMilliseconds: 2000) {
            case .packet: packets += 1
            case .signal(let number): signal = number; break loop
            case .timeout, .error: break loop
            }
        }
        #expect(signal == SIGUSR2)
        #expect(packets <= 64)  // checked every 64 packets, not only when idle
    }
}

/// Each test uses its own signal: a process signal reaches every watcher of it. Process-directed (kill),
/// because that is what Ctrl-C and `kill` send; the watcher must get it whichever thread the kernel picks.
@Suite("Signals and privileges")
struct SignalAndPrivilegeTests {
    static func waitForSignal(_ watcher: LiveCapture.SignalWatcher) -> Int32? {
        var descriptor = pollfd(fd: watcher.fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 2000) == 1 else { return nil }
        return watcher.pendingSignal()
    }

    @Test("a process signal is reported once, and the process lives on")
    func watcher() throws {
        let watcher = try LiveCapture.SignalWatcher(signals: [SIGVTALRM], ignoringBrokenPipe: false)
        #expect(watcher.signals == [SIGVTALRM])
        #expect(watcher.pendingSignal() == nil)
        kill(getpid(), SIGVTALRM)
        #expect(Self.waitForSignal(watcher) == SIGVTALRM)
        #expect(watcher.pendingSignal() == nil)
    }

    @Test("with nothing to report, the descriptor stays quiet")
    func quiet() throws {
        let watcher = try LiveCapture.SignalWatcher(signals: [], ignoringBrokenPipe: false)
        #expect(watcher.signals.isEmpty)
        var descriptor = pollfd(fd: watcher.fileDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 50) == 0)
    }

    @Test("a broken pipe is an EPIPE error while the watcher lives; SIGPIPE and fault signals are not watched")
    func brokenPipe() throws {
        var before = sigaction()
        sigaction(SIGPIPE, nil, &before)
        do {
            let watcher = try LiveCapture.SignalWatcher(signals: [SIGPIPE, SIGSEGV, SIGXFSZ], ignoringBrokenPipe: true)
            #expect(watcher.signals == [SIGXFSZ])
            var ends: [Int32] = [-1, -1]
            try #require(pipe(&ends) == 0)
            close(ends[0])
            defer { close(ends[1]) }
            var byte: UInt8 = 0
            #expect(write(ends[1], &byte, 1) == -1)
            #expect(errno == EPIPE)
        }
        var after = sigaction()
        sigaction(SIGPIPE, nil, &after)
        #expect(unsafeBitCast(after.__sigaction_handler.sa_handler, to: Int.self)
            == unsafeBitCast(before.__sigaction_handler.sa_handler, to: Int.self))
    }

    @Test("a signal the shell set to ignore stays ignored")
    func ignoredSignal() throws {
        // SIGHUP: no other test uses it, and the disposition is process-wide.
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        let watcher = try LiveCapture.SignalWatcher(signals: [SIGWINCH, SIGHUP], ignoringBrokenPipe: false)
        #expect(watcher.signals == [SIGWINCH])
    }

    @Test("not root: dropping privileges is a no-op that says so", .enabled(if: !isRoot, "runs as root here; see the child-process test"))
    func notRoot() throws {
        #expect(try PrivilegeDrop.drop() == .notRoot(euid: geteuid()))
    }

    @Test("as root: a child drops to nobody, keeps its open capture file, and cannot become root again",
          .enabled(if: isRoot, "needs root to drop privileges"))
    func dropInChild() throws {
        #expect(PrivilegeDrop.currentUserDescription == "root (uid 0, gid 0)")
        let directory = try TemporaryDirectory()  // mode 0700, owned by root
        let secret = directory.file("secret.pcap")
        try writeFile(secret, pcapFileHeader(nanoseconds: false))
        let output = directory.file("written.pcap")
        let packet = PcapFileWriterTests.packets[0]

        let child = fork()
        if child == 0 { _exit(Self.childChecks(secret: secret, output: output, packet: packet)) }
        var status: Int32 = 0
        waitpid(child, &status, 0)
        #expect(status & 0x7f == 0, "the child died of signal \(status & 0x7f)")
        #expect((status >> 8) & 0xff == 0, "the child failed check \((status >> 8) & 0xff)")

        let written = readAll(try CaptureFileReader(path: output))
        #expect(written.packets.count == 1)
        #expect(written.packets.first?.timestamp == packet.timestamp)
    }

    /// Runs in the forked child; the exit status is the number of the first failed check.
    static func childChecks(secret: String, output: String, packet: CapturedPacket) -> Int32 {
        guard let writer = try? PcapFileWriter(path: output, linkType: .ethernet) else { return 1 }
        guard case .dropped(user: "nobody", let uid, let gid)? = try? PrivilegeDrop.drop() else { return 2 }
        guard getuid() == uid, geteuid() == uid, getgid() == gid, getegid() == gid, uid != 0 else { return 3 }
        guard setuid(0) != 0 else { return 4 }
        var groups = [gid_t](repeating: 0, count: 8)
        guard getgroups(8, &groups) == 1, groups[0] == gid else { return 5 }
        do {
            _ = try CaptureFileReader(path: secret)
            return 6
        } catch {
            guard error == CaptureError(code: .cannotOpen, message: "\(secret): permission denied (cannot read the file)") else { return 7 }
        }
        guard (try? writer.write(packet)) != nil, (try? writer.close()) != nil else { return 8 }
        guard PrivilegeDrop.currentUserDescription == "nobody (uid \(uid), gid \(gid))" else { return 9 }
        guard (try? PrivilegeDrop.drop()) == .notRoot(euid: uid) else { return 10 }
        // Unprivileged, libpcap fails on the socket before it looks at the name; the name is checked anyway.
        do {
            _ = try LiveCapture(interface: "lo")
            return 11
        } catch {
            let expected = "lo: permission denied: run as root or grant the capability: "
                + "setcap cap_net_raw,cap_net_admin=eip $(command -v tlsdiag)"
            guard error == CaptureError(code: .permissionDenied, message: expected) else { return 12 }
        }
        do {
            _ = try LiveCapture(interface: "tlsdiag-nope0")
            return 13
        } catch {
            guard error.code == .noSuchInterface else { return 14 }
        }
        return 0
    }
}
