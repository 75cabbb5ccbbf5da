import PacketDecoding

/// Connection key → slot reference: what `[ConnectionKey: Int]` did, asked once per packet, with a cheaper hash
/// and 16-byte buckets.
///
/// Open addressing with linear probing, at most half full, deletion by backward shift (no tombstones). A bucket
/// holds the key's hash and the slot reference only: the key itself is in the slot, and a lookup compares it
/// there (through `matches`) when the full 64-bit hash agrees. Storing the key too made a bucket 64 bytes, so
/// the index weighed more than the table it points into. Slot references are unique, so removing or moving an
/// entry finds its bucket by hash and reference, without looking at a key (which may already have moved).
///
/// The hash mixes the key's words with splitmix64's finalizer from a seed chosen per process, so a crafted
/// capture cannot aim its connections at one probe chain. Swift's `Hasher` (SipHash) cost about 200 instructions
/// per packet here. The seed is copied into each index: read from the static, it costs a `swift_once` check on
/// every lookup.
struct ConnectionIndex {
    private struct Bucket {
        var hash: UInt64
        /// -1: empty.
        var ref: Int
    }

    /// Chosen once per process; `ForgottenConnections` hashes with it too.
    static let processSeed = UInt64.random(in: .min ... .max)
    private static let empty = Bucket(hash: 0, ref: -1)

    private let seed = ConnectionIndex.processSeed
    private var buckets: [Bucket] = Array(repeating: ConnectionIndex.empty, count: 16)
    private(set) var count = 0

    private var mask: Int { buckets.count - 1 }

    /// Buckets allocated (a power of two, at least twice `count`), and what each weighs: the index's memory.
    var capacity: Int { buckets.count }
    static var bytesPerBucket: Int { MemoryLayout<Bucket>.stride }

    /// The reference whose entry has `key`: `matches(ref)` says whether the slot `ref` holds `key`.
    @inline(__always)
    func lookUp(_ key: ConnectionKey, matches: (Int) -> Bool) -> Int? {
        let hash = Self.hash(key, seed: seed)
        var position = Int(truncatingIfNeeded: hash) & mask
        while buckets[position].ref >= 0 {
            if buckets[position].hash == hash, matches(buckets[position].ref) { return buckets[position].ref }
            position = (position + 1) & mask
        }
        return nil
    }

    /// Adds `ref` for `key`, which the index must not hold yet.
    mutating func insert(_ key: ConnectionKey, _ ref: Int) {
        let hash = Self.hash(key, seed: seed)
        var position = Int(truncatingIfNeeded: hash) & mask
        while buckets[position].ref >= 0 { position = (position + 1) & mask }
        buckets[position] = Bucket(hash: hash, ref: ref)
        count += 1
        if count * 2 > buckets.count { grow() }
    }

    /// The entry of `key` (held at `old`) is now at `new`.
    mutating func move(_ key: ConnectionKey, from old: Int, to new: Int) {
        guard let position = position(of: old, hash: Self.hash(key, seed: seed)) else { return }
        buckets[position].ref = new
    }

    /// Forgets the entry of `key`, held at `ref`.
    mutating func remove(_ key: ConnectionKey, _ ref: Int) {
        guard let position = position(of: ref, hash: Self.hash(key, seed: seed)) else { return }
        count -= 1
        // Backward shift: pull later entries of the chain into the hole when their home allows it.
        var hole = position
        var next = (hole + 1) & mask
        while buckets[next].ref >= 0 {
            let home = Int(truncatingIfNeeded: buckets[next].hash) & mask
            // `next` may move to `hole` if its home is not in the (cyclic) range (hole, next].
            if (next - home) & mask >= (next - hole) & mask {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = Self.empty
    }

    private func position(of ref: Int, hash: UInt64) -> Int? {
        var position = Int(truncatingIfNeeded: hash) & mask
        while buckets[position].ref >= 0 {
            if buckets[position].ref == ref { return position }
            position = (position + 1) & mask
        }
        return nil
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: Self.empty, count: old.count * 2)
        for bucket in old where bucket.ref >= 0 {
            var position = Int(truncatingIfNeeded: bucket.hash) & mask
            while buckets[position].ref >= 0 { position = (position + 1) & mask }
            buckets[position] = bucket
        }
    }

    /// IPv4 keys (nearly all) take two rounds: both addresses fit one word, the ports another.
    @inline(__always)
    static func hash(_ key: ConnectionKey, seed: UInt64) -> UInt64 {
        let a = key.a.address, b = key.b.address
        let ports = UInt64(key.a.port) << 16 | UInt64(key.b.port)
        guard a.isIPv6 || b.isIPv6 else { return mix(mix(seed ^ (a.low << 32 | b.low)) ^ ports) }
        var h = mix(seed ^ a.low)
        h = mix(h ^ b.low)
        h = mix(h ^ (ports | (a.isIPv6 ? 1 << 32 : 0) | (b.isIPv6 ? 1 << 33 : 0)))
        h = mix(h ^ a.high)
        return mix(h ^ b.high)
    }

    /// splitmix64's finalizer: a bijection that spreads every input bit over the output.
    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
