import WireFormat
import Diagnosis

/// Counts what the capture held and what could not be decoded, for the capture's warnings.
struct PacketCounters {
    private(set) var snaplenCut = 0
    private var malformedCount = 0
    private var firstMalformed: (reason: String, frame: Int)?
    private var unsupportedLinkTypes: [LinkType: Int] = [:]

    /// The reader's `CaptureTally` counts the packets and their bytes: only what the warnings need is counted here.
    mutating func count(_ packet: CapturedPacket.Header, bytes: RawSpan) {
        if packet.originalLength > bytes.byteCount { snaplenCut += 1 }
    }

    mutating func malformed(_ reason: String, frame: Int) {
        malformedCount += 1
        if firstMalformed == nil { firstMalformed = (reason, frame) }
    }

    mutating func unsupported(_ type: LinkType) {
        unsupportedLinkTypes[type, default: 0] += 1
    }

    var warnings: [String] {
        var result: [String] = []
        if snaplenCut > 0 {
            result.append("\(CountText.plural(snaplenCut, "packet")) \(CountText.agreeing(snaplenCut, "was", "were")) cut by the snap length: their missing bytes are reported as gaps")
        }
        if let first = firstMalformed {
            result.append("\(CountText.plural(malformedCount, "packet")) could not be decoded (first: frame \(first.frame), \(first.reason))")
        }
        for (type, count) in unsupportedLinkTypes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            result.append("\(CountText.plural(count, "packet")) \(CountText.agreeing(count, "has", "have")) an unsupported "
                          + "link type (\(type)) and \(CountText.agreeing(count, "was", "were")) skipped")
        }
        return result
    }
}
