import WireFormat
import PacketDecoding
import StreamReassembly
import Diagnosis
import Dispatch
import Synchronization

/// The offline analysis on several cores: `workerCount` analyzers, each on its own thread, each given the
/// connections whose address/port pair hashes to it. The report is the one a single `Analyzer` gives (same
/// connections, order, numbers, findings and warnings).
///
/// Use from one thread: `process` every packet in capture order, then `finish`. Packets are copied into batches
/// (about 256 KB) that reach each worker through a queue of at most four batches, so memory stays bounded and
/// the reading thread waits when the workers fall behind.
///
/// Identical to one analyzer while no memory limit is reached: the caps on connections held and on out-of-order
/// bytes buffered in total (`ReassemblyLimits`) are shared out among the workers, so when a cap is reached the
/// connection let go (or the bytes skipped) may differ. Reports held in memory (`maxResidentReports`) are shared
/// out too; where a report waits changes nothing in it.
@available(macOS 15.0, *)
public final class ShardedAnalyzer {
    public let options: AnalysisOptions
    public let workerCount: Int
    // Touched once or twice per packet, from one thread only (the class is not Sendable and nothing of it
    // escapes): no dynamic exclusivity checks.
    /// Every packet is counted here (snap-length cuts, undecodable frames): the workers only see TCP.
    @exclusivity(unchecked) private var counters = PacketCounters()
    /// Capture time as far as the TCP packets have told it (what each worker's reassembler would have seen).
    @exclusivity(unchecked) private var clock: Timestamp?
    @exclusivity(unchecked) private var pending: [PacketBatch]
    @exclusivity(unchecked) private var scratch = PacketScratch()
    private let workers: [ShardWorker]
    private var finished = false

    static let batchBytes = 256 << 10
    static let batchPackets = 4096
    static let queueDepth = 4

    public init(options: AnalysisOptions, workers: Int) {
        let count = max(1, workers)
        self.options = options
        self.workerCount = count
        var shardOptions = options
        shardOptions.reassemblyLimits.maxConnections = max(1, options.reassemblyLimits.maxConnections / count)
        shardOptions.reassemblyLimits.maxBufferedBytesTotal = max(1, options.reassemblyLimits.maxBufferedBytesTotal / count)
        shardOptions.maxResidentReports = options.maxResidentReports / count
        shardOptions.maxResidentReportBytes = options.maxResidentReportBytes / count
        self.workers = (0..<count).map { index in ShardWorker(options: shardOptions, index: index) }
        self.pending = Array(repeating: PacketBatch(), count: count)
        for worker in self.workers { worker.start() }
    }

    deinit {
        if !finished { _ = collect() }
    }

    /// Feeds one captured packet, in capture order.
    public func process(_ packet: CapturedPacket) {
        process(packet.header, bytes: packet.bytes.span.bytes)
    }

    /// Feeds one captured packet whose bytes are lent for the call, in capture order (they are copied into
    /// the batch of the worker they go to).
    public func process(_ packet: CapturedPacket.Header, bytes: RawSpan) {
        counters.count(packet, bytes: bytes)
        let shard: Int
        // Read in place; a frame off the fast path is copied for the layered decoder.
        let endpoints = PacketDecoder.commonTCPEndpoints(bytes, linkType: packet.linkType).map { .tcp($0.0, $0.1) }
            ?? PacketDecoder.endpoints(scratch.copyAll(bytes), linkType: packet.linkType)
        switch endpoints {
        case .tcp(let source, let destination):
            shard = Self.shard(source, destination, of: workerCount)
        case .other(.malformed(let reason)):
            counters.malformed(reason, frame: packet.frameNumber)
            return
        case .other(.unsupportedLinkType(let type)):
            counters.unsupported(type)
            return
        case .other:
            return
        }
        pending[shard].append(packet, bytes: bytes, clockBefore: clock)
        if clock.map({ $0 < packet.timestamp }) ?? true { clock = packet.timestamp }
        if pending[shard].bytes.count >= Self.batchBytes || pending[shard].packets.count >= Self.batchPackets {
            send(shard)
        }
    }

    /// Ends the analysis: every open connection is judged as of the capture's end.
    public func finish(capture: CaptureSummary) -> AnalysisReport {
        let results = collect()
        var listings: [ConnectionListBuilder.Part] = []
        var unlisted = ConnectionCounts()
        var statistics = ReassemblyStatistics()
        for result in results {
            listings.append(result.listing)
            unlisted = unlisted + result.unlisted
            statistics.add(result.statistics)
        }
        return Analyzer.assemble(capture: capture, listings: listings, unlisted: unlisted,
                                 packetWarnings: counters.warnings, statistics: statistics, options: options)
    }

    /// Sends what is pending, ends every worker's input and waits for their results.
    private func collect() -> [Analyzer.ShardResult] {
        finished = true
        for index in workers.indices {
            if !pending[index].packets.isEmpty { send(index) }
            workers[index].queue.close()
        }
        return workers.map { $0.result() }
    }

    private func send(_ shard: Int) {
        // An emptied batch the worker handed back, or a new one: its buffers are reused, not reallocated.
        var batch = workers[shard].spare() ?? PacketBatch()
        batch.reserve(bytes: pending[shard].bytes.count, packets: pending[shard].packets.count)
        swap(&batch, &pending[shard])
        workers[shard].queue.put(batch)
    }

