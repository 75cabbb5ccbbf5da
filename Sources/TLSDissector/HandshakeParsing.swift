import WireFormat

// Decoding of one handshake message body, already cut to its declared length (RFC 8446 §4, RFC 5246 §7.4).
// Every length prefix is checked against what is left; errors name the field.

func malformedHandshake(_ detail: String) -> TLSParseError {
    TLSParseError(code: .malformedHandshake, detail: detail)
}

extension HandshakeMessage {
    /// Decodes a message body. `version` is the version this direction's ServerHello chose, when known
    /// (it selects the CertificateRequest layout).
    init(type: HandshakeType, body: ArraySlice<UInt8>, version: ProtocolVersion?) throws(TLSParseError) {
        switch type {
        case .helloRequest: self = .helloRequest
        case .clientHello: self = .clientHello(try ClientHello(parsing: body))
        case .serverHello: self = .serverHello(try ServerHello(parsing: body))
        case .newSessionTicket: self = .newSessionTicket
        case .encryptedExtensions: self = .encryptedExtensions
        case .certificate: self = .certificate(try CertificateMessage(parsing: body, version: version))
        case .serverKeyExchange: self = .serverKeyExchange(length: body.count)
        case .certificateRequest: self = .certificateRequest(try CertificateRequest(parsing: body, version: version))
        case .serverHelloDone: self = .serverHelloDone
        case .certificateVerify: self = .certificateVerify
        case .clientKeyExchange: self = .clientKeyExchange(length: body.count)
        case .finished: self = .finished
        case .certificateStatus: self = .certificateStatus
        default: self = .other(type, length: body.count)
        }
    }
}

// MARK: - Shared readers

/// Walks `Extension extensions<..>` (RFC 8446 §4.2): `struct { ExtensionType extension_type;
/// opaque extension_data<0..2^16-1>; } Extension;`
/// An inlined iterator that reads by index: it runs for every extension of every hello, where a closure call
/// per extension and the cursor's out-of-line slicing were a measurable share of the parse. It hands out where
/// each extension's data lies rather than a slice: the caller slices its own block, which costs no retain and
/// release of the buffer per extension (a slice returned, and the rest kept as a slice, cost two).
struct ExtensionReader {
    private let block: ArraySlice<UInt8>
    /// Where the extensions not read yet start.
    private var position: Int
    private let message: StaticString

    init(_ block: ArraySlice<UInt8>, in message: StaticString) {
        self.block = block
        self.position = block.startIndex
        self.message = message
    }

    /// The next extension's type and the indices of its data in the block, or nil after the last one.
    @inline(__always)
    mutating func next() throws(TLSParseError) -> (type: ExtensionType, data: Range<Int>)? {
        let start = position
        let available = block.endIndex - start
        if available == 0 { return nil }
        guard available >= 2 else {
            throw malformedHandshake("\(message) extensions end inside an extension type")
        }
        let type = ExtensionType(rawValue: UInt16(block[start]) << 8 | UInt16(block[start + 1]))
        let length = available >= 4 ? Int(block[start + 2]) << 8 | Int(block[start + 3]) : Int.max
        guard length <= available - 4 else {
            throw malformedHandshake("\(message) extension \(type) length exceeds the extensions block")
        }
        position = start + 4 + length
        return (type, (start + 4)..<position)
    }
}

/// Reads a vector of 16-bit values whose byte length is prefixed by `Prefix`, which must fill `data` exactly.
/// Inlined, as is `uint16Values`, so that `make` (a wrapper's initializer) is inlined into the loop: a shared
/// out-of-line copy calls it through a pointer for every value of every ClientHello list.
@inline(__always)
func readUInt16Vector<Prefix: FixedWidthInteger, Value>(
    _ data: ArraySlice<UInt8>, prefix: Prefix.Type, field: String, as make: (UInt16) -> Value
) throws(TLSParseError) -> [Value] {
    var cursor = ByteCursor(data)
    guard let list = cursor.readLengthPrefixedSlice(as: Prefix.self) else {
        throw malformedHandshake("\(field) length exceeds its extension")
    }
    guard cursor.isEmpty else { throw malformedHandshake("\(field) has \(cursor.readableBytes) trailing bytes") }
    return try uint16Values(list, field: field, as: make)
}

/// The 16-bit values of `list`, each made into a `Value` (one allocation, no intermediate array).
@inline(__always)
/// A hello's first fields, `ProtocolVersion legacy_version; Random random;`.
func readVersionAndRandom(_ reader: inout ByteCursor, of body: ArraySlice<UInt8>,
                          message: StaticString) throws(TLSParseError) -> (UInt16, HelloRandom?) {
    guard let version = reader.readInteger(as: UInt16.self), let random = reader.readRange(length: 32) else {
        throw malformedHandshake("\(message) of \(body.count) bytes ends inside version and random")
    }
    return (version, HelloRandom(body[random]))
}

