import StreamReassembly
import Diagnosis

/// A `ConnectionTracker` behind a reference, with value semantics (copy on write).
///
/// The reassembler keeps its handlers inline in one dense array of live connections. A tracker is about 1.3 KB,
/// mostly cold state, and a hostile capture (a million SYNs) fills that array to `maxConnections`: inline, the
/// array's growth alone (old and new buffers at once) would cost hundreds of megabytes. Behind a reference each
/// entry costs a pointer, and each tracker one allocation when its connection starts (not per packet).
///
/// The storage is a class of its own rather than a generic box: its deinit and copies are then specialized for
/// the tracker, and a field can be read in place (`observationToJudge`) where a getter would copy the tracker.
struct TrackerHandle: TCPStreamHandler {
    private final class Storage {
        var tracker: ConnectionTracker
        init(_ tracker: ConnectionTracker) { self.tracker = tracker }
    }

    private var storage: Storage

    init(_ tracker: ConnectionTracker) { storage = Storage(tracker) }

    var tracker: ConnectionTracker {
        get { storage.tracker }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.tracker) }
            yield &storage.tracker
        }
    }

    /// The observation to judge, or nil when the connection is not reported (or was, early).
    var observationToJudge: ConnectionObservation? {
        guard storage.tracker.isReportable, !storage.tracker.reportedEarly else { return nil }
        return storage.tracker.observation
    }

    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision {
        tracker.handle(event, connection: connection)
    }
}
