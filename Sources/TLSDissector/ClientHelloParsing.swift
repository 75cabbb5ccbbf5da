// ClientHello decoding (RFC 8446 §4.1.2), in one pass over the body by index: the fields come out as ranges,
// and only the bytes that are kept (server name, ALPN names, suite and version lists) are read into values.
import WireFormat

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
        var reader = ByteCursor(body)
        let version: UInt16
        (version, randomBytes) = try readVersionAndRandom(&reader, of: body, message: "ClientHello")
        legacyVersion = ProtocolVersion(rawValue: version)
        sessionIDLength = try readSessionID(&reader, field: "ClientHello legacy_session_id")
        guard let suites = reader.readLengthPrefixedRange(as: UInt16.self) else {
            throw malformedHandshake("ClientHello cipher_suites length exceeds the message")
        }
        cipherSuites = try uint16Values(body, suites, field: "ClientHello cipher_suites", as: CipherSuite.init(rawValue:))
        guard let compression = reader.readLengthPrefixedRange(as: UInt8.self) else {
            throw malformedHandshake("ClientHello legacy_compression_methods length exceeds the message")
        }
        // Almost every hello offers only the null method: share one array instead of allocating one per hello.
        compressionMethods = compression.count == 1 && body[compression.lowerBound] == 0
            ? Self.nullCompressionOnly : Array(body[compression])
        if reader.isEmpty { return }  // SSL 3.0 / early TLS: no extensions block
        guard let extensionBlock = reader.readLengthPrefixedRange(as: UInt16.self) else {
            throw malformedHandshake("ClientHello extensions length exceeds the message")
        }
        guard reader.isEmpty else {
            throw malformedHandshake("ClientHello has \(reader.readableBytes) bytes after the extensions")
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
            var field = ByteCursor(body, range: data)
            guard let listRange = field.readLengthPrefixedRange(as: UInt16.self), field.isEmpty else {
                throw malformedHandshake("ClientHello server_name list length does not match its extension")
            }
            var list = ByteCursor(body, range: listRange)
            while !list.isEmpty {
                guard let nameType = list.readInteger(as: UInt8.self), let name = list.readLengthPrefixedRange(as: UInt16.self) else {
                    throw malformedHandshake("ClientHello server_name entry exceeds the list")
                }
                if nameType == 0 && serverName == nil { serverName = String(decoding: body[name], as: UTF8.self) }
            }
        case .supportedVersions:
            // RFC 8446 §4.2.1: ProtocolVersion versions<2..254>;
            var field = ByteCursor(body, range: data)
            guard let list = field.readLengthPrefixedRange(as: UInt8.self) else {
                throw malformedHandshake("ClientHello supported_versions length exceeds its extension")
            }
            guard field.isEmpty else {
                throw malformedHandshake("ClientHello supported_versions has \(field.readableBytes) trailing bytes")
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
            var field = ByteCursor(body, range: data)
            guard let listRange = field.readLengthPrefixedRange(as: UInt16.self), field.isEmpty else {
                throw malformedHandshake("ClientHello key_share client_shares length does not match its extension")
            }
            var list = ByteCursor(body, range: listRange)
            while !list.isEmpty {
                guard list.readInteger(as: UInt16.self) != nil, list.readLengthPrefixedRange(as: UInt16.self) != nil else {
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