/// A hello's `opaque legacy_session_id<0..32>` (or its echo): its length, as the session id is not kept.
func readSessionID(_ reader: inout ByteCursor, field: StaticString) throws(TLSParseError) -> Int {
    guard let sessionID = reader.readLengthPrefixedRange(as: UInt8.self) else {
        throw malformedHandshake("\(field) length exceeds the message")
    }
    guard sessionID.count <= 32 else {
        throw malformedHandshake("\(field) length \(sessionID.count) exceeds 32")
    }
    return sessionID.count
}

func uint16Values<Value>(
    _ list: ArraySlice<UInt8>, field: String, as make: (UInt16) -> Value
) throws(TLSParseError) -> [Value] {
    try uint16Values(list, list.startIndex..<list.endIndex, field: field, as: make)
}

/// The 16-bit values at `range` of `bytes`, gathered in a temporary buffer and copied into the array at once: an
/// `append` per value checked capacity and uniqueness for each of a ClientHello's thirty-odd suites.
/// (`Array(unsafeUninitializedCapacity:)` would spare the copy, but allocates through unspecialized code, which
/// costs more than it saves.)
@inline(__always)
func uint16Values<Value>(
    _ bytes: ArraySlice<UInt8>, _ range: Range<Int>, field: String, as make: (UInt16) -> Value
) throws(TLSParseError) -> [Value] {
    guard range.count.isMultiple(of: 2) else { throw malformedHandshake("\(field) length \(range.count) is odd") }
    let count = range.count / 2
    let start = range.lowerBound
    return withUnsafeTemporaryAllocation(of: Value.self, capacity: count) { buffer in
        for index in 0..<count {
            let at = start + 2 * index
            buffer.initializeElement(at: index, to: make(UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])))
        }
        defer { _ = buffer.deinitialize() }
        return Array(buffer)
    }
}

/// `opaque ProtocolName<1..2^8-1>; ProtocolName protocol_name_list<2..2^16-1>;` (RFC 7301 §3.1), at `data` of `bytes`.
func readALPNList(_ bytes: ArraySlice<UInt8>, _ data: Range<Int>, in message: String) throws(TLSParseError) -> [String] {
    var field = ByteCursor(bytes, range: data)
    guard let listRange = field.readLengthPrefixedRange(as: UInt16.self), field.isEmpty else {
        throw malformedHandshake("\(message) application_layer_protocol_negotiation list length does not match")
    }
    var list = ByteCursor(bytes, range: listRange)
    var names: [String] = []
    // A name takes at least 2 bytes with its length ("h2" 3, "http/1.1" 9): one allocation for the usual list.
    names.reserveCapacity(min(max(list.readableBytes / 3, 1), 8))
    while !list.isEmpty {
        guard let name = list.readLengthPrefixedRange(as: UInt8.self) else {
            throw malformedHandshake("\(message) ALPN protocol name length exceeds the list")
        }
        names.append(String(decoding: bytes[name], as: UTF8.self))
    }
    return names
}

// MARK: - ServerHello

