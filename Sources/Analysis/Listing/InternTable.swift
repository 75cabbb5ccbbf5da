/// Values many connections share (an SNI, a leaf certificate's SHA-256, a server), each stored once per list
/// and named in the list's entries by a 4-byte number: an entry then holds no heap value of its own.
struct InternTable<Value: Hashable & Sendable>: Sendable {
    /// The number an entry holds for "no value".
    static var none: UInt32 { .max }

    private(set) var values: [Value] = []
    private var numbers: [Value: UInt32] = [:]
    /// The number given last: consecutive connections mostly share their server, name and certificate, and
    /// comparing with the last value is cheaper than hashing.
    private var last = Self.none

    var count: Int { values.count }

    /// `value`'s number, added when new.
    mutating func number(of value: Value) -> UInt32 {
        if Int(last) < values.count, Self.same(values[Int(last)], value) { return last }
        // A short table (causes, stages, most captures' names) is searched: cheaper than hashing the value.
        if values.count <= Self.searchedCount {
            for index in values.indices where Self.same(values[index], value) {
                last = UInt32(truncatingIfNeeded: index)
                return last
            }
        } else if let number = numbers[value] {
            last = number
            return number
        }
        // Four billion distinct values cannot be held in memory anyway: past that, the last number is reused.
        guard values.count < Int(Self.none) else { return Self.none - 1 }
        let number = UInt32(values.count)
        values.append(value)
        numbers[value] = number
        last = number
        return number
    }

    private static var searchedCount: Int { 8 }

    /// `a == b`; for strings, lengths first: most values searched are not the one sought, and comparing two
    /// different strings' bytes costs far more than their counts.
    @inline(__always)
    private static func same(_ a: Value, _ b: Value) -> Bool {
        if let a = a as? String, let b = b as? String, a.utf8.count != b.utf8.count { return false }
        return a == b
    }

    mutating func number(of value: Value?) -> UInt32 {
        guard let value else { return Self.none }
        return number(of: value)
    }

    /// The value numbered `number`; nil for `none`.
    subscript(number: UInt32) -> Value? {
        Int(number) < values.count ? values[Int(number)] : nil
    }

    /// Adds `other`'s values and returns, for each of its numbers, the number the value has here (the parts
    /// of a sharded analysis merge into one list).
    mutating func merge(_ other: InternTable) -> Renumbering {
        Renumbering(numbers: other.values.map { number(of: $0) })
    }
}

/// Numbers of one table's values in another, after a `merge`.
struct Renumbering {
    var numbers: [UInt32]

    /// `none` stays `none`.
    subscript(number: UInt32) -> UInt32 {
        Int(number) < numbers.count ? numbers[Int(number)] : number
    }
}
