// ClientHello decoding (RFC 8446 §4.1.2), in one pass over the body by index: the fields come out as ranges,
// and only the bytes that are kept (server name, ALPN names, suite and version lists) are read into values.

/// A read position in a message body that hands out length-prefixed fields as index ranges of it, as
/// `ByteCursor` hands out slices. A ClientHello has a dozen such fields, nested three deep in its extensions, and
/// each slice cut and dropped cost a retain and a release of the buffer. Reads return nil when the bytes are short.
struct BodyReader {
    let bytes: ArraySlice<UInt8>
    /// The next byte to read; `end` is where the field being read ends.
    private(set) var position: Int
    let end: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.init(bytes, bytes.startIndex..<bytes.endIndex)
    }

    /// Reads `range` of `bytes` (a range this reader or another one over `bytes` handed out).
    init(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var remaining: Int { end - position }
    var isEmpty: Bool { position == end }

    @inline(__always)
    mutating func readUInt8() -> UInt8? {
        guard position < end else { return nil }
        let value = bytes[position]
        position += 1
        return value
    }

    @inline(__always)
    mutating func readUInt16() -> UInt16? {
        guard end - position >= 2 else { return nil }
        let value = UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
        position += 2
        return value
    }

    @inline(__always)
    mutating func readRange(length: Int) -> Range<Int>? {
        guard length >= 0, end - position >= length else { return nil }
        let start = position
        position += length
        return start..<position
    }

    /// `opaque field<0..2^8-1>`: the range of its bytes.
    @inline(__always)
    mutating func readUInt8PrefixedRange() -> Range<Int>? {
        guard position < end, Int(bytes[position]) <= end - position - 1 else { return nil }
        let start = position + 1
        position = start + Int(bytes[position])
        return start..<position
    }

    /// `opaque field<0..2^16-1>`: the range of its bytes.
    @inline(__always)
    mutating func readUInt16PrefixedRange() -> Range<Int>? {
        guard end - position >= 2 else { return nil }
        let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
        guard length <= end - position - 2 else { return nil }
        let start = position + 2
        position = start + length
        return start..<position
    }
}

extension ClientHello {
    /// RFC 8446 §4.1.2 (RFC 5246 §7.4.1.2 for ≤ 1.2, where extensions may be absent):
    ///     struct {
    ///         ProtocolVersion legacy_version;
    ///         Random random;
    ///         opaque legacy_session_id<0..32>;
    ///         CipherSuite cipher_suites<2..2^16-2>;
    ///         opaque legacy_compression_methods<1..2^8-1>;
    ///         Extension extensions<8..2^16-1>;
    ///     } ClientHello;
    init(parsing body: ArraySlice<UInt8>) throws(TLSParseError) {
        // Filled in by a method, then moved: parsed in the initializer itself, the hello was copied once more.
        var hello = ClientHello()
        try hello.read(body)
        self = hello
    }

    private mutating func read(_ body: ArraySlice<UInt8>) throws(TLSParseError) {
        var reader = BodyReader(body)
        guard let version = reader.readUInt16(), let random = reader.readRange(length: 32) else {
            throw malformedHandshake("ClientHello of \(body.count) bytes ends inside version and random")
        }
        legacyVersion = ProtocolVersion(rawValue: version)
        randomBytes = HelloRandom(body[random])
        guard let sessionID = reader.readUInt8PrefixedRange() else {
            throw malformedHandshake("ClientHello legacy_session_id length exceeds the message")
        }
        guard sessionID.count <= 32 else {
            throw malformedHandshake("ClientHello legacy_session_id length \(sessionID.count) exceeds 32")
        }
        sessionIDLength = sessionID.count
        guard let suites = reader.readUInt16PrefixedRange() else {
            throw malformedHandshake("ClientHello cipher_suites length exceeds the message")
        }
        cipherSuites = try uint16Values(body, suites, field: "ClientHello cipher_suites", as: CipherSuite.init(rawValue:))
        guard let compression = reader.readUInt8PrefixedRange() else {
            throw malformedHandshake("ClientHello legacy_compression_methods length exceeds the message")
        }
        // Almost every hello offers only the null method: share one array instead of allocating one per hello.
        compressionMethods = compression.count == 1 && body[compression.lowerBound] == 0
            ? Self.nullCompressionOnly : Array(body[compression])
        if reader.isEmpty { return }  // SSL 3.0 / early TLS: no extensions block
        guard let extensionBlock = reader.readUInt16PrefixedRange() else {
            throw malformedHandshake("ClientHello extensions length exceeds the message")
        }
        guard reader.isEmpty else {
            throw malformedHandshake("ClientHello has \(reader.remaining) bytes after the extensions")
        }
        // (The block's slice keeps the body's indices: the ranges the extension reader hands out index `body` too.)
        var extensions = ExtensionReader(body[extensionBlock], in: "ClientHello")
        while let (type, data) = try extensions.next() {
            extensionCount += 1
            try apply(type, data, of: body)
        }
    }

