import Foundation
import WireFormat
import PacketCapture
import Analysis
import CertificateAnalysis
import TLSDecryption

/// Where the tests find captures: the package's SamplePcaps, and the public corpus beside the checkout.
enum CaptureFixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let samples = packageRoot.appendingPathComponent("SamplePcaps")
    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/real")

    static var corpusAvailable: Bool {
        FileManager.default.fileExists(atPath: corpus.appendingPathComponent("MANIFEST.tsv").path)
    }

    /// Runs the whole offline pipeline on a file, as `tlsdiag analyze` does.
    static func analyze(_ url: URL, ports: Set<UInt16> = [443], trustStore: TrustStore? = nil,
                        keyLog: KeyLog? = nil) throws -> AnalysisReport {
        let reader = try CaptureFileReader(path: url.path)
        var options = AnalysisOptions()
        options.ports = ports
        options.trustStore = trustStore
        options.keyLog = keyLog
        var analyzer = Analyzer(options: options)
        var packets = 0
        while let packet = reader.nextPacket() {
            packets += 1
            analyzer.process(packet)
        }
        let summary = CaptureSummary(file: url.lastPathComponent, format: reader.format, linkType: reader.linkType,
                                     packets: packets, warnings: reader.warnings, endedEarly: !reader.warnings.isEmpty)
        return analyzer.finish(capture: summary)
    }

    /// The system CA bundle, as `tlsdiag analyze` loads it by default; nil where the machine has none.
    static let systemTrustStore: TrustStore? = {
        guard let data = FileManager.default.contents(atPath: "/etc/ssl/certs/ca-certificates.crt") else { return nil }
        return try? TrustStore(pemBundle: Array(data), source: "/etc/ssl/certs/ca-certificates.crt")
    }()

    /// Rows of a tab-separated file with a header line, as dictionaries.
    static func tsv(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().filter { !$0.isEmpty && !$0.hasPrefix("#") }.map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields + Array(repeating: "", count: max(0, header.count - fields.count))))
        }
    }
}
