import PacketDecoding

/// Mismatch explanations gain what other clients of the same server got: "other clients got TLS 1.3,
/// TLS_AES_128_GCM_SHA256; this client offered only ...".
public enum PeerContext {
    public static func annotate(_ reports: inout [ConnectionReport]) {
        var chosen: [Endpoint: [String: Int]] = [:]
        for report in reports where report.cause == .ok {
            guard let version = report.version, let suite = report.cipherSuite else { continue }
            chosen[report.server, default: [:]]["\(version), \(suite)", default: 0] += 1
        }
        guard !chosen.isEmpty else { return }
        for index in reports.indices {
            let cause = reports[index].cause
            guard cause == .cipherMismatch || cause == .protocolVersionMismatch,
                  let seen = chosen[reports[index].server] else { continue }
            let top = seen.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            let list = top.map { "\($0.key) (\($0.value)×)" }.joined(separator: "; ")
            reports[index].explanation += " Other clients of this server in the capture succeeded with \(list)."
        }
    }
}

/// One name answered with different certificates across connections: a stale backend behind a load balancer,
/// or something intercepting some of the traffic.
public enum CertificateConsistency {
    public static func findings(_ reports: [ConnectionReport]) -> [String] {
        struct Seen { var fingerprint: String; var subject: String; var servers: Set<String>; var firstConnection: Int }
        var bySNI: [String: [String: Seen]] = [:]
        for report in reports {
            guard let sni = report.sni, let leaf = report.certificates.first else { continue }
            var entry = bySNI[sni, default: [:]][leaf.sha256]
                ?? Seen(fingerprint: leaf.sha256, subject: leaf.subject, servers: [], firstConnection: report.id)
            entry.servers.insert(report.server.description)
            bySNI[sni, default: [:]][leaf.sha256] = entry
        }
        var result: [String] = []
        for (sni, certificates) in bySNI.sorted(by: { $0.key < $1.key }) where certificates.count > 1 {
            let described = certificates.values.sorted { $0.firstConnection < $1.firstConnection }.map { seen in
                "\(seen.subject) sha256 \(seen.fingerprint.prefix(16))… from \(seen.servers.sorted().joined(separator: ", ")) (first in connection #\(seen.firstConnection))"
            }
            result.append("\(sni) was answered with \(certificates.count) different certificates: " + described.joined(separator: "; "))
        }
        return result
    }
}
