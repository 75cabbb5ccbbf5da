import PacketDecoding

/// Connection key → slot reference: what `[ConnectionKey: Int]` did, asked once per packet, with a cheaper hash.
///
/// Open addressing with linear probing, at most half full, deletion by backward shift (no tombstones). The hash
/// mixes the key's words with splitmix64's finalizer from a seed chosen per process, so a crafted capture cannot
/// aim its connections at one probe chain. Swift's `Hasher` (SipHash) cost about 200 instructions per packet here.
struct ConnectionIndex {
    private struct Bucket: Sendable {
        var key: ConnectionKey
        var hash: UInt64
        /// -1: empty.
        var ref: Int
    }

    private static let seed = UInt64.random(in: .min ... .max)
    private static let empty = Bucket(
        key: ConnectionKey(Endpoint(address: IPAddress(ipv4: 0), port: 0), Endpoint(address: IPAddress(ipv4: 0), port: 0)),
        hash: 0, ref: -1)

    private var buckets: [Bucket] = Array(repeating: ConnectionIndex.empty, count: 16)
    private(set) var count = 0

    private var mask: Int { buckets.count - 1 }

    subscript(key: ConnectionKey) -> Int? {
        get {
            let hash = Self.hash(key)
            var position = Int(truncatingIfNeeded: hash) & mask
            while buckets[position].ref >= 0 {
                if buckets[position].hash == hash, buckets[position].key == key { return buckets[position].ref }
                position = (position + 1) & mask
            }
            return nil
        }
        set {
            if let newValue { insert(key, newValue) } else { remove(key) }
        }
    }

    private mutating func insert(_ key: ConnectionKey, _ ref: Int) {
        let hash = Self.hash(key)
        var position = Int(truncatingIfNeeded: hash) & mask
        while buckets[position].ref >= 0 {
            if buckets[position].hash == hash, buckets[position].key == key {
                buckets[position].ref = ref
                return
            }
            position = (position + 1) & mask
        }
        buckets[position] = Bucket(key: key, hash: hash, ref: ref)
        count += 1
        if count * 2 > buckets.count { grow() }
    }

    private mutating func remove(_ key: ConnectionKey) {
        let hash = Self.hash(key)
        var position = Int(truncatingIfNeeded: hash) & mask
        while buckets[position].ref >= 0 {
            if buckets[position].hash == hash, buckets[position].key == key { break }
            position = (position + 1) & mask
        }
        guard buckets[position].ref >= 0 else { return }
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

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: Self.empty, count: old.count * 2)
        for bucket in old where bucket.ref >= 0 {
            var position = Int(truncatingIfNeeded: bucket.hash) & mask
            while buckets[position].ref >= 0 { position = (position + 1) & mask }
            buckets[position] = bucket
        }
    }

    private static func hash(_ key: ConnectionKey) -> UInt64 {
        var h = seed
        h = mix(h ^ key.a.address.low)
        h = mix(h ^ key.b.address.low)
        h = mix(h ^ (UInt64(key.a.port) << 16 | UInt64(key.b.port)
                     | (key.a.address.isIPv6 ? 1 << 32 : 0) | (key.b.address.isIPv6 ? 1 << 33 : 0)))
        if key.a.address.isIPv6 || key.b.address.isIPv6 {
            h = mix(h ^ key.a.address.high)
            h = mix(h ^ key.b.address.high)
        }
        return h
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
