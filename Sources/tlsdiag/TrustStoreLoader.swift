import CertificateAnalysis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and reads the CA bundle: `--ca-bundle FILE`, else the system bundle when there is one.
enum TrustStoreLoader {
    static let systemBundles = [
        "/etc/ssl/certs/ca-certificates.crt",   // Debian, Ubuntu, Alpine
        "/etc/pki/tls/certs/ca-bundle.crt",     // Fedora, RHEL
        "/etc/ssl/cert.pem",                    // macOS, BSD
    ]

    static func load(explicitPath: String?) throws -> TrustStore? {
        if let path = explicitPath {
            guard let bytes = readFile(path) else { fail("\(path): cannot read the CA bundle (\(String(cString: strerror(errno))))") }
            do {
                let store = try TrustStore(pemBundle: bytes, source: path)
                if store.rootCount == 0 { fail("\(path): no PEM certificates in the CA bundle") }
                return store
            } catch {
                fail("\(path): \(error)")
            }
        }
        for path in systemBundles {
            if let bytes = readFile(path), let store = try? TrustStore(pemBundle: bytes, source: path), store.rootCount > 0 {
                return store
            }
        }
        return nil
    }

    /// The whole file, or nil when it cannot be read. CA bundles are small (≈ 200 KB).
    static func readFile(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit { return nil }
        }
        return ferror(file) == 0 ? result : nil
    }
}
