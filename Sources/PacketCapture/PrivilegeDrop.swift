import Glibc

/// Gives up root once the capture device and the output file are open, as tcpdump `-Z` does: a capture
/// parser that reads attacker-controlled bytes should not run as root.
public enum PrivilegeDrop {
    public enum Outcome: Sendable, Hashable {
        /// Now running as `user`; becoming root again is impossible.
        case dropped(user: String, uid: UInt32, gid: UInt32)
        /// Not running as root (euid given), so nothing changed. A process that has file capabilities
        /// (setcap) keeps them.
        case notRoot(euid: UInt32)
    }

    /// Switches a root process to `user`: its group as the only group, then gid, then uid, and checks that
    /// `setuid(0)` now fails. Not root: does nothing and says so.
    @discardableResult
    public static func drop(toUser user: String = "nobody") throws(CaptureError) -> Outcome {
        let euid = geteuid()
        guard euid == 0 else { return .notRoot(euid: euid) }
        guard let account = lookUp(name: user) else {
            throw CaptureError(code: .privilegeDrop, message: "cannot drop privileges: no user \(user)")
        }
        var groups = [account.gid]
        guard setgroups(1, &groups) == 0 else { throw failure(user, "setgroups", errno) }
        guard setgid(account.gid) == 0 else { throw failure(user, "setgid", errno) }
        guard setuid(account.uid) == 0 else { throw failure(user, "setuid", errno) }
        guard account.uid != 0, setuid(0) != 0, getuid() == account.uid, geteuid() == account.uid,
              getgid() == account.gid, getegid() == account.gid else {
            throw CaptureError(code: .privilegeDrop,
                               message: "cannot drop privileges to \(user): the process can still become root")
        }
        return .dropped(user: user, uid: account.uid, gid: account.gid)
    }

    /// `root (uid 0, gid 0)`; the real ids are added when they differ from the effective ones.
    public static var currentUserDescription: String {
        let uid = getuid(), euid = geteuid(), gid = getgid(), egid = getegid()
        let name = lookUp(uid: euid)?.name ?? "uid \(euid)"
        var text = "\(name) (uid \(euid), gid \(egid)"
        if uid != euid || gid != egid { text += "; real uid \(uid), gid \(gid)" }
        return text + ")"
    }

    private struct Account { var name: String; var uid: uid_t; var gid: gid_t }

    private static func lookUp(name: String) -> Account? {
        withPasswordEntry { entry, buffer, size, result in getpwnam_r(name, &entry, buffer, size, &result) }
    }

    private static func lookUp(uid: uid_t) -> Account? {
        withPasswordEntry { entry, buffer, size, result in getpwuid_r(uid, &entry, buffer, size, &result) }
    }

    /// Runs a reentrant passwd lookup (thread-safe, unlike getpwnam).
    private static func withPasswordEntry(
        _ lookUp: (inout passwd, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<passwd>?) -> Int32
    ) -> Account? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 16_384) { buffer in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            guard let base = buffer.baseAddress, lookUp(&entry, base, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else { return nil }
            return Account(name: String(cString: name), uid: entry.pw_uid, gid: entry.pw_gid)
        }
    }

    private static func failure(_ user: String, _ call: String, _ code: Int32) -> CaptureError {
        CaptureError(code: .privilegeDrop,
                     message: "cannot drop privileges to \(user): \(call) failed: \(Libpcap.errnoText(code))")
    }
}
