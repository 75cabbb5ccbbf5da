// The handshake messages tlsdiag reads (RFC 8446 §4, RFC 5246 §7.4). Only what a diagnosis needs is kept.

/// ClientHello (RFC 8446 §4.1.2), or an SSLv2-compatible CLIENT-HELLO (RFC 5246 Appendix E.2).
public struct ClientHello: Sendable, Hashable {
    /// (First: its spare byte then holds `legacyVersion`, and the hello stays small enough to move inline.)
    var randomBytes: HelloRandom?
    public var legacyVersion: ProtocolVersion = .tls12
    /// The 32-byte Random (what an NSS key log is keyed by). Empty for SSLv2-format hellos.
    public var random: [UInt8] { randomBytes?.bytes ?? [] }
    public var sessionIDLength: Int = 0
    public var cipherSuites: [CipherSuite] = []
    /// How many extensions the hello carried. Their types are not kept: no report or diagnosis reads the list (what
    /// one does read, SNI, ALPN, versions, PSK, ticket, early data, is below), and it was an array per hello.
    public var extensionCount: Int = 0
    /// The host_name from server_name, exactly as sent (untrusted; bytes decoded as UTF-8 with replacement).
    public var serverName: String? = nil
    /// supported_versions, in the client's order (empty when the extension is absent).
    public var supportedVersions: [ProtocolVersion] = []
    public var alpnProtocols: [String] = []
    /// pre_shared_key offered (TLS 1.3 resumption).
    public var offersPreSharedKey: Bool = false
    /// A non-empty session_ticket extension (TLS 1.2 ticket resumption).
    public var offersSessionTicket: Bool = false
    public var offersEarlyData: Bool = false
    /// Sent in the SSLv2 record format.
    public var isSSLv2Format: Bool = false
    /// SSLv2-format hellos only: the 3-byte cipher specs that are not TLS suites (first byte non-zero, e.g.
    /// `0x010080` SSL_CK_RC4_128_WITH_MD5). Specs with first byte 0 are TLS suites and are in `cipherSuites`.
    public var sslv2CipherSpecs: [UInt32] = []
    /// legacy_compression_methods (RFC 5246 §7.4.1.2); `[0]` = null only. Empty for SSLv2-format hellos.
    public var compressionMethods: [UInt8] = []

    public init() {}

    /// The versions this client can speak, newest first: supported_versions when present (GREASE dropped),
    /// else every version from TLS 1.0 up to `legacyVersion` (also for SSLv2-format hellos); `[SSL 2.0]` for an
    /// SSLv2-format hello whose version is 0x0002.
    public var offeredVersions: [ProtocolVersion] {
        Self.offeredVersions(supported: supportedVersions, legacy: legacyVersion)
    }

    /// `offeredVersions` from the two fields it reads, for a reader that has them and not the hello (read from a
    /// hello held in an array, the getter made the caller copy the whole hello, a dozen arrays, first).
    public static func offeredVersions(supported supportedVersions: [ProtocolVersion],
                                       legacy legacyVersion: ProtocolVersion) -> [ProtocolVersion] {
        if !supportedVersions.isEmpty {
            // The usual list (no GREASE, newest first) is returned as it is: no copy.
            if Self.isNewestFirstWithoutGREASE(supportedVersions) { return supportedVersions }
            let listed = supportedVersions.filter { !$0.isGREASE }
            if !listed.isEmpty {
                // Clients list newest first; sort (stably) only when one did not.
                if Self.isNewestFirstWithoutGREASE(listed) { return listed }
                return listed.enumerated()
                    .sorted { ($0.element.recency, $1.offset) > ($1.element.recency, $0.offset) }
                    .map(\.element)
            }
        }
        if legacyVersion <= .ssl3 { return [legacyVersion] }
        // The range down to TLS 1.0: whether a TLS client would still fall back to SSL 3.0 is not in the
        // hello, and claiming it did would mislead a reader.
        let newer = Self.tlsVersionsNewestFirst.prefix { $0 > legacyVersion }.count
        return newer == Self.tlsVersionsNewestFirst.count ? [legacyVersion] : Self.tlsVersionRanges[newer]
    }

    private static let tlsVersionsNewestFirst: [ProtocolVersion] = [.tls13, .tls12, .tls11, .tls10]
    /// `tlsVersionsNewestFirst` without its first 0, 1, 2, 3 entries (made once, shared by every hello).
    private static let tlsVersionRanges: [[ProtocolVersion]] = (0..<4).map { Array(tlsVersionsNewestFirst.dropFirst($0)) }

    private static func isNewestFirstWithoutGREASE(_ versions: [ProtocolVersion]) -> Bool {
        var previous: ProtocolVersion?
        for version in versions {
            if version.isGREASE { return false }
            if let previous, previous.recency < version.recency { return false }
            previous = version
        }
        return true
    }

    /// offered cipher suites without signaling values (SCSVs, GREASE).
    public var realCipherSuites: [CipherSuite] { cipherSuites.filter { !$0.isSignalingValue } }
}

