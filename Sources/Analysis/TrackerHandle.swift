import StreamReassembly

/// A `ConnectionTracker` behind a reference, with value semantics (copy on write).
///
/// The reassembler keeps its handlers inline in one dense array of live connections. A tracker is about 800 bytes,
/// mostly cold state, and a hostile capture (a million SYNs) fills that array to `maxConnections`: inline, the
/// array's growth alone (old and new buffers at once) would cost hundreds of megabytes. Behind a reference each
/// entry costs a pointer, and each tracker one allocation when its connection starts (not per packet).
struct TrackerHandle: TCPStreamHandler {
    private final class Box {
        var tracker: ConnectionTracker
        init(_ tracker: ConnectionTracker) { self.tracker = tracker }
    }

    private var box: Box

    init(_ tracker: ConnectionTracker) { box = Box(tracker) }

    var tracker: ConnectionTracker {
        get { box.tracker }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.tracker) }
            yield &box.tracker
        }
    }

    mutating func handle(_ event: TCPStreamEvent, connection: TCPConnectionInfo) -> StreamHandlerDecision {
        tracker.handle(event, connection: connection)
    }
}
