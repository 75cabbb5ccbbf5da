/// A value behind a reference, with value semantics: copied on write when the reference is shared.
///
/// For large state that is cold or often absent: a holder keeps one pointer inline instead of hundreds of bytes,
/// which matters when a capture holds tens of thousands of connections at once (a flood of SYNs).
struct CopyOnWriteBox<Value> {
    final class Storage {
        /// Not checked for exclusive access at run time (a class property otherwise is, twice a packet for the
        /// connection trackers): `value` below changes it only through a reference it has just found unique, so no
        /// second access can overlap a change.
        @exclusivity(unchecked) fileprivate(set) var value: Value
        init(_ value: Value) { self.value = value }
    }

    /// For reading a part in place: `storage.value.part` loads that part only, where the `value` getter copies
    /// the whole value (retaining everything it holds) first.
    private(set) var storage: Storage

    init(_ value: Value) { storage = Storage(value) }

    var value: Value {
        get { storage.value }
        _modify {
            if !isKnownUniquelyReferenced(&storage) { storage = Storage(storage.value) }
            yield &storage.value
        }
    }
}
