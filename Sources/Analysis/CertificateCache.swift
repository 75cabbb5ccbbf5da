import Glibc
import WireFormat
import PacketDecoding
import CertificateAnalysis
import Diagnosis

/// Parses each distinct certificate once: a busy server sends the same chain on every connection.
/// Bounded: when full it starts over rather than grow.
struct CertificateCache {
    private var parsed: [DERKey: Parsed] = [:]
    /// Whole chains as served: most connections of a capture get a chain seen before, found with one lookup
    /// instead of one per certificate (and no arrays built).
    private var chains: [ChainKey: Chain] = [:]
    /// The number the next chain built gets. Never reset (not even when the cache starts over), so a number
    /// names one chain: the trust and findings caches are keyed by it, hashed and compared far faster than
    /// the certificates.
    private var nextChainNumber = 0
    private var verdicts: [TrustKey: TrustVerdict] = [:]
    /// Findings by chain, SNI and server: places in `cachedFindings`, whose entries are then read in place (a
    /// dictionary's value is copied out whole, its strings and arrays retained and released, on every lookup).
    private var findingPlaces: [FindingsKey: Int] = [:]
    private var cachedFindings: [CachedFindings] = []
    static let capacity = 4096
    /// Chains hold their certificates' bytes (a chain can be tens of kB): fewer of them.
    static let chainCapacity = 1024
    /// The certificate bytes each of the two DER-keyed caches may hold (a handshake message, and so a
    /// certificate or chain, may be up to 1 MB): past it the cache starts over, so that a hostile capture of
    /// large distinct certificates cannot make memory grow with the capture.
    static let byteCapacity = 16 << 20
    /// DER bytes held as keys of `parsed` and of `chains`.
    private var parsedBytes = 0
    private var chainBytes = 0
    /// Certificate bytes held as keys, by both caches.
    var bytesHeld: Int { parsedBytes + chainBytes }

    /// DER bytes as a dictionary key, looked up once per certificate per connection. `[UInt8]` would hash and
    /// compare byte by byte (about 10,000 instructions for a 1.2 KB certificate): this hashes the length and
    /// the last 16 bytes (inside the signature, different for every certificate) and compares with `memcmp`.
    /// Certificates made to share those bytes only share a bucket: the cache holds at most `capacity`.
    private struct DERKey: Hashable {
        var der: [UInt8]

        func hash(into hasher: inout Hasher) { Self.combine(der, into: &hasher) }

        static func == (lhs: DERKey, rhs: DERKey) -> Bool { same(lhs.der, rhs.der) }

