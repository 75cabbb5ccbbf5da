#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Reports

/// Writes straight to file descriptors: no shared stdio state, so it is safe under strict concurrency,
/// and each call is flushed (live JSON Lines must reach `| jq` at once).
enum Terminal {
    /// False when the text could not all be written (EPIPE and the like: the reader went away).
    @discardableResult
    static func write(_ text: String, to fd: Int32) -> Bool {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0), to: fd) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// A streamed report's chunks, to standard output.
struct StandardOutput: ReportOutput {
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        Terminal.write(bytes, to: STDOUT_FILENO)
    }
}

func printOut(_ text: String) {
    Terminal.write(text, to: STDOUT_FILENO)
}

func printError(_ text: String) {
    Terminal.write(text + "\n", to: STDERR_FILENO)
}

/// Ends the process with `status` (the C library's `exit`, which a command's own `exit(withError:)` hides).
func endProcess(status: Int32) -> Never {
    exit(status)
}

/// A one-line error on stderr and exit status 2, per the report contract.
func fail(_ message: String) -> Never {
    printError("tlsdiag: \(message)")
    exit(2)
}
