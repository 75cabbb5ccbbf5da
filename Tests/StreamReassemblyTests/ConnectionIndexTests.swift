import Testing
import PacketDecoding
import TestSupport
@testable import StreamReassembly

/// The connection index answers exactly as a dictionary would, through growth, deletions that shift probe
/// chains back, and re-insertion, for IPv4 and IPv6 keys. Its buckets hold no key: the keys live in slots, as in
/// `ConnectionTable`, and a lookup compares against the slot.
@Suite struct ConnectionIndexTests {
    /// Keys in dense slots with swap-removal, like the table's arrays: the index must follow every move.
    struct Slots {
        var index = ConnectionIndex()
        var keys: [ConnectionKey] = []

        func lookUp(_ key: ConnectionKey) -> Int? {
            index.lookUp(key) { keys[$0] == key }
        }

        mutating func insert(_ key: ConnectionKey) {
            keys.append(key)
            index.insert(key, keys.count - 1)
        }

        mutating func remove(_ key: ConnectionKey) {
            guard let ref = lookUp(key) else { return }
            let last = keys.count - 1
            index.remove(key, ref)
            if ref != last {
                keys.swapAt(ref, last)
                index.move(keys[ref], from: last, to: ref)
            }
            keys.removeLast()
        }
    }

    @Test(arguments: [1, 2, 3])
    func agreesWithADictionary(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var slots = Slots()
        var model: Set<ConnectionKey> = []
        // A small key space, so that the same keys come back after being removed.
        let keys = (0..<3_000).map { _ in Self.randomKey(&generator) }
        for _ in 0..<40_000 {
            let key = keys[Int(generator.next() % UInt64(keys.count))]
            switch generator.next() % 3 {
            case 0:
                if !model.contains(key) { slots.insert(key) }
                model.insert(key)
            case 1:
                slots.remove(key)
                model.remove(key)
            default:
                let ref = slots.lookUp(key)
                #expect((ref != nil) == model.contains(key))
                if let ref { #expect(slots.keys[ref] == key) }
            }
            #expect(slots.index.count == model.count)
        }
        for key in keys {
            let ref = slots.lookUp(key)
            #expect((ref != nil) == model.contains(key))
            if let ref { #expect(slots.keys[ref] == key) }
        }
    }

    /// A bucket whose hash agrees is only a hit when the slot holds the key.
    @Test func aLookupComparesTheKeyInItsSlot() {
        var generator = SplitMix64(seed: 7)
        let key = Self.randomKey(&generator)
        var index = ConnectionIndex()
        index.insert(key, 4)
        #expect(index.lookUp(key) { _ in true } == 4)
        #expect(index.lookUp(key) { _ in false } == nil)
    }

    /// Removing every other entry of a full-looking table (long probe chains, at most half full) leaves each
    /// remaining key findable: the backward shift may not cut a chain.
    @Test func removalKeepsProbeChainsWhole() {
        var generator = SplitMix64(seed: 11)
        var slots = Slots()
        var keys: Set<ConnectionKey> = []
        while keys.count < 8 { keys.insert(Self.randomKey(&generator)) }
        let ordered = Array(keys)
        for key in ordered { slots.insert(key) }
        #expect(slots.index.capacity == 16)  // 8 of 16: as full as it gets before growing
        for (i, key) in ordered.enumerated() where i % 2 == 0 { slots.remove(key) }
        for (i, key) in ordered.enumerated() {
            #expect((slots.lookUp(key) != nil) == (i % 2 == 1))
        }
        for (i, key) in ordered.enumerated() where i % 2 == 1 { slots.remove(key) }
        #expect(slots.index.count == 0)
        for key in ordered { #expect(slots.lookUp(key) == nil) }
    }

    /// The index doubles to stay at most half full, and a bucket is a hash and a reference: 16 bytes, not the
    /// key's 44 more (about 32 bytes per connection instead of 128).
    @Test func growsByDoublingWithSmallBuckets() {
        #expect(ConnectionIndex.bytesPerBucket == 16)
        var slots = Slots()
        for i in 0..<10_000 {
            let client = Endpoint(address: IPAddress(ipv4: 0x0a00_0000 | UInt32(i >> 16)), port: UInt16(truncatingIfNeeded: i))
            slots.insert(ConnectionKey(client, Endpoint(address: IPAddress(ipv4: 0xc633_6407), port: 443)))
            #expect(slots.index.count * 2 <= slots.index.capacity)
        }
        #expect(slots.index.capacity == 32_768)
        for (ref, key) in slots.keys.enumerated() { #expect(slots.lookUp(key) == ref) }
    }

    static func randomKey(_ generator: inout SplitMix64) -> ConnectionKey {
        func endpoint() -> Endpoint {
            let address = generator.next() % 4 == 0
                ? IPAddress(ipv6High: 0x2001_0db8_0000_0000 | generator.next() % 8, low: generator.next() % 64)
                : IPAddress(ipv4: UInt32(truncatingIfNeeded: 0x0a00_0000 | generator.next() % 64))
            return Endpoint(address: address, port: UInt16(truncatingIfNeeded: generator.next() % 16))
        }
        return ConnectionKey(endpoint(), endpoint())
    }
}