extension ServerHello {
    /// SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 §4.1.3).
    static let helloRetryRequestRandom: [UInt8] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]

    /// RFC 8446 §4.1.3 (RFC 5246 §7.4.1.3 for ≤ 1.2, extensions optional):
    ///     struct {
    ///         ProtocolVersion legacy_version;
    ///         Random random;
    ///         opaque legacy_session_id_echo<0..32>;
    ///         CipherSuite cipher_suite;
    ///         uint8 legacy_compression_method;
    ///         Extension extensions<6..2^16-1>;
    ///     } ServerHello;
    /// TLS 1.3 drafts before draft-22 (version 0x7f00–0x7f15) had no session id and no compression method.
    init(parsing body: ArraySlice<UInt8>) throws(TLSParseError) {
        // Filled in by a method, then moved: parsed in the initializer itself, the hello was copied once more.
        var hello = ServerHello()
        try hello.read(body)
        self = hello
    }

    /// The same random as a `HelloRandom`, to compare with the one a hello holds.
    private static let helloRetryRequestMarker = HelloRandom(helloRetryRequestRandom[...])

    // Read by index, as the ClientHello is (ClientHelloParsing.swift): no slice per field.
    private mutating func read(_ body: ArraySlice<UInt8>) throws(TLSParseError) {
        var reader = ByteCursor(body)
        let version: UInt16
        (version, randomBytes) = try readVersionAndRandom(&reader, of: body, message: "ServerHello")
        legacyVersion = ProtocolVersion(rawValue: version)
        isHelloRetryRequest = randomBytes == Self.helloRetryRequestMarker
        let isEarlyDraft = version >> 8 == 0x7f && version & 0xff < 22
        if !isEarlyDraft {
            sessionIDLength = try readSessionID(&reader, field: "ServerHello legacy_session_id_echo")
        }
        guard let suite = reader.readInteger(as: UInt16.self) else {
            throw malformedHandshake("ServerHello ends before cipher_suite")
        }
        cipherSuite = CipherSuite(rawValue: suite)
        if !isEarlyDraft {
            guard let compression = reader.readInteger(as: UInt8.self) else {
                throw malformedHandshake("ServerHello ends before legacy_compression_method")
            }
            compressionMethod = compression
        }
        if reader.isEmpty { return }
        guard let extensionBlock = reader.readLengthPrefixedRange(as: UInt16.self) else {
            throw malformedHandshake("ServerHello extensions length exceeds the message")
        }
        guard reader.isEmpty else {
            throw malformedHandshake("ServerHello has \(reader.readableBytes) bytes after the extensions")
        }
        extensions.reserveCapacity(min(extensionBlock.count / 4, 8))
        var extensionReader = ExtensionReader(body[extensionBlock], in: "ServerHello")
        while let (type, data) = try extensionReader.next() {
            extensions.append(type)
            try apply(type, data, of: body)
        }
    }

    /// Reads the extension of `type` whose data is `data` of `body`.
    private mutating func apply(_ type: ExtensionType, _ data: Range<Int>, of body: ArraySlice<UInt8>) throws(TLSParseError) {
        var field = ByteCursor(body, range: data)
        switch type {
        case .supportedVersions:
            // RFC 8446 §4.2.1: ProtocolVersion selected_version;
            guard let version = field.readInteger(as: UInt16.self), field.isEmpty else {
                throw malformedHandshake("ServerHello supported_versions is \(data.count) bytes, not 2")
            }
            selectedVersion = ProtocolVersion(rawValue: version)
        case .applicationLayerProtocolNegotiation:
            let names = try readALPNList(body, data, in: "ServerHello")
            guard names.count == 1 else {
                throw malformedHandshake("ServerHello ALPN lists \(names.count) protocols, not 1")
            }
            alpnProtocol = names[0]
        case .keyShare, .keyShareDraft:
            // ServerHello: KeyShareEntry server_share; HelloRetryRequest: NamedGroup selected_group.
            guard let group = field.readInteger(as: UInt16.self) else {
                throw malformedHandshake("ServerHello key_share is \(data.count) bytes")
            }
            if !isHelloRetryRequest {
                guard field.readLengthPrefixedRange(as: UInt16.self) != nil, field.isEmpty else {
                    throw malformedHandshake("ServerHello key_share key_exchange length does not match")
                }
            }
            keyShareGroup = NamedGroup(rawValue: group)
        case .preSharedKey:
            // RFC 8446 §4.2.11: uint16 selected_identity;
            guard field.readInteger(as: UInt16.self) != nil, field.isEmpty else {
                throw malformedHandshake("ServerHello pre_shared_key is \(data.count) bytes, not 2")
            }
            acceptsPreSharedKey = true
        default: break
        }
    }
}

// MARK: - Certificate and CertificateRequest

extension CertificateMessage {
    /// TLS ≤ 1.2 (RFC 5246 §7.4.2): `opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>;`
    /// TLS 1.3 (RFC 8446 §4.4.2), seen in plaintext in draft-era captures:
    /// `opaque certificate_request_context<0..2^8-1>; CertificateEntry certificate_list<0..2^24-1>;` with
    /// `struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;`
    /// The ≤ 1.2 layout is tried first; a layout is accepted only when its lengths add up exactly.
    /// With `version` TLS 1.3 (a decrypted handshake), the TLS 1.3 layout is tried first.
    init(parsing body: ArraySlice<UInt8>, version: ProtocolVersion? = nil) throws(TLSParseError) {
        let found = version == .tls13 ? Self.tls13List(body) ?? Self.tls12List(body) : Self.tls12List(body) ?? Self.tls13List(body)
        if let certificates = found {
            self.init(certificates: certificates)
        } else {
            throw malformedHandshake(
                "Certificate lengths do not add up to its \(body.count) bytes (neither the TLS 1.2 nor the TLS 1.3 layout)")
        }
    }

    private static func tls12List(_ body: ArraySlice<UInt8>) -> [[UInt8]]? {
        var cursor = ByteCursor(body)
        guard var list = cursor.readUInt24LengthPrefixedSlice().map(ByteCursor.init), cursor.isEmpty else { return nil }
        var certificates: [[UInt8]] = []
        while !list.isEmpty {
            guard let der = list.readUInt24LengthPrefixedSlice(), !der.isEmpty else { return nil }
            certificates.append(Array(der))
        }
        return certificates
    }

