import Dispatch
import Glibc

extension LiveCapture {
    /// Turns SIGINT and SIGTERM into `.signal` events of `LiveCapture.nextPacket`, so that Ctrl-C ends a
    /// capture promptly and cleanly: files flushed, summary printed. Nothing changes in a process that never
    /// creates one. One watcher at a time.
    ///
    /// Why Dispatch and not a bare signalfd: a signalfd only sees a process signal that every thread blocks,
    /// and blocking is per thread. In a Swift program with an async `main` on Linux, the main thread parks in
    /// `dispatch_main`, which waits in `sigsuspend` with an empty mask, so it takes SIGINT and dies of it
    /// whatever other threads block. libdispatch's signal sources handle this: they catch the signal in
    /// whichever thread gets it and forward it to Dispatch's own signalfd. Each source here writes the
    /// signal number to a pipe that `nextPacket` polls beside the capture descriptor. No handler and no
    /// global state of ours.
    ///
    /// A signal whose disposition is already "ignore" (SIGINT in a job a script started with `&`) is left
    /// ignored. Signals Dispatch cannot watch on Linux are left out: SIGPIPE and the fault signals (its
    /// threads never block them, and its forwarding then spins), SIGKILL and SIGSTOP.
    ///
    /// With `ignoringBrokenPipe`, SIGPIPE is ignored while the watcher lives, so writing to a closed pipe
    /// (`tlsdiag live | head`) fails with EPIPE, which the writer must check, instead of killing the process
    /// before the capture file is flushed.
    ///
    /// Dispatch keeps catching the watched signals after the watcher is released (they are then dropped);
    /// the program is expected to exit once capture ends.
    public final class SignalWatcher {
        /// The signals this watcher reports.
        public let signals: [Int32]
        /// Readable when a signal has arrived (non-blocking), for callers that poll it themselves.
        public var fileDescriptor: Int32 { readEnd }

        private let readEnd: Int32
        /// Kept here too: with no source holding it, a closed write end would make `readEnd` readable forever.
        private let writeEnd: PipeWriteEnd
        private let sources: [any DispatchSourceSignal]
        private var brokenPipeAction: sigaction?
        private static let unwatchable = [SIGPIPE, SIGILL, SIGTRAP, SIGFPE, SIGBUS, SIGSEGV, SIGSYS, SIGKILL, SIGSTOP]

        public init(signals: [Int32] = [SIGINT, SIGTERM], ignoringBrokenPipe: Bool = true) throws(CaptureError) {
            let watched = signals.filter { !Self.unwatchable.contains($0) && !Self.isIgnored($0) }
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else {
                throw CaptureError(code: .cannotOpen, message: "cannot watch signals: \(Libpcap.errnoText(errno))")
            }
            for end in ends {
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            let writeEnd = PipeWriteEnd(ends[1])
            self.writeEnd = writeEnd
            let queue = DispatchQueue(label: "tlsdiag.signals")
            // Sources register asynchronously; until Dispatch has installed its catcher, a signal would still
            // take its default action, so wait for every registration.
            let registered = DispatchGroup()
            sources = watched.map { signal in
                let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
                source.setEventHandler { writeEnd.send(signal) }
                registered.enter()
                source.setRegistrationHandler { registered.leave() }
                source.resume()
                return source
            }
            registered.wait()
            self.signals = watched
            self.readEnd = ends[0]
            if ignoringBrokenPipe {
                var ignore = sigaction()
                ignore.__sigaction_handler.sa_handler = SIG_IGN
                var previous = sigaction()
                if sigaction(SIGPIPE, &ignore, &previous) == 0 { brokenPipeAction = previous }
            }
        }

        deinit {
            // The write end closes when the last cancelled source lets go of its handler, and this watcher of it.
            for source in sources { source.cancel() }
            close(readEnd)
            if var previous = brokenPipeAction { sigaction(SIGPIPE, &previous, nil) }
        }

        /// A signal that has arrived and not been reported yet, without waiting.
        public func pendingSignal() -> Int32? {
            var signal: Int32 = 0
            guard read(readEnd, &signal, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size else { return nil }
            return signal
        }

        private static func isIgnored(_ signal: Int32) -> Bool {
            var current = sigaction()
            guard sigaction(signal, nil, &current) == 0 else { return false }
            return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
        }
    }
}

/// The pipe's write end, shared by the signal handlers' closures and closed when the last one is released.
private final class PipeWriteEnd: Sendable {
    let descriptor: Int32
    init(_ descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }

    /// Non-blocking: with the pipe full (thousands of unread signals), one more changes nothing.
    func send(_ signal: Int32) {
        var number = signal
        _ = write(descriptor, &number, MemoryLayout<Int32>.size)
    }
}
