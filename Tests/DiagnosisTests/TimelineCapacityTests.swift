import Testing
import WireFormat
@testable import Diagnosis

/// A flood of unanswered SYNs holds tens of thousands of connections, each with a one-entry timeline: that entry
/// must not reserve a whole handshake's room; a second entry does.
@Suite struct TimelineCapacityTests {
    @Test func aOneEntryTimelineReservesNoHandshakesRoom() {
        var observation = ObservationBuilder().observation
        let time = Timestamp(seconds: 1_795_921_924, nanoseconds: 0)
        observation.addTimeline(TimelineEntry(from: .client, kind: .tcp, message: "SYN", frame: 1, timestamp: time))
        #expect(observation.timeline.capacity < 16)
        observation.addTimeline(TimelineEntry(from: .server, kind: .tcp, message: "SYN-ACK", frame: 2, timestamp: time))
        #expect(observation.timeline.capacity >= 16)
        #expect(observation.timeline.map(\.message) == ["SYN", "SYN-ACK"])
    }
}