/// A hello's 32-byte Random, held inline: every hello has one and only a key log reads it, where an array was an
/// allocation and a release per hello. (Four words rather than `SIMD32`, whose 16-byte alignment pads the hello.)
struct HelloRandom: Sendable, Hashable {
    private var first: UInt64, second: UInt64, third: UInt64, fourth: UInt64

    /// nil unless `bytes` holds exactly 32 bytes.
    init?(_ bytes: ArraySlice<UInt8>) {
        guard bytes.count == 32 else { return nil }
        (first, second, third, fourth) = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// The bytes in wire order (the words hold them as loaded, in memory order).
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [first, second, third, fourth] {
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}

/// ServerHello (RFC 8446 §4.1.3), which is a HelloRetryRequest when its random is the RFC's magic value.
public struct ServerHello: Sendable, Hashable {
    /// (First, as in `ClientHello`.)
    var randomBytes: HelloRandom?
    public var legacyVersion: ProtocolVersion = .tls12
    /// The 32-byte Random (TLS ≤ 1.2 key derivation needs it). Empty for SSLv2 SERVER-HELLOs.
    public var random: [UInt8] { randomBytes?.bytes ?? [] }
    /// legacy_session_id_echo's length (0–32).
    public var sessionIDLength: Int = 0
    public var cipherSuite: CipherSuite = CipherSuite(rawValue: 0)
    public var extensions: [ExtensionType] = []
    /// supported_versions' selected_version, when present.
    public var selectedVersion: ProtocolVersion? = nil
    public var alpnProtocol: String? = nil
    public var keyShareGroup: NamedGroup? = nil
    public var isHelloRetryRequest: Bool = false
    /// pre_shared_key accepted (TLS 1.3 resumption).
    public var acceptsPreSharedKey: Bool = false
    /// legacy_compression_method (RFC 5246 §7.4.1.3); 0 = null.
    public var compressionMethod: UInt8 = 0
    /// An SSLv2 SERVER-HELLO (its certificate, if any, follows as a separate `.certificate` event).
    /// `legacyVersion` is then the SSLv2 server version and `cipherSuite` is 0: SSLv2 servers list
    /// `sslv2CipherSpecs` and the client picks one later.
    public var isSSLv2Format: Bool = false
    public var sslv2CipherSpecs: [UInt32] = []

    public init() {}

    /// selected_version, else legacy_version.
    public var negotiatedVersion: ProtocolVersion { selectedVersion ?? legacyVersion }
}

/// Certificate (RFC 5246 §7.4.2; in TLS 1.3 it is encrypted): the DER certificates as sent, leaf first.
public struct CertificateMessage: Sendable, Hashable {
    public var certificates: [[UInt8]] = []
    public init(certificates: [[UInt8]] = []) { self.certificates = certificates }
}

/// CertificateRequest (TLS ≤ 1.2: RFC 5246 §7.4.4).
public struct CertificateRequest: Sendable, Hashable {
    /// Distinguished names of acceptable CAs, as DER, when listed.
    public var certificateAuthorities: [[UInt8]] = []
    /// ClientCertificateType values (rsa_sign 1, dss_sign 2, ecdsa_sign 64, ...).
    public var certificateTypes: [UInt8] = []
    /// supported_signature_algorithms (TLS 1.2 only; empty for TLS 1.0/1.1).
    public var signatureAlgorithms: [SignatureScheme] = []
    public init() {}
}

/// One handshake message, decoded as far as tlsdiag needs.
public enum HandshakeMessage: Sendable, Hashable {
    case clientHello(ClientHello)
    case serverHello(ServerHello)
    case certificate(CertificateMessage)
    case certificateRequest(CertificateRequest)
    case serverKeyExchange(length: Int)
    case serverHelloDone
    /// ClientKeyExchange; `length` is the body length (tiny for an empty PSK identity, etc.).
    case clientKeyExchange(length: Int)
    case certificateVerify
    case newSessionTicket
    case encryptedExtensions
    case certificateStatus
    case helloRequest
    case finished
    case other(HandshakeType, length: Int)

    public var type: HandshakeType {
        switch self {
        case .clientHello: .clientHello
        case .serverHello: .serverHello
        case .certificate: .certificate
        case .certificateRequest: .certificateRequest
        case .serverKeyExchange: .serverKeyExchange
        case .serverHelloDone: .serverHelloDone
        case .clientKeyExchange: .clientKeyExchange
        case .certificateVerify: .certificateVerify
        case .newSessionTicket: .newSessionTicket
        case .encryptedExtensions: .encryptedExtensions
        case .certificateStatus: .certificateStatus
        case .helloRequest: .helloRequest
        case .finished: .finished
        case .other(let type, _): type
        }
    }
}

/// A plaintext alert (RFC 8446 §6).
public struct Alert: Sendable, Hashable {
    public var level: AlertLevel
    public var description: AlertDescription
    public init(level: AlertLevel, description: AlertDescription) {
        self.level = level
        self.description = description
    }
}
