import CPcap
import Glibc
import WireFormat

extension LiveCapture {
    /// A capture device, as `pcap_findalldevs` lists it.
    public struct Interface: Sendable, Hashable {
        public var name: String
        public var description: String?
        public var isUp: Bool
        public var isRunning: Bool
        public var isLoopback: Bool
        /// False for libpcap's pseudo-devices that carry no network traffic (netfilter log and queue, D-Bus,
        /// Bluetooth and USB monitors); true for kernel network interfaces (/sys/class/net) and `any`.
        public var isNetworkDevice: Bool

        public init(name: String, description: String?, isUp: Bool, isRunning: Bool, isLoopback: Bool, isNetworkDevice: Bool) {
            self.name = name
            self.description = description
            self.isUp = isUp
            self.isRunning = isRunning
            self.isLoopback = isLoopback
            self.isNetworkDevice = isNetworkDevice
        }
    }

    /// Every device libpcap can capture on (up ones first, as libpcap orders them), including `any`.
    public static func interfaces() throws(CaptureError) -> [Interface] {
        var list: UnsafeMutablePointer<pcap_if_t>?
        var errorBuffer = Libpcap.errorBuffer()
        guard pcap_findalldevs(&list, &errorBuffer) == 0 else {
            throw CaptureError(code: .cannotOpen, message: "cannot list interfaces: \(Libpcap.string(errorBuffer))")
        }
        defer { pcap_freealldevs(list) }
        var interfaces: [Interface] = []
        var node = list
        while let device = node?.pointee {
            let flags = device.flags
            let name = String(cString: device.name)
            interfaces.append(Interface(
                name: name,
                description: device.description.map { String(cString: $0) },
                isUp: flags & UInt32(PCAP_IF_UP) != 0,
                isRunning: flags & UInt32(PCAP_IF_RUNNING) != 0,
                isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                isNetworkDevice: name == "any" || access("/sys/class/net/" + name, F_OK) == 0))
            node = device.next
        }
        return interfaces
    }

    /// The kernel filter for TLS on `ports`: `tcp and (port 443 or port 8443)`, and ` and (EXTRA)` when
    /// an extra expression is given.
    public static func bpfFilter(ports: [UInt16], extra: String?) -> String {
        var unique: [UInt16] = []
        for port in ports where !unique.contains(port) { unique.append(port) }
        var filter = switch unique.count {
        case 0: "tcp"
        case 1: "tcp and port \(unique[0])"
        default: "tcp and (" + unique.map { "port \($0)" }.joined(separator: " or ") + ")"
        }
        if let extra = extra?.trimmingSpaces(), !extra.isEmpty {
            filter += " and (\(extra))"
        }
        return filter
    }

    /// Checks a filter expression without opening a device (no privileges needed), so a typo is reported
    /// before asking for root.
    public static func validateFilter(_ expression: String, linkType: LinkType = .ethernet) throws(CaptureError) {
        guard let handle = pcap_open_dead(linkType.dlt, 262_144) else {
            throw CaptureError(code: .invalidFilter, message: "cannot check the capture filter for \(linkType.name)")
        }
        defer { pcap_close(handle) }
        var program = try compile(expression, on: handle)
        pcap_freecode(&program)
    }

    static func setFilter(_ expression: String, on handle: OpaquePointer, interface: String) throws(CaptureError) {
        var program = try compile(expression, on: handle)
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError(code: .cannotOpen,
                               message: "\(interface): cannot set the capture filter: \(Libpcap.lastError(handle))")
        }
    }

    /// Compiles (optimised) a filter for `handle`'s link type; the caller frees the program.
    private static func compile(_ expression: String, on handle: OpaquePointer) throws(CaptureError) -> bpf_program {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError(code: .invalidFilter,
                               message: "invalid capture filter \"\(expression)\": \(Libpcap.lastError(handle))")
        }
        return program
    }

    /// `eth0, any, lo; down: ifb0`: the network devices, up ones first, as libpcap lists them.
    private static func available(_ interfaces: [Interface]?) -> String {
        guard let interfaces else { return "unknown (libpcap cannot list them)" }
        let network = interfaces.filter(\.isNetworkDevice)
        let up = network.filter(\.isUp).map(\.name), down = network.filter { !$0.isUp }.map(\.name)
        var text = up.isEmpty ? "none up" : up.joined(separator: ", ")
        if !down.isEmpty { text += "; down: " + down.joined(separator: ", ") }
        return text
    }

    /// Plain words for a failed `pcap_activate`.
    static func activationError(_ status: Int32, interface: String, libpcapMessage: String) -> CaptureError {
        // Unprivileged, libpcap fails on the socket before it looks for the device: a wrong name would
        // read as a permission problem, so check the name first.
        let known = try? interfaces()
        if status == PCAP_ERROR_NO_SUCH_DEVICE
            || (status == PCAP_ERROR_PERM_DENIED && known?.contains { $0.name == interface } == false) {
            return CaptureError(code: .noSuchInterface, message: "no interface \(interface); available: \(available(known))")
        }
        switch status {
        case PCAP_ERROR_PERM_DENIED:
            return CaptureError(code: .permissionDenied, message: "\(interface): permission denied: run as root or "
                + "grant the capability: setcap cap_net_raw,cap_net_admin=eip $(command -v tlsdiag)")
        case PCAP_ERROR_IFACE_NOT_UP:
            return CaptureError(code: .interfaceDown, message: "interface \(interface) is down")
        default:
            return CaptureError(code: .cannotOpen, message: "\(interface): cannot capture: \(libpcapMessage)")
        }
    }
}
