import TLSDissector

/// One-line summaries of handshake messages for the timeline (`TLS 1.3, 1.2; 31 suites; SNI api.example.test`).
/// Untrusted text (SNI, ALPN) is included as is: renderers escape it.
public enum HandshakeDetail {
    public static func describe(_ message: HandshakeMessage) -> String? {
        switch message {
        case .clientHello(let hello):
            var parts = [versionList(hello.offeredVersions)]
            let suites = hello.cipherSuites.filter { !$0.isSignalingOrGREASE }
            parts.append("\(suites.count) suite\(suites.count == 1 ? "" : "s")")
            parts.append(hello.serverName.map { "SNI \($0)" } ?? "no SNI")
            if !hello.alpnProtocols.isEmpty { parts.append("ALPN \(hello.alpnProtocols.joined(separator: ", "))") }
            if hello.offersPreSharedKey { parts.append("PSK offered") }
            if hello.isSSLv2Format { parts.append("SSLv2 format") }
            return parts.joined(separator: "; ")
        case .serverHello(let hello):
            if hello.isHelloRetryRequest {
                return hello.keyShareGroup.map { "asks for key share \($0)" } ?? "retry"
            }
            var parts = ["\(hello.negotiatedVersion)", "\(hello.cipherSuite)"]
            if let alpn = hello.alpnProtocol { parts.append("ALPN \(alpn)") }
            if hello.acceptsPreSharedKey { parts.append("PSK accepted (resumption)") }
            return parts.joined(separator: ", ")
        case .certificate(let certificate):
            let n = certificate.certificates.count
            return n == 0 ? "empty (no certificate)" : "\(n) certificate\(n == 1 ? "" : "s")"
        case .certificateRequest:
            return "the server asks for a client certificate"
        case .serverKeyExchange(let length), .clientKeyExchange(let length):
            return "\(length) bytes"
        default:
            return nil
        }
    }

    /// `TLS 1.3, 1.2` — the first version in full, the rest by number only.
    public static func versionList(_ versions: [ProtocolVersion]) -> String {
        guard let first = versions.first else { return "no version" }
        return ([first.description] + versions.dropFirst().map { version in
            let text = version.description
            return text.hasPrefix("TLS ") ? String(text.dropFirst(4)) : text
        }).joined(separator: ", ")
    }
}

extension CipherSuite {
    /// SCSVs and GREASE values are signals, not suites a server could choose.
    var isSignalingOrGREASE: Bool { isSignalingValue || isGREASE }
}
