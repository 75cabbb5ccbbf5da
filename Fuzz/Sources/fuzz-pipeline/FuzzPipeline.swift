// libFuzzer target: the input as a capture file, read by libpcap from a file descriptor, analyzed, and rendered
// in all three report formats: what `tlsdiag analyze` does with a hostile file.
import LibFuzzerDriver
import WireFormat
import PacketCapture
import CertificateAnalysis
import Analysis
import Reports
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One scratch file per fuzzing process, rewritten for every input.
private let scratch: Int32 = {
    var template = Array("/tmp/fuzz-pipeline-XXXXXX".utf8CString)
    let fd = mkstemp(&template)
    precondition(fd >= 0, "cannot create a scratch file")
    unlink(&template)
    return fd
}()

/// The system's roots when present, so chains are judged as `tlsdiag analyze` judges them.
private let trustStore: TrustStore? = {
    guard let file = fopen("/etc/ssl/certs/ca-certificates.crt", "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return try? TrustStore(pemBundle: bytes, source: "/etc/ssl/certs/ca-certificates.crt")
}()

/// The program's entry (see LibFuzzerDriver.h): libFuzzer's driver with this target's test function.
@_cdecl("fuzz_pipeline_main")
public func fuzzPipelineMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    // Load the roots before fuzzing starts: libFuzzer counts allocations that outlive one input as leaks.
    _ = trustStore
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in data.map { fuzzPipeline($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipeline(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard ftruncate(scratch, 0) == 0, lseek(scratch, 0, SEEK_SET) == 0 else { fatalError("scratch file") }
    var written = 0
    while written < size {
        let count = write(scratch, data + written, size - written)
        precondition(count > 0, "cannot write the scratch file")
        written += count
    }
    guard lseek(scratch, 0, SEEK_SET) == 0 else { fatalError("scratch file") }

    let reader: CaptureFileReader
    do {
        reader = try CaptureFileReader(fileDescriptor: scratch, name: "fuzz.pcap")
    } catch {
        // What `tlsdiag analyze` turns into exit status 2 with a one-line message.
        precondition(!error.message.isEmpty && !error.message.contains("\n"))
        return 0
    }
    var options = AnalysisOptions()
    options.trustStore = trustStore
    // An odd-sized input also runs the live-capture path (early conclusions, handshake timeouts).
    options.reportEarly = size & 1 == 1
    var analyzer = Analyzer(options: options)
    var tally = CaptureTally()
    while let packet = reader.nextPacket() {
        tally.count(packet)
        analyzer.process(packet)
        if options.reportEarly {
            analyzer.advanceTime(to: packet.timestamp)
            for connection in analyzer.takeConcluded() {
                precondition(!ReportRenderer.jsonLine(connection).contains("\n"))
                _ = ReportRenderer.textBlock(connection)
            }
        }
    }
    let capture = tally.summary(file: reader.path, format: reader.format, linkType: reader.linkType,
                                warnings: reader.warnings)
    let report = analyzer.finish(capture: capture)
    for format in ReportFormat.allCases {
        let text = ReportRenderer.render(report, as: format, toolVersion: "fuzz")
        precondition(!text.isEmpty)
    }
    return 0
}
