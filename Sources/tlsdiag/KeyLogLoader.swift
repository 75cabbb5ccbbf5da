import TLSDecryption
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `--keylog FILE`: an unreadable file, or one without a single usable line, ends the run (exit 2).
enum KeyLogLoader {
    static func load(_ path: String) -> KeyLog {
        errno = 0
        guard let bytes = TrustStoreLoader.readFile(path, limit: 256 << 20) else {
            let reason = errno != 0 ? String(cString: strerror(errno)) : "larger than 256 MB"
            fail("\(path): cannot read the key log (\(reason))")
        }
        let keyLog = KeyLog(parsing: bytes)
        if keyLog.isEmpty {
            let bad = keyLog.badLines + keyLog.ignoredLines
            fail("\(path): no usable line in the key log (expected NSS SSLKEYLOGFILE lines such as `CLIENT_RANDOM <64 hex> <96 hex>`\(bad > 0 ? "; \(bad) lines not usable" : ""))")
        }
        return keyLog
    }
}
