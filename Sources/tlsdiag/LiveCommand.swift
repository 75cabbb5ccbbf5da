import ArgumentParser
import WireFormat
import PacketCapture
import Analysis
import Reports
#if canImport(Glibc)
import Glibc
#endif

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Capture on a network interface and report each TLS handshake as it concludes.",
        discussion: """
            Needs root or CAP_NET_RAW (setcap cap_net_raw,cap_net_admin=eip tlsdiag). Once the interface \
            and the --write file are open (and the CA bundle is read), a root process switches to an \
            unprivileged user (--user, default nobody), as tcpdump -Z does: packets are never parsed as root.

            A connection is reported when its handshake is established, ends in an alert, a reset or a close, \
            or gets no answer within --handshake-timeout. Stops at --duration, after --count connections, or on \
            Ctrl-C / SIGTERM; then prints the incident summary and libpcap's drop counters to stderr.
            Exit status: 0 = no handshake failed, 1 = at least one failed, 2 = capture could not start or broke off.
            """
    )

    @Option(name: [.customShort("i"), .long], help: ArgumentHelp("The interface to capture on (`any` for all).", valueName: "IFACE"))
    var interface: String?

    @OptionGroup var portOptions: PortOptions

    @Option(name: .long, help: ArgumentHelp("An extra BPF expression, combined with the port filter by `and`.", valueName: "EXPR"))
    var filter: String?

    @Option(name: .long, help: ArgumentHelp("Also save every captured packet to this pcap file (nanosecond time stamps); `tlsdiag analyze` re-reads it.", valueName: "FILE.pcap"))
    var write: String?

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds.", valueName: "SECONDS"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Stop after reporting this many connections.", valueName: "N"))
    var count: Int?

    @Option(name: .customLong("handshake-timeout"), help: ArgumentHelp("Report a handshake that gets no answer for this long.", valueName: "SECONDS"))
    var handshakeTimeout: Int = 10

    @Option(name: .long, help: "Output: text blocks, or json (JSON Lines: one connection object per line, flushed at once).")
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("The user a root process switches to once capture is set up.", valueName: "NAME"))
    var user: String = "nobody"

    @Flag(name: .customLong("list-interfaces"), help: "List the interfaces one can capture on, and exit.")
    var listInterfaces = false

    @Option(name: .customLong("ca-bundle"), help: ArgumentHelp("Trusted roots (PEM) to judge certificate chains; default: the system bundle when present. Read before privileges are dropped.", valueName: "FILE"))
    var caBundle: String?

    func validate() throws {
        if format == .markdown {
            throw ValidationError("--format markdown is not available for live capture (use text or json)")
        }
        if !listInterfaces && interface == nil {
            throw ValidationError("missing --interface IFACE (list them with `tlsdiag live --list-interfaces`)")
        }
        if handshakeTimeout < 1 { throw ValidationError("--handshake-timeout must be at least 1 second") }
        if let duration, !(duration > 0 && duration < 1e9) { throw ValidationError("--duration must be a positive number of seconds") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if portOptions.port.contains(0) { throw ValidationError("--port 0 is not a TCP port") }
        if write == "-" { throw ValidationError("--write needs a file: standard output carries the report") }
    }

    func run() throws {
        MemoryPolicy.returnLargeBlocksWhenFreed()
        if listInterfaces {
            printOut(LiveSetup.interfaceList())
            return
        }
        guard let interface else { fail("missing --interface IFACE") }
        let setup = LiveSetup.open(interface: interface, ports: portOptions.ports, filter: filter,
                                   writePath: write, user: user, caBundle: caBundle)
        var options = AnalysisOptions()
        options.ports = portOptions.ports
        options.trustStore = setup.trustStore
        options.handshakeTimeoutSeconds = Int64(handshakeTimeout)
        options.reportEarly = true
        var session = LiveSession(capture: setup.capture, writer: setup.writer, options: options, format: format,
                                  duration: duration, count: count)
        printError("tlsdiag live: " + setup.startLine(handshakeTimeout: handshakeTimeout, format: format))
        for warning in setup.capture.warnings { printError("tlsdiag live: warning: \(warning)") }
        let status = session.run()
        // The signal watcher lives until here: once it is gone Dispatch would swallow Ctrl-C.
        withExtendedLifetime(setup.signalWatcher) {}
        throw ExitCode(status)
    }
}
