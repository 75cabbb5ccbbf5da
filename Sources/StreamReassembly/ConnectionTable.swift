import WireFormat
import PacketDecoding

/// A connection's endpoints without direction: `a` is the lower one, so both directions find the same entry.
@usableFromInline
struct ConnectionKey: Hashable, Sendable {
    @usableFromInline var a: Endpoint
    @usableFromInline var b: Endpoint

    @usableFromInline
    init(_ x: Endpoint, _ y: Endpoint) {
        if y < x { (a, b) = (y, x) } else { (a, b) = (x, y) }
    }

    /// Fewer words than the synthesized hash (which hashes every field separately): this runs for every packet.
    @usableFromInline
    func hash(into hasher: inout Hasher) {
        let ports = UInt64(a.port) << 16 | UInt64(b.port)
        if !a.address.isIPv6 && !b.address.isIPv6 {
            hasher.combine(a.address.low << 32 | b.address.low)
            hasher.combine(ports)
        } else {
            hasher.combine(a.address.high)
            hasher.combine(a.address.low)
            hasher.combine(b.address.high)
            hasher.combine(b.address.low)
            hasher.combine(ports | (a.address.isIPv6 ? 1 << 32 : 0) | (b.address.isIPv6 ? 1 << 33 : 0))
        }
    }
}

/// Neighbours in the activity list (most recent first); -1 at either end.
struct LRULinks {
    var newer = -1
    var older = -1
}

/// What is left of a connection that was ignored or has closed: enough to drop its late packets (final ACKs,
/// retransmitted FINs) and to know when a new SYN starts a new connection on the same ports.
struct Tombstone {
    var key: ConnectionKey
    var lastActivity: Timestamp
    var finSeenA = false
    var finSeenB = false
    var closed = false
    var links = LRULinks()

    /// Takes note of a late packet; true when it is a SYN that starts a new connection.
    mutating func process(_ flags: TCPFlags, from side: Side) -> Bool {
        if flags.contains(.syn), !flags.contains(.ack), closed { return true }
        if flags.contains(.rst) { closed = true }
        if flags.contains(.fin) {
            if side == .a { finSeenA = true } else { finSeenB = true }
            if finSeenA && finSeenB { closed = true }
        }
        return false
    }
}

/// Live connections and tombstones in two dense arrays (removal swaps the last entry in), a dictionary from key to
/// slot, and one intrusive list ordered by activity across both, so that the least recently active entry is found
/// in O(1) for eviction and idle expiry.
///
/// A slot reference is `2 * i` for `live[i]`, `2 * j + 1` for `tombstones[j]`, -1 for none.
struct ConnectionTable {
    var live: [LiveConnection] = []
    var tombstones: [Tombstone] = []
    var index = ConnectionIndex()
    private(set) var newest = -1
    private(set) var oldest = -1

    var count: Int { live.count + tombstones.count }

    static func isLive(_ ref: Int) -> Bool { ref & 1 == 0 }

    func lastActivity(_ ref: Int) -> Timestamp {
        Self.isLive(ref) ? live[ref >> 1].lastActivity : tombstones[ref >> 1].lastActivity
    }

    private func links(_ ref: Int) -> LRULinks {
        Self.isLive(ref) ? live[ref >> 1].links : tombstones[ref >> 1].links
    }

    private mutating func setLinks(_ ref: Int, _ links: LRULinks) {
        if Self.isLive(ref) { live[ref >> 1].links = links } else { tombstones[ref >> 1].links = links }
    }

    private mutating func setNewer(_ ref: Int, _ value: Int) {
        if Self.isLive(ref) { live[ref >> 1].links.newer = value } else { tombstones[ref >> 1].links.newer = value }
    }

    private mutating func setOlder(_ ref: Int, _ value: Int) {
        if Self.isLive(ref) { live[ref >> 1].links.older = value } else { tombstones[ref >> 1].links.older = value }
    }

    private mutating func unlink(_ ref: Int) {
        let node = links(ref)
        if node.newer >= 0 { setOlder(node.newer, node.older) } else { newest = node.older }
        if node.older >= 0 { setNewer(node.older, node.newer) } else { oldest = node.newer }
        setLinks(ref, LRULinks())
    }

    private mutating func pushNewest(_ ref: Int) {
        setLinks(ref, LRULinks(newer: -1, older: newest))
        if newest >= 0 { setNewer(newest, ref) } else { oldest = ref }
        newest = ref
    }

    /// Marks the entry as the most recently active.
    mutating func touch(_ ref: Int) {
        guard ref != newest else { return }
        unlink(ref)
        pushNewest(ref)
    }

    /// After a swap-remove moved an entry to slot `new`: repoint its neighbours and the index.
    private mutating func relocated(to new: Int, key: ConnectionKey) {
        let node = links(new)
        if node.newer >= 0 { setOlder(node.newer, new) } else { newest = new }
        if node.older >= 0 { setNewer(node.older, new) } else { oldest = new }
        index[key] = new
    }

    mutating func insertLive(_ connection: LiveConnection) -> Int {
        live.append(connection)
        let ref = (live.count - 1) << 1
        index[connection.key] = ref
        pushNewest(ref)
        return ref
    }

    mutating func insertTombstone(_ tombstone: Tombstone) {
        tombstones.append(tombstone)
        let ref = (tombstones.count - 1) << 1 | 1
        index[tombstone.key] = ref
        pushNewest(ref)
    }

    mutating func removeLive(at i: Int) -> LiveConnection {
        unlink(i << 1)
        let last = live.count - 1
        if i != last {
            live.swapAt(i, last)
            relocated(to: i << 1, key: live[i].key)
        }
        let removed = live.removeLast()
        index[removed.key] = nil
        return removed
    }

    @discardableResult
    mutating func removeTombstone(at j: Int) -> Tombstone {
        unlink(j << 1 | 1)
        let last = tombstones.count - 1
        if j != last {
            tombstones.swapAt(j, last)
            relocated(to: j << 1 | 1, key: tombstones[j].key)
        }
        let removed = tombstones.removeLast()
        index[removed.key] = nil
        return removed
    }
}
