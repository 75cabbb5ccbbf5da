import WireFormat
import PacketDecoding

/// A connection's endpoints without direction: `a` is the lower one, so both directions find the same entry.
@usableFromInline
struct ConnectionKey: Hashable, Sendable {
    @usableFromInline var a: Endpoint
    @usableFromInline var b: Endpoint

    @inlinable
    init(_ x: Endpoint, _ y: Endpoint) {
        self = Self.of(x, y).key
    }

    @inlinable
    init(a: Endpoint, b: Endpoint) {
        self.a = a
        self.b = b
    }

    /// The key of a packet from `source` to `destination`, and which end sent it: one comparison per packet.
    @inlinable @inline(__always)
    static func of(_ source: Endpoint, _ destination: Endpoint) -> (key: ConnectionKey, sender: Side) {
        destination < source
            ? (ConnectionKey(a: destination, b: source), .b) : (ConnectionKey(a: source, b: destination), .a)
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

/// Neighbours in an activity list (most recent first); -1 at either end.
struct LRULinks {
    var newer = -1
    var older = -1
}

/// The two ends of an intrusive activity list threaded through the table's entries.
@usableFromInline
struct ActivityList {
    @usableFromInline var newest = -1
    var oldest = -1
}

/// What is left of a connection that was ignored or has closed: enough to drop its late packets (final ACKs,
/// retransmitted FINs) and to know when a new SYN starts a new connection on the same ports.
struct Tombstone {
    var key: ConnectionKey
    var lastActivity: Timestamp
    var finSeenA = false
    var finSeenB = false
    /// Both FINs or a RST: the tombstone is on the table's `closing` list, else on its `active` list.
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

/// Live connections and tombstones in two dense arrays (removal swaps the last entry in), an index from key to
/// slot, and two intrusive lists ordered by activity, so that the least recently active entry of each is found
/// in O(1) for eviction and expiry:
/// - `active`: live connections and the tombstones of ignored ones that have not closed, which stay until the
///   idle timeout (their connection may still be sending);
/// - `closing`: closed tombstones, which only wait out `closedGraceSeconds` for late final ACKs and retransmitted
///   FINs. Kept apart so that every connection ever closed does not stay until the much longer idle timeout.
///
/// A slot reference is `2 * i` for `live[i]`, `2 * j + 1` for `tombstones[j]`, -1 for none.
@usableFromInline
struct ConnectionTable {
    enum ListName { case active, closing }

    @usableFromInline var live: [LiveConnection] = []
    private(set) var tombstones: [Tombstone] = []
    private(set) var index = ConnectionIndex()
    @usableFromInline private(set) var active = ActivityList()
    private(set) var closing = ActivityList()

    var count: Int { live.count + tombstones.count }

    @inlinable
    static func isLive(_ ref: Int) -> Bool { ref & 1 == 0 }

    func key(_ ref: Int) -> ConnectionKey {
        Self.isLive(ref) ? live[ref >> 1].key : tombstones[ref >> 1].key
    }

    /// The entry for `key`, if any.
    @inline(__always)
    func ref(for key: ConnectionKey) -> Int? {
        index.lookUp(key) { ref in
            Self.isLive(ref) ? live[ref >> 1].key == key : tombstones[ref >> 1].key == key
        }
    }

    func lastActivity(_ ref: Int) -> Timestamp {
        Self.isLive(ref) ? live[ref >> 1].lastActivity : tombstones[ref >> 1].lastActivity
    }

    func list(of ref: Int) -> ListName {
        Self.isLive(ref) || !tombstones[ref >> 1].closed ? .active : .closing
    }

    // MARK: Entries

    mutating func setLastActivity(ofTombstone j: Int, _ now: Timestamp) {
        tombstones[j].lastActivity = now
    }

    /// Runs a late packet through a tombstone; one that closes now moves to the `closing` list.
    mutating func processTombstone(_ j: Int, flags: TCPFlags, side: Side) -> Bool {
        let wasClosed = tombstones[j].closed
        var tombstone = tombstones[j]
        let startsNew = tombstone.process(flags, from: side)
        if !wasClosed && tombstone.closed {
            unlink(j << 1 | 1)
            tombstones[j] = tombstone
            pushNewest(j << 1 | 1)
        } else {
            tombstones[j] = tombstone
        }
        return startsNew
    }

    /// Consumes the connection, so that it is moved into the array, not copied and then destroyed.
    mutating func insertLive(_ connection: consuming LiveConnection) -> Int {
        let key = connection.key
        live.append(connection)
        let ref = (live.count - 1) << 1
        index.insert(key, ref)
        pushNewest(ref)
        return ref
    }

    mutating func insertTombstone(_ tombstone: Tombstone) {
        tombstones.append(tombstone)
        let ref = (tombstones.count - 1) << 1 | 1
        index.insert(tombstone.key, ref)
        pushNewest(ref)
    }

    /// Removes a live entry, destroyed in place: what the caller needs of it is read from `live[i]` before.
    mutating func removeLive(at i: Int) {
        unlink(i << 1)
        let last = live.count - 1
        index.remove(live[i].key, i << 1)
        guard i != last else {
            live.removeLast()
            return
        }
        // The last entry moves into the hole: one copy fewer than `swapAt` then `removeLast` (an entry is
        // about 400 bytes).
        live[i] = live.removeLast()
        relocated(from: last << 1, to: i << 1)
    }

    @discardableResult
    mutating func removeTombstone(at j: Int) -> Tombstone {
        unlink(j << 1 | 1)
        let last = tombstones.count - 1
        index.remove(tombstones[j].key, j << 1 | 1)
        if j != last {
            tombstones.swapAt(j, last)
            relocated(from: last << 1 | 1, to: j << 1 | 1)
        }
        return tombstones.removeLast()
    }

    // MARK: Activity lists

    /// Marks the entry as the most recently active of its list.
    @inline(__always)
    mutating func touch(_ ref: Int) {
        // Most packets belong to a live connection: its list needs no look at a tombstone.
        let name = Self.isLive(ref) ? ListName.active : list(of: ref)
        guard ref != self[list: name].newest else { return }
        unlink(ref, from: name)
        pushNewest(ref, onto: name)
    }

    private subscript(list name: ListName) -> ActivityList {
        get { name == .active ? active : closing }
        set { if name == .active { active = newValue } else { closing = newValue } }
    }

    @inline(__always)
    private func links(_ ref: Int) -> LRULinks {
        Self.isLive(ref) ? live[ref >> 1].links : tombstones[ref >> 1].links
    }

    @inline(__always)
    private mutating func setLinks(_ ref: Int, _ links: LRULinks) {
        if Self.isLive(ref) { live[ref >> 1].links = links } else { tombstones[ref >> 1].links = links }
    }

    @inline(__always)
    private mutating func setNewer(_ ref: Int, _ value: Int) {
        if Self.isLive(ref) { live[ref >> 1].links.newer = value } else { tombstones[ref >> 1].links.newer = value }
    }

    @inline(__always)
    private mutating func setOlder(_ ref: Int, _ value: Int) {
        if Self.isLive(ref) { live[ref >> 1].links.older = value } else { tombstones[ref >> 1].links.older = value }
    }

    private mutating func unlink(_ ref: Int) {
        unlink(ref, from: list(of: ref))
    }

    /// Takes `ref` out of its list `name`; its own links are left as they were (the caller links it again or
    /// removes it).
    private mutating func unlink(_ ref: Int, from name: ListName) {
        let node = links(ref)
        if node.newer >= 0 { setOlder(node.newer, node.older) } else { self[list: name].newest = node.older }
        if node.older >= 0 { setNewer(node.older, node.newer) } else { self[list: name].oldest = node.newer }
    }

    private mutating func pushNewest(_ ref: Int) {
        pushNewest(ref, onto: list(of: ref))
    }

    private mutating func pushNewest(_ ref: Int, onto name: ListName) {
        let newest = self[list: name].newest
        setLinks(ref, LRULinks(newer: -1, older: newest))
        if newest >= 0 { setNewer(newest, ref) } else { self[list: name].oldest = ref }
        self[list: name].newest = ref
    }

    /// After a swap-remove moved an entry from slot `old` to slot `new`: repoint its neighbours and the index.
    private mutating func relocated(from old: Int, to new: Int) {
        let name = list(of: new)
        let node = links(new)
        if node.newer >= 0 { setOlder(node.newer, new) } else { self[list: name].newest = new }
        if node.older >= 0 { setNewer(node.older, new) } else { self[list: name].oldest = new }
        index.move(key(new), from: old, to: new)
    }
}
