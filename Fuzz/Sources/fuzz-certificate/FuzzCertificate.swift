// libFuzzer target: a certificate as the server sent it, summarized, matched against host names and put into a
// chain; the same bytes also read as a PEM bundle of trusted roots.
import LibFuzzerDriver
import CertificateAnalysis

private let hostnames = ["api.example.test", "www.example.com", "a.b.example.com", "10.0.0.1", "::1", "*.example.com",
                         "localhost", "xn--bcher-kva.example", "", "."]

/// The program's entry (see LibFuzzerDriver.h): libFuzzer's driver with this target's test function.
@_cdecl("fuzz_certificate_main")
public func fuzzCertificateMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in data.map { fuzzCertificate($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCertificate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let store = try? TrustStore(pemBundle: bytes, source: "fuzz.pem") {
        _ = ChainAnalysis(served: store.roots, trustStore: store)
    }
    guard let certificate = try? CertificateSummary(derEncoded: bytes) else { return 0 }
    var sink = ""
    print(certificate, to: &sink)
    for hostname in hostnames + certificate.dnsNames.prefix(4) + certificate.ipAddresses.prefix(2) {
        _ = HostnameMatcher.match(hostname: hostname, certificate: certificate)
    }
    let roots = TrustStore(roots: [certificate], source: "fuzz")
    _ = ChainAnalysis(served: [certificate])
    _ = ChainAnalysis(served: [certificate, certificate], trustStore: roots)
    _ = ChainAnalysis(served: [certificate], trustStore: nil)
    _ = roots.evaluate(served: [certificate, certificate], at: certificate.notBefore)
    _ = TrustVerdict.validityProblem(in: [certificate], at: certificate.notAfter)
    _ = InterceptionProducts.product(issuing: certificate)
    return 0
}
