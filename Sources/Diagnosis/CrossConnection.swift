import PacketDecoding
import TLSDissector

/// Mismatch explanations gain what other clients of the same server got: "other clients got TLS 1.3,
/// TLS_AES_128_GCM_SHA256; this client offered only ...".
public enum PeerContext {
    /// What a successful connection chose, by server.
    public struct Outcome: Sendable {
        public var server: Endpoint
        public var cause: Cause
        public var version: ProtocolVersion?
        public var cipherSuite: CipherSuite?
        public init(server: Endpoint, cause: Cause, version: ProtocolVersion?, cipherSuite: CipherSuite?) {
            self.server = server
            self.cause = cause
            self.version = version
            self.cipherSuite = cipherSuite
        }
    }

    /// Per server, the (up to three) version and suite pairs its successful clients got, most frequent first:
    /// `TLS 1.3, TLS_AES_128_GCM_SHA256 (12×); ...`.
    public static func choices(_ outcomes: some Sequence<Outcome>) -> [Endpoint: String] {
        // Counted by number, worded once per distinct pair: this runs for every successful connection.
        var chosen: [Endpoint: [Choice: Int]] = [:]
        for outcome in outcomes where outcome.cause == .ok {
            guard let version = outcome.version, let suite = outcome.cipherSuite else { continue }
            chosen[outcome.server, default: [:]][Choice(version: version, suite: suite), default: 0] += 1
        }
        return chosen.mapValues { seen in
            let worded = seen.map { (words: "\($0.key.version), \($0.key.suite)", count: $0.value) }
            let top = worded.sorted { ($0.count, $1.words) > ($1.count, $0.words) }.prefix(3)
            return top.map { "\($0.words) (\($0.count)×)" }.joined(separator: "; ")
        }
    }

    private struct Choice: Hashable {
        var version: ProtocolVersion
        var suite: CipherSuite
    }

    /// The causes `annotate` adds to: the mismatches.
    public static func annotates(_ cause: Cause) -> Bool {
        cause == .cipherMismatch || cause == .protocolVersionMismatch
    }

    /// A mismatch explanation gains what other clients of its server got.
    public static func annotate(_ report: inout ConnectionReport, choices: [Endpoint: String]) {
        guard annotates(report.cause), let list = choices[report.server] else { return }
        report.explanation += " Other clients of this server in the capture succeeded with \(list)."
    }
}

/// One name answered with different certificates across connections: a stale backend behind a load balancer,
/// or something intercepting some of the traffic.
public enum CertificateConsistency {
    /// A connection's name and the certificate it was answered with.
    public struct Answer: Sendable {
        public var connection: Int
        public var sni: String
        public var server: Endpoint
        public var leafSHA256: String
        public var leafSubject: String
        public init(connection: Int, sni: String, server: Endpoint, leafSHA256: String, leafSubject: String) {
            self.connection = connection
            self.sni = sni
            self.server = server
            self.leafSHA256 = leafSHA256
            self.leafSubject = leafSubject
        }
    }

    /// `answers` in connection order.
    private struct Seen { var fingerprint: String; var subject: String; var servers: Set<Endpoint>; var firstConnection: Int }

    public static func findings(_ answers: some Sequence<Answer>) -> [String] {
        var bySNI: [String: [String: Seen]] = [:]
        for answer in answers {
            // Changed in place (one lookup each); servers are worded only for a finding.
            bySNI[answer.sni, default: [:]][answer.leafSHA256, default: Seen(
                fingerprint: answer.leafSHA256, subject: answer.leafSubject, servers: [], firstConnection: answer.connection)
            ].servers.insert(answer.server)
        }
        var result: [String] = []
        for (sni, certificates) in bySNI.sorted(by: { $0.key < $1.key }) where certificates.count > 1 {
            let described = certificates.values.sorted { $0.firstConnection < $1.firstConnection }.map { seen in
                let servers = seen.servers.map(\.description).sorted().joined(separator: ", ")
                return "\(seen.subject) sha256 \(seen.fingerprint.prefix(16))… from \(servers) (first in connection #\(seen.firstConnection))"
            }
            result.append("\(sni) was answered with \(certificates.count) different certificates: " + described.joined(separator: "; "))
        }
        return result
    }
}
