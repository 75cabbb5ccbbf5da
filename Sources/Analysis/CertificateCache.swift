import WireFormat
import PacketDecoding
import CertificateAnalysis
import Diagnosis

/// Parses each distinct certificate once: a busy server sends the same chain on every connection.
/// Bounded: when full it starts over rather than grow.
struct CertificateCache {
    private var parsed: [DERKey: Result<CertificateSummary, CertificateAnalysisError>] = [:]
    private var verdicts: [TrustKey: TrustVerdict] = [:]
    private var findings: [FindingsKey: CachedFindings] = [:]
    static let capacity = 4096

    /// DER bytes as a dictionary key, looked up once per certificate per connection. `[UInt8]` would hash and
    /// compare byte by byte (about 10,000 instructions for a 1.2 KB certificate): this hashes the length and
    /// the last 16 bytes (inside the signature, different for every certificate) and compares 8 bytes at a time.
    /// Certificates made to share those bytes only share a bucket: the cache holds at most `capacity`.
    private struct DERKey: Hashable {
        var der: [UInt8]

        func hash(into hasher: inout Hasher) {
            hasher.combine(der.count)
            der.withUnsafeBytes { bytes in
                var tail: (UInt64, UInt64) = (0, 0)
                let count = min(bytes.count, 16)
                withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.suffix(count))) }
                hasher.combine(tail.0)
                hasher.combine(tail.1)
            }
        }

        static func == (lhs: DERKey, rhs: DERKey) -> Bool {
            guard lhs.der.count == rhs.der.count else { return false }
            return lhs.der.withUnsafeBytes { a in
                rhs.der.withUnsafeBytes { b in
                    var offset = 0
                    while offset + 8 <= a.count {
                        guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                            == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
                        offset += 8
                    }
                    while offset < a.count {
                        guard a[offset] == b[offset] else { return false }
                        offset += 1
                    }
                    return true
                }
            }
        }
    }

    private struct TrustKey: Hashable {
        var fingerprints: [String]
        /// Validity only changes at day granularity for practical purposes; keying by day keeps the cache useful.
        var day: Int64
    }

    /// What `CertificateFindings` depends on besides the capture time.
    private struct FindingsKey: Hashable {
        var fingerprints: [String]
        var unreadable: [String]
        var sni: String?
        var server: IPAddress
    }

    private struct CachedFindings {
        var findings: CertificateFindings
        var validity: [ValidityAtTime]
    }

    /// How one certificate's dates compare with a capture time: the three comparisons `CertificateFindings`
    /// makes. Findings computed at one time hold at any other time that compares the same way.
    private struct ValidityAtTime: Hashable {
        var expired: Bool
        var notYetValid: Bool
        var expiringSoon: Bool

        init(_ certificate: CertificateSummary, at time: Timestamp) {
            let soon = Timestamp(seconds: time.seconds + 14 * 86_400, nanoseconds: 0)
            expired = certificate.notAfter < time
            notYetValid = time < certificate.notBefore
            expiringSoon = time <= certificate.notAfter && certificate.notAfter < soon
        }
    }

    mutating func summaries(_ ders: [[UInt8]]) -> ([CertificateSummary], [String]) {
        var summaries: [CertificateSummary] = []
        var unreadable: [String] = []
        for (index, der) in ders.enumerated() {
            let result: Result<CertificateSummary, CertificateAnalysisError>
            let key = DERKey(der: der)
            if let cached = parsed[key] {
                result = cached
            } else {
                do {
                    result = .success(try CertificateSummary(derEncoded: der))
                } catch let error as CertificateAnalysisError {
                    result = .failure(error)
                } catch {
                    result = .failure(CertificateAnalysisError(code: .notACertificate, detail: "\(error)"))
                }
                if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
                parsed[key] = result
            }
            switch result {
            case .success(let summary): summaries.append(summary)
            case .failure(let error): unreadable.append("certificate \(index + 1) of the server's chain could not be read: \(error)")
            }
        }
        return (summaries, unreadable)
    }

    mutating func trust(_ store: TrustStore, _ served: [CertificateSummary], at time: Timestamp) -> TrustVerdict {
        let key = TrustKey(fingerprints: served.map(\.sha256), day: time.seconds / 86_400)
        if let cached = verdicts[key] { return cached }
        let verdict = store.evaluate(served: served, at: time)
        if verdicts.count >= Self.capacity { verdicts.removeAll(keepingCapacity: true) }
        verdicts[key] = verdict
        return verdict
    }

    /// `CertificateFindings` for a connection. The chain checks (names, chain order, interception products) are
    /// the same for every connection that got this chain for this SNI: they are computed once, and reused
    /// while the capture time compares the same way with every certificate's dates.
    mutating func findings(summaries: [CertificateSummary], unreadable: [String], sni: String?,
                           server: IPAddress, captureTime: Timestamp, trust: TrustVerdict?) -> CertificateFindings {
        guard !summaries.isEmpty else {
            return CertificateFindings(summaries: summaries, unreadable: unreadable, sni: sni, captureTime: captureTime, trust: trust)
        }
        let key = FindingsKey(fingerprints: summaries.map(\.sha256), unreadable: unreadable, sni: sni, server: server)
        let validity = summaries.map { ValidityAtTime($0, at: captureTime) }
        if let cached = findings[key], cached.validity == validity {
            var result = cached.findings
            result.trust = trust
            result.captureTime = captureTime
            return result
        }
        let result = CertificateFindings(summaries: summaries, unreadable: unreadable, sni: sni, captureTime: captureTime, trust: trust)
        if findings.count >= Self.capacity { findings.removeAll(keepingCapacity: true) }
        findings[key] = CachedFindings(findings: result, validity: validity)
        return result
    }
}
