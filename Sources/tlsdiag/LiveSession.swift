import WireFormat
import PacketCapture
import Analysis
import Diagnosis
import Reports
#if canImport(Glibc)
import Glibc
#endif

/// The capture loop of `live`: packets in, each connection out as soon as its handshake concludes, then the
/// summary. Holds no report once printed, only `LiveSummary`'s bounded counts, so memory stays flat.
struct LiveSession {
    let capture: LiveCapture
    let writer: PcapFileWriter?
    let format: ReportFormat
    let duration: Double?
    let count: Int?

    private var analyzer: Analyzer
    private var summary = LiveSummary()
    private var reported = 0
    private var packets = 0
    private var bytes = 0
    private var first: Timestamp?
    private var last: Timestamp?
    /// How often the handshake deadlines are checked, even while packets keep coming.
    private static let tickMilliseconds: Int32 = 200
    /// How often libpcap's drop counter is read, to warn while capturing rather than only at the end.
    private static let dropCheckInterval = Duration.seconds(5)
    private var droppedSoFar = 0

    enum Stop {
        case signal(Int32), duration, count, outputClosed
        case captureFailed(String), writeFailed(String)
    }

    init(capture: LiveCapture, writer: PcapFileWriter?, options: AnalysisOptions, format: ReportFormat,
         duration: Double?, count: Int?) {
        self.capture = capture
        self.writer = writer
        self.format = format
        self.duration = duration
        self.count = count
        self.analyzer = Analyzer(options: options)
    }

    /// Captures until a stop condition, prints the summary; returns the exit status.
    mutating func run() -> Int32 {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = duration.map { started.advanced(by: .milliseconds(Int64(($0 * 1000).rounded(.up)))) }
        var nextTick = started
        var nextDropCheck = started.advanced(by: Self.dropCheckInterval)
        var stop: Stop?
        while stop == nil {
            var wait = Self.tickMilliseconds
            if let deadline {
                let left = clock.now.duration(to: deadline)
                if left <= .zero { stop = .duration; break }
                wait = min(wait, Self.milliseconds(left))
            }
            stop = receive(capture.nextPacket(timeoutMilliseconds: wait))
            if clock.now >= nextTick {
                nextTick = clock.now.advanced(by: .milliseconds(Int64(Self.tickMilliseconds)))
                analyzer.advanceTime(to: Self.wallClock())
            }
            if clock.now >= nextDropCheck {
                nextDropCheck = clock.now.advanced(by: Self.dropCheckInterval)
                warnAboutNewDrops()
            }
            if let ended = emit(analyzer.takeConcluded()) { stop = stop ?? ended }
        }
        let reason = stop ?? .duration
        finish(reason, elapsed: started.duration(to: clock.now))
        switch reason {
        case .captureFailed, .writeFailed: return 2
        default: return summary.failed > 0 ? 1 : 0
        }
    }

    /// One capture event: a packet is saved and analyzed; a signal or an error stops the capture.
    private mutating func receive(_ event: LiveCaptureEvent) -> Stop? {
        switch event {
        case .packet(let packet):
            if let writer {
                do throws(CaptureError) { try writer.write(packet) } catch { return .writeFailed(error.message) }
            }
            packets += 1
            bytes += packet.bytes.count
            if first == nil { first = packet.timestamp }
            last = packet.timestamp
            analyzer.process(packet)
            return nil
        case .timeout:
            return nil
        case .signal(let signal):
            return .signal(signal)
        case .error(let message):
            return .captureFailed(message)
        }
    }

    /// Drops happen under load, when the verdicts matter most: say so at once, on stderr.
    private mutating func warnAboutNewDrops() {
        guard let dropped = capture.statistics()?.droppedByKernel, dropped > droppedSoFar else { return }
        printError("tlsdiag live: WARNING: the kernel dropped \(CountText.plural(dropped - droppedSoFar, "packet")) "
                   + "in the last seconds (\(CountText.grouped(dropped)) in all): tlsdiag is not keeping up; "
                   + "verdicts may be wrong")
        droppedSoFar = dropped
    }

