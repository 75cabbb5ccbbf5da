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
struct FailureGroupFirsts {
    private var firsts: [FailureGroupKey: [ListingOrder]] = [:]
    /// Groups followed at most; a failure of a group past them may be printed in full. A capture with tens of
    /// thousands of distinct server names then keeps its words rather than a table without bound.
    static let groupLimit = 4096

    mutating func mayBeShownInFull(_ report: ConnectionReport) -> Bool {
        let key = FailureGroupKey(report)
        let order = ListingOrder(report.firstFrame, report.lastFrame, index: 0)
        guard var orders = firsts[key] else {
            if firsts.count < Self.groupLimit { firsts[key] = [order] }
            return true
        }
        if orders.count < FailureGroupKey.fullReportsPerGroup {
            orders.append(order)
        } else {
            guard let latest = orders.indices.max(by: { orders[$0] < orders[$1] }), order < orders[latest] else {
                return false
            }
            orders[latest] = order
        }
        firsts[key] = orders
        return true
    }
}