    private static func tls13List(_ body: ArraySlice<UInt8>) -> [[UInt8]]? {
        var cursor = ByteCursor(body)
        guard cursor.readLengthPrefixedSlice(as: UInt8.self) != nil,
              var list = cursor.readUInt24LengthPrefixedSlice().map(ByteCursor.init), cursor.isEmpty else { return nil }
        var certificates: [[UInt8]] = []
        while !list.isEmpty {
            guard let der = list.readUInt24LengthPrefixedSlice(), !der.isEmpty,
                  list.readLengthPrefixedSlice(as: UInt16.self) != nil else { return nil }
            certificates.append(Array(der))
        }
        return certificates
    }
}

extension CertificateRequest {
    /// RFC 5246 §7.4.4 (TLS 1.2; TLS 1.0/1.1 lack supported_signature_algorithms):
    ///     struct {
    ///         ClientCertificateType certificate_types<1..2^8-1>;
    ///         SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
    ///         DistinguishedName certificate_authorities<0..2^16-1>;
    ///     } CertificateRequest;           opaque DistinguishedName<1..2^16-1>;
    /// RFC 8446 §4.3.2 (plaintext only in drafts): `opaque certificate_request_context<0..2^8-1>;
    /// Extension extensions<2..2^16-1>;` (a decrypted TLS 1.3 handshake). The layout of `version` is tried first.
    init(parsing body: ArraySlice<UInt8>, version: ProtocolVersion?) throws(TLSParseError) {
        self.init()
        let tls12First = version.map { $0 >= .tls12 } ?? true
        let layouts: [(ArraySlice<UInt8>) -> CertificateRequest?] = version == .tls13
            ? [Self.tls13Layout, { Self.legacyLayout($0, withSignatures: true) }]
            : tls12First
            ? [{ Self.legacyLayout($0, withSignatures: true) }, { Self.legacyLayout($0, withSignatures: false) }, Self.tls13Layout]
            : [{ Self.legacyLayout($0, withSignatures: false) }, { Self.legacyLayout($0, withSignatures: true) }, Self.tls13Layout]
        for layout in layouts {
            if let request = layout(body) {
                self = request
                return
            }
        }
        throw malformedHandshake("CertificateRequest lengths do not add up to its \(body.count) bytes")
    }

    private static func legacyLayout(_ body: ArraySlice<UInt8>, withSignatures: Bool) -> CertificateRequest? {
        var cursor = ByteCursor(body)
        var request = CertificateRequest()
        guard let types = cursor.readLengthPrefixedSlice(as: UInt8.self), !types.isEmpty else { return nil }
        request.certificateTypes = Array(types)
        if withSignatures {
            guard let list = cursor.readLengthPrefixedSlice(as: UInt16.self),
                  let schemes = try? uint16Values(list, field: "", as: SignatureScheme.init(rawValue:)) else { return nil }
            request.signatureAlgorithms = schemes
        }
        guard let names = cursor.readLengthPrefixedSlice(as: UInt16.self), cursor.isEmpty,
              let authorities = distinguishedNames(names) else { return nil }
        request.certificateAuthorities = authorities
        return request
    }

    private static func tls13Layout(_ body: ArraySlice<UInt8>) -> CertificateRequest? {
        var cursor = ByteCursor(body)
        guard cursor.readLengthPrefixedSlice(as: UInt8.self) != nil,
              let block = cursor.readLengthPrefixedSlice(as: UInt16.self), cursor.isEmpty else { return nil }
        var request = CertificateRequest()
        var reader = ExtensionReader(block, in: "CertificateRequest")
        do {
            while let (type, range) = try reader.next() {
                let data = block[range]
                if type == .signatureAlgorithms {
                    request.signatureAlgorithms = try readUInt16Vector(data, prefix: UInt16.self, field: "",
                                                                       as: SignatureScheme.init(rawValue:))
                } else if type == .certificateAuthorities {
                    var inner = ByteCursor(data)
                    guard let names = inner.readLengthPrefixedSlice(as: UInt16.self), inner.isEmpty,
                          let authorities = distinguishedNames(names) else { throw malformedHandshake("") }
                    request.certificateAuthorities = authorities
                }
            }
        } catch {
            return nil
        }
        return request
    }

    private static func distinguishedNames(_ list: ArraySlice<UInt8>) -> [[UInt8]]? {
        var cursor = ByteCursor(list)
        var names: [[UInt8]] = []
        while !cursor.isEmpty {
            guard let name = cursor.readLengthPrefixedSlice(as: UInt16.self), !name.isEmpty else { return nil }
            names.append(Array(name))
        }
        return names
    }
}
