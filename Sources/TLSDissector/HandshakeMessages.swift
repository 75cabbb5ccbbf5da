// The handshake messages tlsdiag reads (RFC 8446 §4, RFC 5246 §7.4). Only what a diagnosis needs is kept.

/// ClientHello (RFC 8446 §4.1.2), or an SSLv2-compatible CLIENT-HELLO (RFC 5246 Appendix E.2).
public struct ClientHello: Sendable, Hashable {
    public var legacyVersion: ProtocolVersion = .tls12
    public var sessionIDLength: Int = 0
    public var cipherSuites: [CipherSuite] = []
    public var extensions: [ExtensionType] = []
    /// The host_name from server_name, exactly as sent (untrusted; bytes decoded as UTF-8 with replacement).
    public var serverName: String? = nil
    /// supported_versions, in the client's order (empty when the extension is absent).
    public var supportedVersions: [ProtocolVersion] = []
    public var alpnProtocols: [String] = []
    public var supportedGroups: [NamedGroup] = []
    public var keyShareGroups: [NamedGroup] = []
    public var signatureAlgorithms: [SignatureScheme] = []
    /// pre_shared_key offered (TLS 1.3 resumption).
    public var offersPreSharedKey: Bool = false
    /// A non-empty session_ticket extension (TLS 1.2 ticket resumption).
    public var offersSessionTicket: Bool = false
    public var offersEarlyData: Bool = false
    /// Sent in the SSLv2 record format.
    public var isSSLv2Format: Bool = false

    public init() {}

    /// The versions this client can speak: supported_versions when present, else every version from SSL 3.0
    /// (TLS 1.0 for SSLv2-format hellos) up to `legacyVersion`. Newest first.
    public var offeredVersions: [ProtocolVersion] { [] }
}

/// ServerHello (RFC 8446 §4.1.3), which is a HelloRetryRequest when its random is the RFC's magic value.
public struct ServerHello: Sendable, Hashable {
    public var legacyVersion: ProtocolVersion = .tls12
    public var sessionID: [UInt8] = []
    public var cipherSuite: CipherSuite = CipherSuite(rawValue: 0)
    public var extensions: [ExtensionType] = []
    /// supported_versions' selected_version, when present.
    public var selectedVersion: ProtocolVersion? = nil
    public var alpnProtocol: String? = nil
    public var keyShareGroup: NamedGroup? = nil
    public var isHelloRetryRequest: Bool = false
    /// pre_shared_key accepted (TLS 1.3 resumption).
    public var acceptsPreSharedKey: Bool = false

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
