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

    /// `count` connections with this outcome.
    public mutating func add(cause: Cause, established isEstablished: Bool, count: Int = 1) {
        connections += count
        if isEstablished { established += count }
        if cause != .ok { failed += count }
        byCause[cause, default: 0] += count
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
