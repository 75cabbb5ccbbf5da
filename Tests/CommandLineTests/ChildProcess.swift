import Glibc
import Synchronization
import Testing

/// Held from creating a child's pipes to spawning it: tests run in parallel, and a child spawned by another
/// thread in between would inherit these pipes (no pipe2 here) and keep them open.
private let spawnLock = Mutex(())

/// A process started with `posix_spawnp`, its standard output and error read through pipes, line by line
/// with deadlines (live output is checked as it arrives). Standard input is /dev/null. Signals start at
/// their default disposition, unblocked: a test runner started in the background ignores SIGINT, and the
/// child must not inherit that. Killed (SIGKILL) and reaped on release if still running.
final class ChildProcess {
    enum Stream { case stdout, stderr }

    let pid: pid_t
    let arguments: [String]
    private var descriptors: [Int32]          // stdout, stderr; -1 once at end of file
    private var buffers: [[UInt8]] = [[], []]
    private var status: Int32?

    init(_ arguments: [String]) throws {
        self.arguments = arguments
        let (child, outRead, errRead) = try spawnLock.withLock { _ in try Self.spawn(arguments) }
        pid = child
        descriptors = [outRead, errRead]
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFL, O_NONBLOCK) }
    }

    /// Pipes for standard output and error, and the child writing to them.
    private static func spawn(_ arguments: [String]) throws -> (pid_t, Int32, Int32) {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw ProcessError("pipe failed: \(String(cString: strerror(errno)))")
        }
        for descriptor in outPipe + errPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, environ)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw ProcessError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return (child, outPipe[0], errPipe[0])
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
    }

    /// Runs a command to its end: exit status (128 + n for signal n), standard output and error.
    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try ChildProcess(arguments)
        let output = process.readToEnd(timeout: timeout)
        guard let status = process.wait(timeout: .seconds(5)) else {
            throw ProcessError("\(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        return (status, output.stdout, output.stderr)
    }

    /// The next complete line of `stream` (without its newline), or nil at the deadline or end of file.
    func readLine(_ stream: Stream, timeout: Duration) -> String? {
        let index = stream == .stdout ? 0 : 1
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let newline = buffers[index].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffers[index][..<newline], as: UTF8.self)
                buffers[index].removeSubrange(...newline)
                return line
            }
            guard descriptors[index] >= 0, pump(until: deadline) else { return nil }
        }
    }

    /// The first line of `stream` that satisfies `wanted`, skipping others, or nil at the deadline.
    func waitForLine(_ stream: Stream, timeout: Duration, where wanted: (String) -> Bool) -> String? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while let line = readLine(stream, timeout: ContinuousClock.now.duration(to: deadline)) {
            if wanted(line) { return line }
        }
        return nil
    }

    /// Everything until both streams end (or the deadline), including what was read but not taken yet.
    func readToEnd(timeout: Duration) -> (stdout: String, stderr: String) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while descriptors.contains(where: { $0 >= 0 }), pump(until: deadline) {}
        defer { buffers = [[], []] }
        return (String(decoding: buffers[0], as: UTF8.self), String(decoding: buffers[1], as: UTF8.self))
    }

    /// Exit status (128 + n when killed by signal n), or nil if still running at the deadline.
    func wait(timeout: Duration) -> Int32? {
        if let status { return status }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        repeat {
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                let signal = raw & 0x7f
                status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
                return status
            }
            if result < 0 { return nil }
            usleep(5_000)
        } while ContinuousClock.now < deadline
        return nil
    }

    func signal(_ signal: Int32) { if status == nil { kill(pid, signal) } }

    /// Reads what is available on either stream, waiting until something is; false at the deadline or when
    /// both are at end of file.
    private func pump(until deadline: ContinuousClock.Instant) -> Bool {
        let open = descriptors.filter { $0 >= 0 }
        guard !open.isEmpty else { return false }
        let left = ContinuousClock.now.duration(to: deadline)
        guard left > .zero else { return false }
        var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
        guard poll(&fds, nfds_t(fds.count), milliseconds) > 0 else { return ContinuousClock.now < deadline }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        for index in descriptors.indices where descriptors[index] >= 0 {
            let count = read(descriptors[index], &chunk, chunk.count)
            if count > 0 {
                buffers[index] += chunk[..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                close(descriptors[index])
                descriptors[index] = -1
            }
        }
        return true
    }
}

struct ProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
