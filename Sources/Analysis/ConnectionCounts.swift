import Diagnosis

/// Connections counted by outcome: what the summary needs when a connection is not kept in full.
public struct ConnectionCounts: Sendable, Hashable {
    public var connections = 0
    public var established = 0
    public var failed = 0
    public var byCause: [Cause: Int] = [:]

    public init() {}

    public init(_ reports: [ConnectionReport]) {
        for report in reports { add(report) }
    }

    public mutating func add(_ report: ConnectionReport) {
        add(cause: report.cause, established: report.established)
    }

    public mutating func add(cause: Cause, established isEstablished: Bool) {
        connections += 1
        if isEstablished { established += 1 }
        if cause != .ok { failed += 1 }
        byCause[cause, default: 0] += 1
    }

    public static func + (lhs: ConnectionCounts, rhs: ConnectionCounts) -> ConnectionCounts {
        var sum = lhs
        sum.connections += rhs.connections
        sum.established += rhs.established
        sum.failed += rhs.failed
        sum.byCause.merge(rhs.byCause, uniquingKeysWith: +)
        return sum
    }
}
