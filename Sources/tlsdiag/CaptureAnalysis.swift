import WireFormat
import PacketCapture
import Analysis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a capture file to the end through the analyzer.
enum CaptureAnalysis {
    /// Files above this size show a progress line on a terminal.
    static let progressThreshold = 100 << 20

    /// Files above this size are analyzed on every core (connections sharded across workers).
    static let shardingThreshold = 64 << 20

    static func run(reader: CaptureFileReader, options: AnalysisOptions, showProgress: Bool) -> AnalysisReport {
        let fileSize = Self.fileSize(reader.path)
        let workers = workerCount(fileSize: fileSize)
        let progress = showProgress && fileSize > progressThreshold ? ProgressLine(total: fileSize) : nil
        if workers > 1 {
            var analyzer = ShardedAnalyzer(options: options, workers: workers)
            return read(reader, progress: progress, into: &analyzer)
        }
        var analyzer = Analyzer(options: options)
        return read(reader, progress: progress, into: &analyzer)
    }

    /// Every packet of the file through the analyzer, then the capture's summary. Generic, so that each
    /// analyzer gets its own copy whose per-packet closure calls the analyzer directly (a closure passed in to
    /// call through cost two calls and a context more per packet).
    private static func read<A: CaptureAnalyzer>(_ reader: CaptureFileReader, progress: ProgressLine?,
                                                 into analyzer: inout A) -> AnalysisReport {
        var progress = progress
        var tally = CaptureTally()
        reader.forEachPacket { packet, bytes in
            tally.count(packet, bytes: bytes)
            analyzer.process(packet, bytes: bytes)
            if tally.packets & 0xffff == 0 {
                progress?.update(bytesRead: tally.bytes + tally.packets * 16, packets: tally.packets)
            }
        }
        progress?.finish()
        return analyzer.finish(capture: tally.summary(file: reader.path, format: reader.format,
                                                      linkType: reader.linkType, warnings: reader.warnings))
    }

    /// One worker per core for large files, else one. `TLSDIAG_THREADS=N` overrides (benchmarks, tests).
    static func workerCount(fileSize: Int) -> Int {
        if let text = getenv("TLSDIAG_THREADS").map({ String(cString: $0) }), let count = Int(text), count >= 1 {
            return min(count, 64)
        }
        guard fileSize > shardingThreshold else { return 1 }
        return min(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))), 8)
    }

    static func fileSize(_ path: String) -> Int {
        var info = stat()
        guard path != "-", stat(path, &info) == 0 else { return 0 }
        return Int(info.st_size)
    }
}

/// What `CaptureAnalysis` feeds a file's packets to: one analyzer, or one spreading them over workers.
protocol CaptureAnalyzer {
    mutating func process(_ packet: CapturedPacket.Header, bytes: RawSpan)
    mutating func finish(capture: CaptureSummary) -> AnalysisReport
}

extension Analyzer: CaptureAnalyzer {}
extension ShardedAnalyzer: CaptureAnalyzer {}

/// `reading incident.pcap: 412 MB of 1.2 GB (34%), 1,234,567 packets, 850 MB/s` on stderr, rewritten in place.
struct ProgressLine {
    let total: Int
    let start = ProgressLine.now()
    var lastDraw = 0.0

    init(total: Int) { self.total = total }

    mutating func update(bytesRead: Int, packets: Int) {
        let now = ProgressLine.now()
        guard now - lastDraw >= 0.25 else { return }
        lastDraw = now
        let rate = Double(bytesRead) / max(now - start, 0.001) / 1e6
        let percent = total > 0 ? min(100, bytesRead * 100 / total) : 0
        Terminal.write("\r\u{1b}[Kreading: \(bytesRead >> 20) MB of \(total >> 20) MB (\(percent)%), \(packets) packets, \(Int(rate)) MB/s", to: STDERR_FILENO)
    }

    func finish() {
        Terminal.write("\r\u{1b}[K", to: STDERR_FILENO)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
