import TLSDissector

/// One-line summaries of handshake messages for the timeline (`TLS 1.3, 1.2; 31 suites; SNI api.example.test`).
/// Untrusted text (SNI, ALPN) is included as is: renderers escape it.
public enum HandshakeDetail {
    public static func describe(_ message: HandshakeMessage) -> String? {
        switch message {
        case .clientHello(let hello):
            // Built by appending: this runs for every ClientHello of a capture.
            var text = versionList(hello.offeredVersions)
            text.reserveCapacity(96)
            var suites = 0
            for suite in hello.cipherSuites where !suite.isSignalingOrGREASE { suites += 1 }
            text += "; \(suites) suite" + (suites == 1 ? "" : "s")
            if let name = hello.serverName { text += "; SNI " + name } else { text += "; no SNI" }
            if !hello.alpnProtocols.isEmpty { text += "; ALPN " + hello.alpnProtocols.joined(separator: ", ") }
            if hello.offersPreSharedKey { text += "; PSK offered" }
            if hello.isSSLv2Format { text += "; SSLv2 format" }
            return text
        case .serverHello(let hello):
            if hello.isHelloRetryRequest {
                return hello.keyShareGroup.map { "asks for key share \($0)" } ?? "retry"
            }
            var text = hello.negotiatedVersion.description + ", " + hello.cipherSuite.description
            if let alpn = hello.alpnProtocol { text += ", ALPN " + alpn }
            if hello.acceptsPreSharedKey { text += ", PSK accepted (resumption)" }
            return text
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
        var text = first.description
        for version in versions.dropFirst() {
            text += ", "
            text += shortName(version)
        }
        return text
    }

    /// `1.2` for TLS 1.2; other versions in full.
    private static func shortName(_ version: ProtocolVersion) -> String {
        switch version {
        case .tls13: "1.3"
        case .tls12: "1.2"
        case .tls11: "1.1"
        case .tls10: "1.0"
        default:
            version.description.hasPrefix("TLS ") ? String(version.description.dropFirst(4)) : version.description
        }
    }
}

extension CipherSuite {
    /// SCSVs and GREASE values are signals, not suites a server could choose.
    var isSignalingOrGREASE: Bool { isSignalingValue || isGREASE }
}
