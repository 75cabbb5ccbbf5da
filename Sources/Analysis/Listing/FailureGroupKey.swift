import PacketDecoding
import Diagnosis

/// What groups failed connections in the incident summary: the server, the SNI (or whether there was a
/// ClientHello at all), the cause. Text and markdown print the first `fullReportsPerGroup` of a group (in
/// listing order) in full, the others on one line each.
public struct FailureGroupKey: Hashable, Sendable {
    public var server: Endpoint
    public var sni: String?
    public var sawClientHello: Bool
    public var cause: Cause

    /// Reports print this many failures of one group in full; the rest one line each (the incident summary
    /// and JSON have them all), so a thousand identical failures do not bury the others.
    public static let fullReportsPerGroup = 3

    /// Borrowing: an initializer takes its arguments owned, so the caller copied the whole report (a score of
    /// strings and arrays) for the four fields read here.
    public init(_ report: borrowing ConnectionReport) {
        server = report.server
        sni = report.sni
        sawClientHello = HandshakeEnding.sawClientHello(report)
        cause = report.cause
    }

    public init(_ outline: ConnectionOutline) {
        server = outline.server
        sni = outline.sni
        sawClientHello = outline.ending.sawClientHello
        cause = outline.cause
    }
}

/// A `FailureGroupKey` in the numbers a list gives its servers, names and cause words (`SharedValues`, where
/// equal values share a number): the same groups, hashed as a few integers rather than an address and strings.
public struct FailureGroupNumbers: Hashable, Sendable {
    var server: UInt32
    var sni: UInt32
    var cause: UInt32
    var sawClientHello: Bool
}

/// Per failure group, the first connections judged so far (by listing order): whether a failure may yet be
/// printed in full. One printed in full in the end has fewer than `fullReportsPerGroup` of its group listed
/// before it, so when it is judged it is among the first of those judged so far, whatever the order connections
/// close in: the answer is never a wrong "no". A shard, seeing fewer connections, says "yes" more often.
/// Keyed by `FailureGroupNumbers` for listed reports (integers hash far faster than an address and two strings),
/// by `FailureGroupKey` for live ones, whose values no list keeps.
struct FailureGroupFirsts<Key: Hashable> {
    private var firsts: [Key: [ListingOrder]] = [:]
    /// Groups followed at most; a failure of a group past them may be printed in full. A capture with tens of
    /// thousands of distinct server names then keeps its words rather than a table without bound.
    static var groupLimit: Int { 4096 }

    mutating func mayBeShownInFull(_ key: Key, firstFrame: Int, lastFrame: Int) -> Bool {
        let order = ListingOrder(firstFrame, lastFrame, index: 0)
        // Found once and changed in place: the orders read out and stored back hashed the key twice, and the
        // copy, shared with the table, was reallocated to append to.
        guard let found = firsts.index(forKey: key) else {
            guard firsts.count < Self.groupLimit else { return true }
            var orders: [ListingOrder] = []
            orders.reserveCapacity(FailureGroupKey.fullReportsPerGroup)
            orders.append(order)
            firsts[key] = orders
            return true
        }
        return Self.admit(order, to: &firsts.values[found])
    }

    /// Whether `order` is among the first `fullReportsPerGroup` of its group so far; if so, it replaces the latest.
    private static func admit(_ order: ListingOrder, to orders: inout [ListingOrder]) -> Bool {
        if orders.count < FailureGroupKey.fullReportsPerGroup {
            orders.append(order)
            return true
        }
        guard let latest = orders.indices.max(by: { orders[$0] < orders[$1] }), order < orders[latest] else {
            return false
        }
        orders[latest] = order
        return true
    }
}

extension FailureGroupFirsts where Key == FailureGroupKey {
    /// A report grouped by its values (live reports, which no list numbers).
    mutating func mayBeShownInFull(_ report: borrowing ConnectionReport) -> Bool {
        mayBeShownInFull(FailureGroupKey(report), firstFrame: report.firstFrame, lastFrame: report.lastFrame)
    }
}
