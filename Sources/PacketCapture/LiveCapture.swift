import CPcap
import Glibc
import WireFormat

/// What waiting for the next live packet produced.
public enum LiveCaptureEvent {
    /// `bytes` views a buffer reused by the next call.
    case packet(CapturedPacket)
    /// Nothing arrived before the deadline.
    case timeout
    /// A signal the `SignalWatcher` watches arrived (`SIGINT`, `SIGTERM`).
    case signal(Int32)
    /// Capturing failed (the interface went away, …); one line naming the interface.
    case error(String)
}

/// Captures packets from a network interface with libpcap, without blocking past the caller's deadlines.
/// Confined to one thread; owns the `pcap_t`.
///
/// Opened in immediate mode (packets are handed over as they arrive, not when a kernel block fills), with
/// nanosecond time stamps, not promiscuous, and with the filter compiled into the kernel (BPF) so that only
/// matching packets are copied to user space. Needs root or CAP_NET_RAW; open it, and any `PcapFileWriter`,
/// before `PrivilegeDrop.drop`.
public final class LiveCapture {
    public let interface: String
    public let linkType: LinkType
    public let snapshotLength: Int
    public let filter: String?
    /// When set, its signals end `nextPacket` waits with `.signal`.
    public var signalWatcher: SignalWatcher?
    /// libpcap's activation warnings (e.g. time stamps not in nanoseconds).
    public let warnings: [String]
    /// Packets handed out so far; also the last frame number.
    public var packetsCaptured: Int { puller.packetsRead }

    private var puller: PacketPuller
    private var pollSet: [pollfd]
    private var packetsSinceSignalCheck = 0
    /// Under a steady stream `poll` is never reached, so the signal descriptor is also read every so many packets.
    private static let packetsBetweenSignalChecks = 64

    /// Opens and activates `interface`, and sets `filter` (BPF syntax, see `bpfFilter(ports:extra:)`).
    public init(interface: String, snapshotLength: Int = 262_144, bufferSize: Int = 32 << 20,
                filter: String? = nil, signalWatcher: SignalWatcher? = nil) throws(CaptureError) {
        var errorBuffer = Libpcap.errorBuffer()
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw CaptureError(code: .cannotOpen, message: "\(interface): cannot capture: \(Libpcap.string(errorBuffer))")
        }
        var warnings: [String] = []
        do throws(CaptureError) {
            pcap_set_snaplen(handle, Int32(clamping: snapshotLength))
            pcap_set_promisc(handle, 0)
            pcap_set_immediate_mode(handle, 1)
            pcap_set_buffer_size(handle, Int32(clamping: bufferSize))
            pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
            let status = pcap_activate(handle)
            if status < 0 {
                throw Self.activationError(status, interface: interface, libpcapMessage: Libpcap.lastError(handle))
            }
            if status > 0 {
                warnings.append("\(interface): \(String(cString: pcap_statustostr(status))) (\(Libpcap.lastError(handle)))")
            }
            if let filter {
                try Self.setFilter(filter, on: handle, interface: interface)
            }
            guard pcap_setnonblock(handle, 1, &errorBuffer) == 0 else {
                throw CaptureError(code: .cannotOpen, message: "\(interface): cannot capture: \(Libpcap.string(errorBuffer))")
            }
            guard pcap_get_selectable_fd(handle) >= 0 else {
                throw CaptureError(code: .cannotOpen, message: "\(interface): cannot capture: no descriptor to wait on")
            }
        } catch {
            pcap_close(handle)
            throw error
        }
        let nanosecondStamps = pcap_get_tstamp_precision(handle) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        if !nanosecondStamps {
            warnings.append("\(interface): time stamps are in microseconds (no nanosecond stamps here)")
        }
        self.puller = PacketPuller(handle: handle, nanosecondStamps: nanosecondStamps)
        self.interface = interface
        self.filter = filter
        self.signalWatcher = signalWatcher
        self.linkType = puller.linkType
        self.snapshotLength = Int(pcap_snapshot(handle))
        self.warnings = warnings
        self.pollSet = [pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0),
                        pollfd(fd: -1, events: Int16(POLLIN), revents: 0)]
    }

    deinit { pcap_close(puller.handle) }

    /// The next packet, waiting at most `timeoutMilliseconds` (negative: no deadline) for one, or for a
    /// signal of `signalWatcher`. Non-blocking libpcap plus `poll`, because on Linux `pcap_next_ex` would
    /// block until a packet comes whatever the pcap timeout says.
    public func nextPacket(timeoutMilliseconds: Int32) -> LiveCaptureEvent {
        let clock = ContinuousClock()
        let deadline = timeoutMilliseconds >= 0 ? clock.now.advanced(by: .milliseconds(timeoutMilliseconds)) : nil
        while true {
            if packetsSinceSignalCheck >= Self.packetsBetweenSignalChecks {
                packetsSinceSignalCheck = 0
                if let signal = signalWatcher?.pendingSignal() { return .signal(signal) }
            }
            switch puller.pull() {
            case .packet(let packet):
                packetsSinceSignalCheck += 1
                return .packet(packet)
            case .failed(let message):
                return .error("\(interface): capture failed: \(message)")
            case .end:
                return .error("\(interface): capture stopped")
            case .nothingYet:
                break
            }

            var waitMilliseconds: Int32 = -1
            if let deadline {
                let left = clock.now.duration(to: deadline)
                guard left > .zero else { return .timeout }
                let (seconds, attoseconds) = left.components
                waitMilliseconds = Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            }
            pollSet[1].fd = signalWatcher?.fileDescriptor ?? -1
            pollSet[0].revents = 0
            pollSet[1].revents = 0
            if poll(&pollSet, nfds_t(pollSet.count), waitMilliseconds) < 0, errno != EINTR {
                return .error("\(interface): waiting for packets failed: \(Libpcap.errnoText(errno))")
            }
            if pollSet[1].revents != 0, let signal = signalWatcher?.pendingSignal() {
                return .signal(signal)
            }
        }
    }

    /// Counters since the capture was opened (`pcap_stats`).
    public struct Statistics: Sendable, Hashable {
        /// Packets that passed the filter. On Linux loopback each packet is counted twice (libpcap hands over
        /// one copy), so this can exceed what `nextPacket` returned.
        public var received: Int
        /// Dropped because the buffer was full: the reader did not keep up.
        public var droppedByKernel: Int
        /// Dropped by the network interface or its driver.
        public var droppedByInterface: Int

        public init(received: Int, droppedByKernel: Int, droppedByInterface: Int) {
            self.received = received
            self.droppedByKernel = droppedByKernel
            self.droppedByInterface = droppedByInterface
        }
    }

    /// nil when libpcap cannot tell.
    public func statistics() -> Statistics? {
        var counters = pcap_stat()
        guard pcap_stats(puller.handle, &counters) == 0 else { return nil }
        return Statistics(received: Int(counters.ps_recv), droppedByKernel: Int(counters.ps_drop),
                          droppedByInterface: Int(counters.ps_ifdrop))
    }
}
