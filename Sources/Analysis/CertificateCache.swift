import WireFormat
import CertificateAnalysis

/// Parses each distinct certificate once: a busy server sends the same chain on every connection.
/// Bounded: when full it starts over rather than grow.
struct CertificateCache {
    private var parsed: [[UInt8]: Result<CertificateSummary, CertificateAnalysisError>] = [:]
    private var verdicts: [TrustKey: TrustVerdict] = [:]
    static let capacity = 4096

    private struct TrustKey: Hashable {
        var fingerprints: [String]
        /// Validity only changes at day granularity for practical purposes; keying by day keeps the cache useful.
        var day: Int64
    }

    mutating func summaries(_ ders: [[UInt8]]) -> ([CertificateSummary], [String]) {
        var summaries: [CertificateSummary] = []
        var unreadable: [String] = []
        for (index, der) in ders.enumerated() {
            let result: Result<CertificateSummary, CertificateAnalysisError>
            if let cached = parsed[der] {
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
                parsed[der] = result
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
}
