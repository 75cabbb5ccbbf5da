import TLSDissector

/// What a timeline entry's detail says, held as the facts it is worded from: recording runs for every message of
/// every connection, while most timelines are never printed (a text report shows only failed connections' ones).
/// The hellos' facts are boxed so an entry stays small. Public so that a spilled report can keep the facts
/// rather than the words.
public enum TimelineSummary: Sendable {
    case none
    case text(String)
    /// `N bytes`
    case byteCount(Int)
    /// `encrypted, N bytes`
    case encryptedByteCount(Int)
    case certificateCount(Int)
    indirect case clientHello(ClientHelloFacts)
    indirect case serverHello(ServerHelloFacts)
    case alert(Alert, decrypted: Bool)

    public struct ClientHelloFacts: Sendable {
        public var versions: [ProtocolVersion]
        /// Offered suites, without signaling values and GREASE.
        public var suites: Int
        public var serverName: String?
        public var alpn: [String]
        public var offersPreSharedKey: Bool
        public var isSSLv2Format: Bool

        public init(versions: [ProtocolVersion], suites: Int, serverName: String?, alpn: [String],
                    offersPreSharedKey: Bool, isSSLv2Format: Bool) {
            self.versions = versions
            self.suites = suites
            self.serverName = serverName
            self.alpn = alpn
            self.offersPreSharedKey = offersPreSharedKey
            self.isSSLv2Format = isSSLv2Format
        }
    }

    public struct ServerHelloFacts: Sendable {
        public var isHelloRetryRequest: Bool
        public var keyShareGroup: NamedGroup?
        public var version: ProtocolVersion
        public var cipherSuite: CipherSuite
        public var alpn: String?
        public var acceptsPreSharedKey: Bool

        public init(isHelloRetryRequest: Bool, keyShareGroup: NamedGroup?, version: ProtocolVersion,
                    cipherSuite: CipherSuite, alpn: String?, acceptsPreSharedKey: Bool) {
            self.isHelloRetryRequest = isHelloRetryRequest
            self.keyShareGroup = keyShareGroup
            self.version = version
            self.cipherSuite = cipherSuite
            self.alpn = alpn
            self.acceptsPreSharedKey = acceptsPreSharedKey
        }
    }

    init(_ message: borrowing HandshakeMessage) {
        switch message {
        case .clientHello(let hello):
            var suites = 0
            for suite in hello.cipherSuites where !suite.isSignalingOrGREASE { suites += 1 }
            self = .clientHello(ClientHelloFacts(
                versions: hello.offeredVersions, suites: suites, serverName: hello.serverName, alpn: hello.alpnProtocols,
                offersPreSharedKey: hello.offersPreSharedKey, isSSLv2Format: hello.isSSLv2Format))
        case .serverHello(let hello):
            self = .serverHello(ServerHelloFacts(
                isHelloRetryRequest: hello.isHelloRetryRequest, keyShareGroup: hello.keyShareGroup,
                version: hello.negotiatedVersion, cipherSuite: hello.cipherSuite, alpn: hello.alpnProtocol,
                acceptsPreSharedKey: hello.acceptsPreSharedKey))
        case .certificate(let certificate):
            self = .certificateCount(certificate.certificates.count)
        case .certificateRequest:
            self = .text("the server asks for a client certificate")
        case .serverKeyExchange(let length), .clientKeyExchange(let length):
            self = .byteCount(length)
        default:
            self = .none
        }
    }

    /// The words: a timeline entry's `detail`.
    public var text: String? {
        switch self {
        case .none:
            return nil
        case .text(let text):
            return text
        case .byteCount(let count):
            return "\(count) bytes"
        case .encryptedByteCount(let count):
            return "encrypted, \(count) bytes"
        case .certificateCount(let count):
            return count == 0 ? "empty (no certificate)" : "\(count) certificate\(count == 1 ? "" : "s")"
        case .clientHello(let hello):
            var text = HandshakeDetail.versionList(hello.versions)
            text.reserveCapacity(96)
            text += "; \(hello.suites) suite" + (hello.suites == 1 ? "" : "s")
            if let name = hello.serverName { text += "; SNI " + name } else { text += "; no SNI" }
            if !hello.alpn.isEmpty { text += "; ALPN " + hello.alpn.joined(separator: ", ") }
            if hello.offersPreSharedKey { text += "; PSK offered" }
            if hello.isSSLv2Format { text += "; SSLv2 format" }
            return text
        case .serverHello(let hello):
            if hello.isHelloRetryRequest {
                return hello.keyShareGroup.map { "asks for key share \($0)" } ?? "retry"
            }
            var text = hello.version.description + ", " + hello.cipherSuite.description
            if let alpn = hello.alpn { text += ", ALPN " + alpn }
            if hello.acceptsPreSharedKey { text += ", PSK accepted (resumption)" }
            return text
        case .alert(let alert, let decrypted):
            return "\(alert.level) \(alert.description.name) (\(alert.description.rawValue))" + (decrypted ? ", decrypted" : "")
        }
    }
}