    /// Both directions of a connection go to the same worker: the endpoints' hashes are combined symmetrically.
    /// A fixed mix (not `Hasher`, which is seeded per process) keeps the split the same from run to run.
    static func shard(_ x: Endpoint, _ y: Endpoint, of count: Int) -> Int {
        func mix(_ endpoint: Endpoint) -> UInt64 {
            var h = endpoint.address.low &* 0x9E37_79B9_7F4A_7C15
            h ^= endpoint.address.high &* 0xC2B2_AE3D_27D4_EB4F
            h ^= UInt64(endpoint.port) &* 0x1656_67B1_9E37_79F9
            h ^= h >> 29
            return h &* 0xBF58_476D_1CE4_E5B9
        }
        let h = mix(x) &+ mix(y)
        return Int((h ^ (h >> 32)) % UInt64(count))
    }
}

/// Packets for one worker, copied out of the capture layer's reused buffer into one byte array.
struct PacketBatch: Sendable {
    struct Entry: Sendable {
        var frameNumber: Int
        var timestamp: Timestamp
        var clockBefore: Timestamp?
        var originalLength: Int
        var linkType: LinkType
        /// Where the packet's bytes end in `bytes` (they start where the previous packet's end).
        var end: Int
    }

    var bytes: [UInt8] = []
    var packets: [Entry] = []

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        packets.removeAll(keepingCapacity: true)
    }

    mutating func append(_ packet: CapturedPacket.Header, bytes lent: RawSpan, clockBefore: Timestamp?) {
        lent.withUnsafeBytes { bytes.append(contentsOf: $0) }
        packets.append(Entry(frameNumber: packet.frameNumber, timestamp: packet.timestamp, clockBefore: clockBefore,
                             originalLength: packet.originalLength, linkType: packet.linkType, end: bytes.count))
    }

    mutating func reserve(bytes byteCount: Int, packets packetCount: Int) {
        bytes.reserveCapacity(byteCount)
        packets.reserveCapacity(packetCount)
    }

    func forEach(_ body: (CapturedPacket.Header, RawSpan, Timestamp?) -> Void) {
        let all = bytes.span.bytes
        var start = 0
        for entry in packets {
            body(CapturedPacket.Header(frameNumber: entry.frameNumber, timestamp: entry.timestamp,
                                       originalLength: entry.originalLength, linkType: entry.linkType),
                 all.extracting(start..<entry.end), entry.clockBefore)
            start = entry.end
        }
    }
}

/// One shard: an analyzer on its own thread, fed through a bounded queue.
@available(macOS 15.0, *)
final class ShardWorker: Sendable {
    let queue = BatchQueue(depth: ShardedAnalyzer.queueDepth)
    private let analyzer: Mutex<Analyzer>
    private let outcome = Mutex<Analyzer.ShardResult?>(nil)
    /// Batches done with, emptied, for the reading thread to fill again.
    private let spares = Mutex<[PacketBatch]>([])
    private let done = DispatchSemaphore(value: 0)
    private let thread: DispatchQueue

    init(options: AnalysisOptions, index: Int) {
        analyzer = Mutex(Analyzer(options: options))
        // A serial queue of its own gets a thread of its own (it may block on the queue).
        thread = DispatchQueue(label: "tlsdiag.shard.\(index)")
    }

    func start() {
        thread.async { [self] in
            while var batch = queue.take() {
                analyzer.withLock { analyzer in
                    batch.forEach { packet, bytes, clockBefore in
                        analyzer.process(packet, bytes: bytes, clockBefore: clockBefore)
                    }
                }
                batch.removeAll()
                spares.withLock { spares in
                    if spares.count < ShardedAnalyzer.queueDepth { spares.append(batch) }
                }
            }
            let result = analyzer.withLock { $0.finishShard() }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    func spare() -> PacketBatch? {
        spares.withLock { $0.popLast() }
    }

    /// Waits for the worker to finish (after `queue.close()`).
    func result() -> Analyzer.ShardResult {
        done.wait()
        done.signal()  // a second call returns at once
        return outcome.withLock { $0 } ?? Analyzer.ShardResult(listing: ConnectionListBuilder.Part(), unlisted: ConnectionCounts(), statistics: ReassemblyStatistics())
    }
}

/// A single-producer, single-consumer queue of at most `depth` batches; `take` returns nil once closed and empty.
@available(macOS 15.0, *)
final class BatchQueue: Sendable {
    private let state = Mutex<(batches: [PacketBatch], closed: Bool)>(([], false))
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore

    init(depth: Int) { free = DispatchSemaphore(value: depth) }

    func put(_ batch: sending PacketBatch) {
        free.wait()
        state.withLock { $0.batches.append(batch) }
        filled.signal()
    }

    func close() {
        state.withLock { $0.closed = true }
        filled.signal()
    }

    func take() -> PacketBatch? {
        while true {
            filled.wait()
            let next: PacketBatch?? = state.withLock { state in
                if !state.batches.isEmpty { return .some(state.batches.removeFirst()) }
                return state.closed ? .some(nil) : nil
            }
            if let next {
                if next != nil { free.signal() }
                return next
            }
        }
    }
}

extension ReassemblyStatistics {
    mutating func add(_ other: ReassemblyStatistics) {
        connectionsSeen += other.connectionsSeen
        connectionsEvicted += other.connectionsEvicted
        connectionsIdledOut += other.connectionsIdledOut
        bytesSkippedForBufferCap += other.bytesSkippedForBufferCap
        bytesAcknowledgedUnseen += other.bytesAcknowledgedUnseen
        retransmittedBytes += other.retransmittedBytes
    }
}
