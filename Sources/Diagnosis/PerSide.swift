/// One optional value per side of a connection: what `[Side: Value]` offers, stored inline (no hash table,
/// no allocation), since the pipeline reads and writes these for every packet.
public struct PerSide<Value> {
    private var client: Value?
    private var server: Value?

    public init() {}

    public subscript(side: Side) -> Value? {
        get { side == .client ? client : server }
        set { if side == .client { client = newValue } else { server = newValue } }
    }

    public subscript(side: Side, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[side] ?? defaultValue() }
        set { self[side] = newValue }
    }

    public var isEmpty: Bool { client == nil && server == nil }

    /// The values present, client first.
    public var values: [Value] { [client, server].compactMap { $0 } }

    /// Client and server exchanged (roles were guessed the wrong way round).
    public func swapped() -> PerSide {
        var result = PerSide()
        result.client = server
        result.server = client
        return result
    }
}

extension PerSide: Sendable where Value: Sendable {}
extension PerSide: Equatable where Value: Equatable {}
extension PerSide: Hashable where Value: Hashable {}

extension PerSide: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (Side, Value)...) {
        self.init()
        for (side, value) in elements { self[side] = value }
    }
}
