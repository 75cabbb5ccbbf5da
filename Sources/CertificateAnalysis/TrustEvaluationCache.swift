import WireFormat

/// Remembers the paths built for chains already seen, so a capture with thousands of connections to one server
/// parses and verifies that chain once; only the dates are checked again for each capture time. When the same
/// chain could lead to several roots, the path found first is kept (its dates are still checked each time).
/// A value the caller owns (one per analysis, no locks); bounded by `capacity`: when full it starts over.
public struct TrustEvaluationCache: Sendable {
    public let store: TrustStore
    public let capacity: Int
    private var paths: [[[UInt8]]: PathResult] = [:]
    /// Roots parsed for the chains so far (at most the store's, so bounded too).
    private var anchors = ParsedAnchors()

    public init(store: TrustStore, capacity: Int = 4096) {
        self.store = store
        self.capacity = max(capacity, 1)
    }

    /// Chains remembered.
    public var count: Int { paths.count }

    /// Same answer as `store.evaluate(served:at:)`.
    public mutating func evaluate(served: [CertificateSummary], at time: Timestamp) -> TrustVerdict {
        let key = served.map(\.der)
        if let known = paths[key] { return known.verdict(at: time) }
        let result = store.buildPath(served: served, preferringValidAt: time, anchors: &anchors)
        if paths.count >= capacity { paths.removeAll(keepingCapacity: true) }
        paths[key] = result
        return result.verdict(at: time)
    }
}
