import WireFormat

/// Closed connections whose tombstones have left, remembered by their key's hash (the index's seeded 64-bit
/// hash) until a deadline, in a fixed number of slots: the slot is chosen by the hash, and a later connection
/// takes an earlier one's slot. A late packet of a connection still remembered is dropped, as its tombstone would
/// have dropped it; one no longer remembered opens a connection, as after any tombstone. Fixed memory however
/// many connections the capture closes; a slot is allocated at the first connection forgotten.
struct ForgottenConnections {
    private struct Slot {
        var hash: UInt64
        /// Whole seconds of capture time: remembered while the clock's seconds are at most this.
        var untilSeconds: Int64
    }

    private static let empty = Slot(hash: 0, untilSeconds: .min)

    private let slotCount: Int
    private let seed = ConnectionIndex.processSeed
    private var slots: [Slot] = []

    /// `slots` is rounded up to a power of two (0 remembers nothing).
    init(slots: Int) {
        var count = 1
        while count < slots, count < 1 << 30 { count <<= 1 }
        slotCount = slots > 0 ? count : 0
    }

    /// Slots allocated and what each weighs: the memory it takes.
    var capacity: Int { slots.count }
    static var bytesPerSlot: Int { MemoryLayout<Slot>.stride }

    mutating func remember(_ key: ConnectionKey, until deadline: Timestamp) {
        guard slotCount > 0 else { return }
        if slots.isEmpty { slots = Array(repeating: Self.empty, count: slotCount) }
        let hash = ConnectionIndex.hash(key, seed: seed)
        slots[position(hash)] = Slot(hash: hash, untilSeconds: deadline.seconds)
    }

    /// Whether a packet for `key` at `now` is a late one of a remembered connection; its deadline then moves to
    /// `renewedUntil`. A packet that starts a new connection (a SYN) is not, and the connection is forgotten.
    mutating func absorbs(_ key: ConnectionKey, now: Timestamp, startsNew: Bool, renewedUntil: Timestamp) -> Bool {
        guard !slots.isEmpty else { return false }
        let hash = ConnectionIndex.hash(key, seed: seed)
        let position = position(hash)
        guard slots[position].hash == hash, now.seconds <= slots[position].untilSeconds else { return false }
        if startsNew {
            slots[position] = Self.empty
            return false
        }
        slots[position].untilSeconds = renewedUntil.seconds
        return true
    }

    private func position(_ hash: UInt64) -> Int {
        // The high bits: the index places by the low ones, so the two do not crowd the same way.
        Int(truncatingIfNeeded: hash >> 32) & (slotCount - 1)
    }
}
