import WireFormat
import PacketCapture
import CertificateAnalysis
import Reports
#if canImport(Glibc)
import Glibc
#endif

/// Everything `live` opens with privileges, in the order that keeps the privileged part short: the signal
/// watcher (before anything can be interrupted), the CA bundle, the device, the `--write` file; then root
/// is given up. Any failure is one line on stderr and exit status 2.
struct LiveSetup {
    let signalWatcher: LiveCapture.SignalWatcher
    let capture: LiveCapture
    let writer: PcapFileWriter?
    let trustStore: TrustStore?
    let privileges: PrivilegeDrop.Outcome

    static func open(interface: String, ports: Set<UInt16>, filter extra: String?, writePath: String?,
                     user: String, caBundle: String?) -> LiveSetup {
        let filter = LiveCapture.bpfFilter(ports: ports.sorted(), extra: extra)
        // A typo in --filter is reported before any privilege question; `any` captures Linux cooked frames.
        do {
            try LiveCapture.validateFilter(filter, linkType: interface == "any" ? .linuxSLL : .ethernet)
        } catch {
            fail(error.message)
        }
        if let known = try? LiveCapture.interfaces(), let device = known.first(where: { $0.name == interface }),
           interface != "any", !device.isUp {
            fail("interface \(interface) is down (bring it up with `ip link set \(interface) up`)")
        }
        let watcher: LiveCapture.SignalWatcher
        let capture: LiveCapture
        let writer: PcapFileWriter?
        let trustStore: TrustStore?
        let privileges: PrivilegeDrop.Outcome
        do {
            watcher = try LiveCapture.SignalWatcher()
            trustStore = try TrustStoreLoader.load(explicitPath: caBundle)
            capture = try LiveCapture(interface: interface, filter: filter, signalWatcher: watcher)
            if let writePath {
                writer = try PcapFileWriter(path: writePath, linkType: capture.linkType,
                                            snapshotLength: capture.snapshotLength)
            } else {
                writer = nil
            }
            privileges = try PrivilegeDrop.drop(toUser: user)
        } catch let error as CaptureError {
            fail(error.message)
        } catch {
            fail("\(error)")
        }
        return LiveSetup(signalWatcher: watcher, capture: capture, writer: writer, trustStore: trustStore,
                         privileges: privileges)
    }

    /// `listening on lo (Ethernet), filter "tcp and port 443", handshake timeout 10 s; running as nobody (uid 65534, gid 65534); ...`
    func startLine(handshakeTimeout: Int, format: ReportFormat) -> String {
        var parts = ["listening on \(capture.interface) (\(capture.linkType.name))",
                     "filter \"\(capture.filter ?? "")\"", "handshake timeout \(handshakeTimeout) s"]
        var line = parts.joined(separator: ", ")
        parts = []
        switch privileges {
        case .dropped:
            parts.append("privileges dropped: running as \(PrivilegeDrop.currentUserDescription)")
        case .notRoot:
            parts.append("running as \(PrivilegeDrop.currentUserDescription)")
        }
        if let writer { parts.append("saving packets to \(writer.path)") }
        parts.append(trustStore.map { "trust judged against \($0.source)" } ?? "trust not judged (no CA bundle)")
        parts.append("Ctrl-C stops")
        line += "; " + parts.joined(separator: "; ")
        return line
    }

    /// `tlsdiag live --list-interfaces`: network devices, up ones first, then libpcap's other devices.
    static func interfaceList() -> String {
        let interfaces: [LiveCapture.Interface]
        do {
            interfaces = try LiveCapture.interfaces()
        } catch {
            fail(error.message)
        }
        let network = interfaces.filter(\.isNetworkDevice)
        let ordered = network.filter(\.isUp) + network.filter { !$0.isUp }
        let width = ordered.map(\.name.count).max() ?? 0
        var lines: [String] = []
        for device in ordered {
            var state = [device.isUp ? "up" : "down"]
            if device.isUp && !device.isRunning { state.append("no carrier") }
            if device.isLoopback { state.append("loopback") }
            var line = TerminalText.escape(device.name) + String(repeating: " ", count: width - device.name.count + 2)
                + state.joined(separator: ", ")
            if let description = device.description { line += "  (\(TerminalText.escape(description)))" }
            lines.append(line)
        }
        if lines.isEmpty { lines.append("no network interfaces found") }
        return lines.joined(separator: "\n") + "\n"
    }
}
