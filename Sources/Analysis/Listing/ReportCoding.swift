import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis

/// A connection report as bytes, for the spill file of `ConnectionList`: fixed-width integers (big-endian),
/// strings and arrays prefixed by their 32-bit count, optionals by a presence byte, usual words (timeline
/// messages, causes, stages) as one-byte codes. Certificates are stored once per list (`CertificateTable`) and
/// referred to by number. Only this process reads what it wrote, so there is no version; a read that does not
/// parse yields nil, never a trap.
enum ReportCoding {
    /// Appends `r`'s bytes to `out`.
    static func encode(_ r: ConnectionReport, certificates: inout CertificateTable, into out: inout [UInt8]) {
        var w = ReportWriter()
        swap(&w.bytes, &out)  // append to the caller's array in place (a copy would grow it from nothing)
        w.start()
        w.int(r.id)
        w.endpoint(r.client)
        w.endpoint(r.server)
        w.fields(2 * 8 + 2 * 12) {
            $0.put(r.firstFrame)
            $0.put(r.lastFrame)
            $0.put(r.firstPacket)
            $0.put(r.lastPacket)
        }
        w.optionalString(r.sni)
        w.uint16s(r.offeredVersions) { $0.rawValue }
        w.optionalUInt16(r.version?.rawValue)
        w.uint16s(r.offeredCipherSuites) { $0.rawValue }
        w.optionalUInt16(r.cipherSuite?.rawValue)
        w.strings(r.alpnOffered)
        w.optionalString(r.alpn)
        w.count(r.timeline.count)
        // Through the buffer: the entries are read in place, not copied out one by one.
        r.timeline.withUnsafeBufferPointer { timeline in
            for index in timeline.indices { w.timelineEntry(timeline[index]) }
        }
        w.bool(r.established)
        w.word(r.stage, StageCode.words)
        if let alert = r.alert {
            w.fields(1 + 1 + 2 + 2 + 1 + 8) {
                $0.put(true)
                $0.put(SideCode.code(alert.from))
                // Each optional byte as presence << 8 | value.
                $0.put(alert.level.map { UInt16(1) << 8 | UInt16($0.rawValue) } ?? 0)
                $0.put(alert.description.map { UInt16(1) << 8 | UInt16($0.rawValue) } ?? 0)
                $0.put(alert.encrypted)
                $0.put(alert.frame)
            }
        } else {
            w.bool(false)
        }
        w.uint8(EndedByCode.code(r.endedBy))
        w.word(r.cause.rawValue, CauseCode.words)
        w.string(r.explanation)
        w.strings(r.nextSteps)
        w.count(r.certificates.count)
        for certificate in r.certificates { w.int(certificates.number(of: certificate)) }
        w.strings(r.warnings)
        w.bool(r.resumed)
        w.bool(r.helloRetryRequest)
        w.optionalTrustVerdict(r.trust)
        w.bool(r.decrypted)
        w.finish()
        swap(&w.bytes, &out)
    }

    static func decode(_ bytes: ArraySlice<UInt8>, certificates: CertificateTable) -> ConnectionReport? {
        bytes.withUnsafeBytes { raw in
            var reader = ReportReader(raw)
            return decode(&reader, certificates: certificates)
        }
    }

    private static func decode(_ r: inout ReportReader, certificates: CertificateTable) -> ConnectionReport? {
        guard let id = r.int(), let client = r.endpoint(), let server = r.endpoint(), let firstFrame = r.int(),
              let lastFrame = r.int(), let firstPacket = r.timestamp(), let lastPacket = r.timestamp() else { return nil }
        var report = ConnectionReport(id: id, client: client, server: server, firstFrame: firstFrame,
                                      lastFrame: lastFrame, firstPacket: firstPacket, lastPacket: lastPacket)
        guard let sni = r.optionalString(),
              let offeredVersions = r.uint16s(ProtocolVersion.init(rawValue:)),
              let version = r.optionalUInt16(),
              let offeredSuites = r.uint16s(CipherSuite.init(rawValue:)),
              let suite = r.optionalUInt16(),
              let alpnOffered = r.strings(),
              let alpn = r.optionalString(),
              let timeline = r.timeline(),
              let established = r.bool(), let stage = r.word(StageCode.words),
              let alert = r.alertReport(),
              let endedBy = r.uint8().flatMap(EndedByCode.endedBy),
              let cause = r.word(CauseCode.words),
              let explanation = r.string(),
              let nextSteps = r.strings(),
              let certificateList = r.certificates(certificates),
              let warnings = r.strings(),
              let resumed = r.bool(), let helloRetryRequest = r.bool(),
              let trust = r.optionalTrustVerdict(),
              let decrypted = r.bool() else { return nil }
        report.sni = sni
        report.offeredVersions = offeredVersions
        report.version = version.map(ProtocolVersion.init(rawValue:))
        report.offeredCipherSuites = offeredSuites
        report.cipherSuite = suite.map(CipherSuite.init(rawValue:))
        report.alpnOffered = alpnOffered
        report.alpn = alpn
        report.timeline = timeline
        report.established = established
        report.stage = stage
        report.alert = alert
        report.endedBy = endedBy
        report.cause = Cause(rawValue: cause)
        report.explanation = explanation
        report.nextSteps = nextSteps
        report.certificates = certificateList
        report.warnings = warnings
        report.resumed = resumed
        report.helloRetryRequest = helloRetryRequest
        report.trust = trust
        report.decrypted = decrypted
        return report
    }
}

/// Certificates of a list's reports, each stored once (servers send the same chain to every client).
struct CertificateTable: Sendable {
    private(set) var certificates: [CertificateSummary] = []
    private var numbers: [String: Int] = [:]

    mutating func number(of certificate: CertificateSummary) -> Int {
        // The SHA-256 of the DER names a certificate (one without it is kept as it comes).
        if let number = numbers[certificate.sha256] { return number }
        certificates.append(certificate)
        if !certificate.sha256.isEmpty { numbers[certificate.sha256] = certificates.count - 1 }
        return certificates.count - 1
    }

    func certificate(number: Int) -> CertificateSummary? {
        certificates.indices.contains(number) ? certificates[number] : nil
    }
}