    private static let nullCompressionOnly: [UInt8] = [0]

    /// Reads the extension of `type` whose data is `data` of `body`.
    private mutating func apply(_ type: ExtensionType, _ data: Range<Int>, of body: ArraySlice<UInt8>) throws(TLSParseError) {
        switch type {
        case .serverName:
            // RFC 6066 §3: struct { NameType name_type; select (name_type) { case host_name: HostName; } name; }
            // ServerName; ServerName server_name_list<1..2^16-1>; HostName = opaque<1..2^16-1>.
            if data.isEmpty { return }
            var field = BodyReader(body, data)
            guard let listRange = field.readUInt16PrefixedRange(), field.isEmpty else {
                throw malformedHandshake("ClientHello server_name list length does not match its extension")
            }
            var list = BodyReader(body, listRange)
            while !list.isEmpty {
                guard let nameType = list.readUInt8(), let name = list.readUInt16PrefixedRange() else {
                    throw malformedHandshake("ClientHello server_name entry exceeds the list")
                }
                if nameType == 0 && serverName == nil { serverName = String(decoding: body[name], as: UTF8.self) }
            }
        case .supportedVersions:
            // RFC 8446 §4.2.1: ProtocolVersion versions<2..254>;
            var field = BodyReader(body, data)
            guard let list = field.readUInt8PrefixedRange() else {
                throw malformedHandshake("ClientHello supported_versions length exceeds its extension")
            }
            guard field.isEmpty else {
                throw malformedHandshake("ClientHello supported_versions has \(field.remaining) trailing bytes")
            }
            supportedVersions = try uint16Values(body, list, field: "ClientHello supported_versions",
                                                 as: ProtocolVersion.init(rawValue:))
        case .applicationLayerProtocolNegotiation:
            alpnProtocols = try readALPNList(body, data, in: "ClientHello")
        // Checked, not kept: no diagnosis reads them, and keeping them was two arrays per hello.
        case .supportedGroups:
            // RFC 8446 §4.2.7: NamedGroup named_group_list<2..2^16-1>;
            try Self.checkUInt16Vector(body, data, field: "ClientHello supported_groups")
        case .signatureAlgorithms:
            try Self.checkUInt16Vector(body, data, field: "ClientHello signature_algorithms")
        case .keyShare, .keyShareDraft:
            // RFC 8446 §4.2.8: struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
            // KeyShareEntry client_shares<0..2^16-1>;
            var field = BodyReader(body, data)
            guard let listRange = field.readUInt16PrefixedRange(), field.isEmpty else {
                throw malformedHandshake("ClientHello key_share client_shares length does not match its extension")
            }
            var list = BodyReader(body, listRange)
            while !list.isEmpty {
                guard list.readUInt16() != nil, list.readUInt16PrefixedRange() != nil else {
                    throw malformedHandshake("ClientHello key_share entry exceeds client_shares")
                }
            }
        case .preSharedKey: offersPreSharedKey = true
        case .earlyData: offersEarlyData = true
        case .sessionTicket: offersSessionTicket = !data.isEmpty
        default: break
        }
    }

    /// Checks a `uint16 values<..>` list with a 2-byte length prefix that must fill `data` exactly, for a list
    /// that is not kept.
    @inline(__always)
    private static func checkUInt16Vector(_ body: ArraySlice<UInt8>, _ data: Range<Int>,
                                          field: StaticString) throws(TLSParseError) {
        let available = data.count
        let start = data.lowerBound
        let length = available >= 2 ? Int(body[start]) << 8 | Int(body[start + 1]) : Int.max
        guard length <= available - 2 else { throw malformedHandshake("\(field) length exceeds its extension") }
        guard length == available - 2 else { throw malformedHandshake("\(field) has \(available - 2 - length) trailing bytes") }
        guard length.isMultiple(of: 2) else { throw malformedHandshake("\(field) length \(length) is odd") }
    }
}
