import Glibc

/// A temporary file that is unlinked as soon as it is made (nothing is left behind, whatever ends the process),
/// holding connection reports that do not need to stay in memory. Written at increasing offsets by one owner
/// (`ConnectionListBuilder`), read with `pread` (safe from any thread), closed when the last list using it goes.
final class SpillFile: Sendable {
    let descriptor: Int32

    /// In `directory` (nil: `$TMPDIR`, else `/tmp`); nil when no file can be made there (the caller then keeps
    /// reports in memory).
    init?(directory: String? = nil) {
        let directory = directory
            ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/tlsdiag-reports-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Writes all of `bytes` at `offset`; false on a write error (a full disk).
    func write(_ bytes: [UInt8], at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }

    /// `length` bytes at `offset`, or nil on a read error.
    func read(at offset: Int, length: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, length - done, off_t(offset + done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            done += count
        }
        return bytes
    }
}
