import StreamReassembly
import Diagnosis

/// A `ConnectionTracker` behind a reference, with value semantics (copy on write).
///
/// The reassembler keeps its handlers inline in one dense array of live connections. A tracker is about 1.3 KB,
/// mostly cold state, and a hostile capture (a million SYNs) fills that array to `maxConnections`: inline, the
/// array's growth alone (old and new buffers at once) would cost hundreds of megabytes. Behind a reference each
/// entry costs a pointer, and each tracker one allocation when its connection starts (not per packet).
struct TrackerHandle: TCPStreamHandler {
    private var box: CopyOnWriteBox<ConnectionTracker>

    init(_ tracker: ConnectionTracker) { box = CopyOnWriteBox(tracker) }

    var tracker: ConnectionTracker {
        get { box.value }
        _modify { yield &box.value }
    }

    /// The observation to judge, moved out of the tracker (which is freed next: a copy would retain, then
    /// release, every array it holds), or nil when the connection is not reported (or was, early).
    mutating func takeObservationToJudge() -> ConnectionObservation? {
        guard box.storage.value.isReportable, !box.storage.value.reportedEarly else { return nil }
        return tracker.takeObservation()
    }

    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision {
        tracker.handle(event, connection: connection)
    }
}
