import TLSDissector

/// How timeline details and explanations word a list of versions (the details themselves: `TimelineSummary`).
public enum HandshakeDetail {
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
