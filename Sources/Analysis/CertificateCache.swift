import WireFormat
import PacketDecoding
import CertificateAnalysis
import Diagnosis

/// Parses each distinct certificate once: a busy server sends the same chain on every connection.
/// Bounded: when full it starts over rather than grow.
struct CertificateCache {
    private var parsed: [DERKey: Parsed] = [:]
    /// The number the next certificate parsed gets. Never reset (not even when the cache starts over), so a
    /// number names one certificate: the chain caches are keyed by numbers, hashed and compared far faster
    /// than SHA-256 fingerprints in hex.
    private var nextNumber = 0
    private var verdicts: [TrustKey: TrustVerdict] = [:]
    private var findings: [FindingsKey: CachedFindings] = [:]
    static let capacity = 4096

    /// DER bytes as a dictionary key, looked up once per certificate per connection. `[UInt8]` would hash and
    /// compare byte by byte (about 10,000 instructions for a 1.2 KB certificate): this hashes the length and
    /// the last 16 bytes (inside the signature, different for every certificate) and compares 32 bytes at a time.
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
                    // Four words at a time, their differences or'ed: one branch per 32 bytes.
                    var offset = 0
                    func difference(_ offset: Int) -> UInt64 {
                        a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    }
                    while offset + 32 <= a.count {
                        guard difference(offset) | difference(offset + 8) | difference(offset + 16) | difference(offset + 24) == 0
                        else { return false }
                        offset += 32
                    }
                    while offset + 8 <= a.count {
                        guard difference(offset) == 0 else { return false }
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

    private struct Parsed {
        var number: Int
        var result: Result<CertificateSummary, CertificateAnalysisError>
    }

    /// A connection's certificates: the summaries of those that parsed, the warnings for those that did not,
    /// and the certificates' numbers (`nextNumber`), the key of the chain caches.
    struct Chain {
        var summaries: [CertificateSummary] = []
        var unreadable: [String] = []
        var numbers: [Int] = []
    }

    private struct TrustKey: Hashable {
        var numbers: [Int]
        /// Validity only changes at day granularity for practical purposes; keying by day keeps the cache useful.
        var day: Int64
    }

    /// What `CertificateFindings` depends on besides the capture time.
    private struct FindingsKey: Hashable {
        var numbers: [Int]
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

    /// The connection's certificates, each parsed once while the cache holds it.
    mutating func chain(_ ders: [[UInt8]]) -> Chain {
        var chain = Chain()
        guard !ders.isEmpty else { return chain }
        chain.summaries.reserveCapacity(ders.count)
        chain.numbers.reserveCapacity(ders.count)
        for (index, der) in ders.enumerated() {
            let key = DERKey(der: der)
            let entry = parsed[key] ?? parse(key)
            chain.numbers.append(entry.number)
            switch entry.result {
            case .success(let summary): chain.summaries.append(summary)
            case .failure(let error): chain.unreadable.append("certificate \(index + 1) of the server's chain could not be read: \(error)")
            }
        }
        return chain
    }

    private mutating func parse(_ key: DERKey) -> Parsed {
        let result: Result<CertificateSummary, CertificateAnalysisError>
        do {
            result = .success(try CertificateSummary(derEncoded: key.der))
        } catch let error as CertificateAnalysisError {
            result = .failure(error)
        } catch {
            result = .failure(CertificateAnalysisError(code: .notACertificate, detail: "\(error)"))
        }
        let entry = Parsed(number: nextNumber, result: result)
        nextNumber += 1
        if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
        parsed[key] = entry
        return entry
    }

    mutating func trust(_ store: TrustStore, _ chain: Chain, at time: Timestamp) -> TrustVerdict {
        let key = TrustKey(numbers: chain.numbers, day: time.seconds / 86_400)
        if let cached = verdicts[key] { return cached }
        let verdict = store.evaluate(served: chain.summaries, at: time)
        if verdicts.count >= Self.capacity { verdicts.removeAll(keepingCapacity: true) }
        verdicts[key] = verdict
        return verdict
    }

    /// `CertificateFindings` for a connection. The chain checks (names, chain order, interception products) are
    /// the same for every connection that got this chain for this SNI: they are computed once, and reused
    /// while the capture time compares the same way with every certificate's dates.
    mutating func findings(_ chain: Chain, sni: String?, server: IPAddress, captureTime: Timestamp,
                           trust: TrustVerdict?) -> CertificateFindings {
        let summaries = chain.summaries, unreadable = chain.unreadable
        guard !summaries.isEmpty else {
            return CertificateFindings(summaries: summaries, unreadable: unreadable, sni: sni, captureTime: captureTime, trust: trust)
        }
        let key = FindingsKey(numbers: chain.numbers, unreadable: unreadable, sni: sni, server: server)
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
