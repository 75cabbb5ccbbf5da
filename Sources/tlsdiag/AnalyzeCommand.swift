import ArgumentParser
import WireFormat
import PacketCapture
import CertificateAnalysis
import Analysis
import Reports
import TLSDecryption

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyze a pcap or pcapng capture file (`-` reads standard input)."
    )

    @Argument(help: "The capture: pcap (µs or ns) or pcapng, as tcpdump, tshark or dumpcap write it; `-` for stdin.")
    var capture: String

    @Option(name: .long, help: "Report format: text, json or markdown.")
    var format: ReportFormat = .text

    @OptionGroup var portOptions: PortOptions

    @Option(name: .long, help: ArgumentHelp("An NSS key log (SSLKEYLOGFILE) to decrypt TLS 1.3 handshakes and encrypted alerts (TLS 1.2 too).", valueName: "FILE"))
    var keylog: String?

    @Option(name: .customLong("ca-bundle"), help: ArgumentHelp("Trusted roots (PEM) to judge certificate chains; default: the system bundle when present.", valueName: "FILE"))
    var caBundle: String?

    func run() throws {
        MemoryPolicy.returnLargeBlocksWhenFreed()
        var options = AnalysisOptions()
        options.ports = portOptions.ports
        options.trustStore = try TrustStoreLoader.load(explicitPath: caBundle)
        options.keyLog = keylog.map(KeyLogLoader.load)
        options.keepsUnshownDetails = format.showsEveryDetail
        let reader: CaptureFileReader
        do {
            reader = try CaptureFileReader(path: capture)
        } catch {
            fail(error.message)
        }
        let report = CaptureAnalysis.run(reader: reader, options: options, showProgress: Terminal.standardErrorIsTerminal && format != .json)
        // Streamed as it is rendered. A reader that went away (`| head`) is not an error, as with printOut:
        // the exit status still tells what the capture showed.
        ReportRenderer.write(report, as: format, toolVersion: TLSDiag.version, to: StandardOutput())
        // All that is left is to end the process (the report went out with write(2); the spill file, if any,
        // was unlinked when made). Exiting here spares freeing every connection's report and the trust store
        // one allocation at a time, for the system to take the memory back anyway: about 1.5% of the CPU on
        // a 10,000-connection capture. The lifetimes are extended so that the optimizer does not free them
        // before the call.
        withExtendedLifetime((report, options)) {
            endProcess(status: report.anyFailed ? 1 : 0)
        }
    }
}