    /// Prints concluded connections; a stop when `--count` is reached or nobody reads the output any more.
    private mutating func emit(_ concluded: [ConnectionReport]) -> Stop? {
        for report in concluded {
            if let count, reported >= count { return .count }
            reported += 1
            summary.add(report)
            let text = format == .json
                ? ReportRenderer.jsonLine(report) + "\n"
                : ReportRenderer.textBlock(report) + (report.failed ? "\n\n" : "\n")
            guard Terminal.write(text, to: STDOUT_FILENO) else { return .outputClosed }
        }
        if let count, reported >= count { return .count }
        return nil
    }

    /// After the loop: connections still mid-handshake are judged as they stand (unless `--count` ended the
    /// capture), the file is closed, and the summary and libpcap's counters go to stderr.
    private mutating func finish(_ stop: Stop, elapsed: Duration) {
        let statistics = capture.statistics()
        let captureSummary = CaptureSummary(file: capture.interface, format: "pcap", linkType: capture.linkType,
                                            packets: packets, bytes: bytes, firstPacket: first, lastPacket: last)
        let final = analyzer.finish(capture: captureSummary)
        var output = true
        if case .count = stop { output = false }
        if case .outputClosed = stop { output = false }
        if output {
            // finish numbers them 1, 2, ... by first packet; live ids continue after the reported ones.
            let open = final.connections.map { report in
                var report = report
                report.id += reported
                return report
            }
            _ = emit(open)
        }
        var fileError: String?
        do throws(CaptureError) { try writer?.close() } catch { fileError = error.message }

        var lines = [""]
        lines.append("tlsdiag live: stopped (\(Self.reason(stop))) after \(Self.seconds(elapsed)) · "
                     + "\(capture.interface) · \(CountText.plural(packets, "packet")) captured (\(CountText.byteCount(bytes)))")
        lines += summary.textLines()
        for warning in final.capture.warnings { lines.append("Warning: \(TerminalText.escape(warning))") }
        if let writer {
            lines.append("Saved \(CountText.plural(writer.packetsWritten, "packet")) to \(TerminalText.escape(writer.path)); "
                         + "`tlsdiag analyze \(TerminalText.escape(writer.path))` re-reads them.")
        }
        lines += Self.dropLines(statistics)
        switch stop {
        case .captureFailed(let message), .writeFailed(let message): lines.append("tlsdiag: \(message)")
        default: break
        }
        if let fileError { lines.append("tlsdiag: \(fileError)") }
        printError(lines.joined(separator: "\n"))
    }

    /// libpcap's counters; a kernel drop is shouted: the verdicts may rest on missing packets.
    static func dropLines(_ statistics: LiveCapture.Statistics?) -> [String] {
        guard let statistics else { return ["libpcap: no packet counters available (drops unknown)"] }
        var lines = ["libpcap: \(CountText.plural(statistics.received, "packet")) received by the filter, "
                     + "\(CountText.grouped(statistics.droppedByKernel)) dropped by the kernel, "
                     + "\(CountText.grouped(statistics.droppedByInterface)) dropped by the interface"]
        if statistics.droppedByKernel > 0 {
            let dropped = statistics.droppedByKernel
            lines.append("WARNING: THE KERNEL DROPPED \(CountText.plural(dropped, "PACKET")): "
                         + "tlsdiag did not keep up, so some connections may be missing or misjudged "
                         + "(narrow the capture with --port or --filter).")
        }
        if statistics.droppedByInterface > 0 {
            lines.append("WARNING: the interface dropped \(CountText.plural(statistics.droppedByInterface, "packet")) "
                         + "before capture.")
        }
        return lines
    }

    static func reason(_ stop: Stop) -> String {
        switch stop {
        case .signal(let signal): signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        case .duration: "--duration reached"
        case .count: "--count reached"
        case .outputClosed: "standard output closed"
        case .captureFailed: "capture failed"
        case .writeFailed: "cannot write the capture file"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds).\(attoseconds / 100_000_000_000_000_000) s"
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// Capture time for deadlines: packets are stamped with the wall clock.
    static func wallClock() -> Timestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Timestamp(seconds: Int64(now.tv_sec), nanoseconds: UInt32(clamping: now.tv_nsec))
    }
}
