/// A JSON value whose objects keep their keys in the order written: the report contract fixes the key order,
/// which a `Dictionary` would lose. No Foundation needed.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// Written in Swift's shortest round-trip form; NaN and infinities are written as `null`.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An ordered list of members. Keys are not deduplicated: the builder is trusted to write each once.
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member(key: $0.0, value: $0.1) }
    }

    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    /// The first member's value under `key`.
    public subscript(key: String) -> JSONValue? {
        members.first(where: { $0.key == key })?.value
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }

    /// `.string`, or `.null` for nil (the contract writes unknown values as null, never omits the key).
    public init(_ string: String?) { self = string.map(JSONValue.string) ?? .null }
    public init(_ int: Int?) { self = int.map(JSONValue.int) ?? .null }
    public init(_ strings: [String]) { self = .array(strings.map(JSONValue.string)) }
}