        static func combine(_ der: [UInt8], into hasher: inout Hasher) {
            hasher.combine(der.count)
            der.withUnsafeBytes { bytes in
                var tail: (UInt64, UInt64) = (0, 0)
                let count = min(bytes.count, 16)
                withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.suffix(count))) }
                hasher.combine(tail.0)
                hasher.combine(tail.1)
            }
        }

        static func same(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
            guard lhs.count == rhs.count else { return false }
            return lhs.withUnsafeBytes { a in
                rhs.withUnsafeBytes { b in
                    // Empty (maybe without storage), or the same buffer (a chain's key and a connection that got it from
                    // the same place).
                    guard let x = a.baseAddress, let y = b.baseAddress, x != y else { return true }
                    // libc's comparison, vectorized: a served chain is compared whole on every connection that gets it.
                    return memcmp(x, y, a.count) == 0
                }
            }
        }
    }

    /// A served chain's DER certificates, hashed and compared as `DERKey` does each of them.
    private struct ChainKey: Hashable {
        var ders: [[UInt8]]

        func hash(into hasher: inout Hasher) {
            hasher.combine(ders.count)
            for der in ders { DERKey.combine(der, into: &hasher) }
        }

        static func == (lhs: ChainKey, rhs: ChainKey) -> Bool {
            guard lhs.ders.count == rhs.ders.count else { return false }
            for index in lhs.ders.indices where !DERKey.same(lhs.ders[index], rhs.ders[index]) { return false }
            return true
        }
    }

    private typealias Parsed = Result<CertificateSummary, CertificateAnalysisError>

    /// A connection's certificates: the summaries of those that parsed, the warnings for those that did not,
    /// and the chain's number (`nextChainNumber`; -1 for no certificate), the key of the trust and findings caches.
    struct Chain {
        var summaries: [CertificateSummary] = []
        var unreadable: [String] = []
        var number = -1
    }

    private struct TrustKey: Hashable {
        var chain: Int
        /// Validity only changes at day granularity for practical purposes; keying by day keeps the cache useful.
        var day: Int64
    }

    /// What `CertificateFindings` depends on besides the capture time (the unreadable certificates' warnings
    /// come with the chain).
    private struct FindingsKey: Hashable {
        var chain: Int
        var sni: String?
        var server: IPAddress
    }

    fileprivate struct CachedFindings {
        var findings: CertificateFindings
        var validity: [ValidityAtTime]
    }

    /// How one certificate's dates compare with a capture time: the three comparisons `CertificateFindings`
    /// makes. Findings computed at one time hold at any other time that compares the same way.
    fileprivate struct ValidityAtTime: Hashable {
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
        guard !ders.isEmpty else { return Chain() }
        let key = ChainKey(ders: ders)
        if let cached = chains[key] { return cached }
        var chain = Chain(number: nextChainNumber)
        nextChainNumber += 1
        chain.summaries.reserveCapacity(ders.count)
        for (index, der) in ders.enumerated() {
            let key = DERKey(der: der)
            switch parsed[key] ?? parse(key) {
            case .success(let summary): chain.summaries.append(summary)
            case .failure(let error): chain.unreadable.append("certificate \(index + 1) of the server's chain could not be read: \(error)")
            }
        }
        let bytes = ders.reduce(0) { $0 + $1.count }
        if chains.count >= Self.chainCapacity || chainBytes + bytes > Self.byteCapacity {
            chains.removeAll(keepingCapacity: true)
            chainBytes = 0
        }
        chains[key] = chain
        chainBytes += bytes
        return chain
    }

    private mutating func parse(_ key: DERKey) -> Parsed {
        let result: Parsed
        do {
            result = .success(try CertificateSummary(derEncoded: key.der))
        } catch let error as CertificateAnalysisError {
            result = .failure(error)
        } catch {
            result = .failure(CertificateAnalysisError(code: .notACertificate, detail: "\(error)"))
        }
        if parsed.count >= Self.capacity || parsedBytes + key.der.count > Self.byteCapacity {
            parsed.removeAll(keepingCapacity: true)
            parsedBytes = 0
        }
        parsed[key] = result
        parsedBytes += key.der.count
        return result
    }

    mutating func trust(_ store: TrustStore, _ chain: Chain, at time: Timestamp) -> TrustVerdict {
        let key = TrustKey(chain: chain.number, day: time.seconds / 86_400)
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
        let summaries = chain.summaries
        guard !summaries.isEmpty else {
            return CertificateFindings(summaries: summaries, unreadable: chain.unreadable, sni: sni, captureTime: captureTime, trust: trust)
        }
        let key = FindingsKey(chain: chain.number, sni: sni, server: server)
        let place = findingPlaces[key]
        if let place, cachedFindings[place].holds(for: summaries, at: captureTime) {
            var result = cachedFindings[place].findings
            result.trust = trust
            result.captureTime = captureTime
            return result
        }
        let result = CertificateFindings(summaries: summaries, unreadable: chain.unreadable, sni: sni,
                                         captureTime: captureTime, trust: trust)
        let cached = CachedFindings(findings: result, validity: summaries.map { ValidityAtTime($0, at: captureTime) })
        if let place {
            // Computed again for a capture time that compares differently with the dates: replaced.
            cachedFindings[place] = cached
            return result
        }
        if cachedFindings.count >= Self.capacity {
            findingPlaces.removeAll(keepingCapacity: true)
            cachedFindings.removeAll(keepingCapacity: true)
        }
        findingPlaces[key] = cachedFindings.count
        cachedFindings.append(cached)
        return result
    }
}

extension CertificateCache.CachedFindings {
    /// The dates of `summaries` (the chain these findings were computed for) compare with `time` as they did then.
    /// (A loop, not an array of comparisons to compare: this runs for every connection with certificates.)
    func holds(for summaries: [CertificateSummary], at time: Timestamp) -> Bool {
        guard summaries.count == validity.count else { return false }
        for index in summaries.indices where CertificateCache.ValidityAtTime(summaries[index], at: time) != validity[index] {
            return false
        }
        return true
    }
}
