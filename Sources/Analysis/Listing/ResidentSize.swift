import Diagnosis
import CertificateAnalysis

/// About the memory a listed report holds while it stays resident, to keep `maxResidentReportBytes`: the value
/// itself, and the heap storage of its arrays and strings, each with the allocator's header. An estimate
/// (strings of up to 15 bytes live inside the value, shared storage is counted in each report), good enough to
/// bound the listing's memory without walking the heap.
enum ResidentSize {
    /// An array's or string's heap block beyond its elements: Swift's header and malloc's.
    private static let blockOverhead = 48

    static func bytes(of report: ConnectionReport) -> Int {
        var bytes = MemoryLayout<ConnectionReport>.stride
        bytes += array(report.timeline.count, MemoryLayout<TimelineEntry>.stride)
        // A ClientHello's or ServerHello's facts are boxed, with arrays of their own.
        bytes += report.timeline.count > 0 ? 4 * blockOverhead : 0
        bytes += array(report.offeredVersions.count, 2) + array(report.offeredCipherSuites.count, 2)
        bytes += strings(report.alpnOffered) + text(report.alpn) + text(report.sni)
        bytes += text(report.stage) + text(report.explanation)
        bytes += strings(report.nextSteps) + strings(report.warnings)
        bytes += array(report.certificates.count, MemoryLayout<CertificateSummary>.stride)
        return bytes
    }

    private static func array(_ count: Int, _ stride: Int) -> Int {
        count == 0 ? 0 : blockOverhead + count * stride
    }

    private static func text(_ string: String?) -> Int {
        guard let count = string?.utf8.count, count > 15 else { return 0 }
        return blockOverhead + count
    }

    private static func strings(_ list: [String]) -> Int {
        list.isEmpty ? 0 : list.reduce(array(list.count, 16)) { $0 + text($1) }
    }
}
