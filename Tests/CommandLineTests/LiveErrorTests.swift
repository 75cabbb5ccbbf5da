import Glibc
import Testing

@Suite("tlsdiag live: errors before capture starts (the built binary)")
struct LiveErrorTests {
    /// Network interfaces the kernel has (what the error message should offer), from /sys/class/net.
    static func kernelInterfaces() throws -> [String] {
        let listing = try ChildProcess.run(["ls", "/sys/class/net"])
        return lines(listing.stdout)
    }

    @Test("an unknown interface: exit 2, one line listing the available ones")
    func unknownInterface() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live", "-i", "tlsdiag-nope0"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let errorLines = lines(result.stderr)
        #expect(errorLines.count == 1, "stderr: \(result.stderr)")
        let line = try #require(errorLines.first)
        #expect(line.hasPrefix("tlsdiag: no interface tlsdiag-nope0; available: "))
        for name in try Self.kernelInterfaces() {
            #expect(line.contains(name), "\(name) missing from: \(line)")
        }
    }

    @Test("a bad BPF expression: exit 2, one line with libpcap's message", arguments: [
        ("tcp and (", "can't parse filter expression: syntax error"),
        ("port 99999", "illegal port number 99999 > 65535"),
    ])
    func badFilter(expression: String, libpcapMessage: String) throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live", "-i", "lo", "--filter", expression])
        #expect(result.status == 2)
        #expect(lines(result.stderr) == ["tlsdiag: invalid capture filter \"tcp and port 443 and (\(expression))\": \(libpcapMessage)"],
                "stderr: \(result.stderr)")
    }

    @Test("--list-interfaces lists the kernel's interfaces with their state, and exits 0")
    func listInterfaces() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live", "--list-interfaces"])
        #expect(result.status == 0)
        let listed = lines(result.stdout)
        let loopback = try #require(listed.first { $0.hasPrefix("lo ") })
        #expect(loopback.contains("up") && loopback.contains("loopback"))
        #expect(listed.contains { $0.hasPrefix("any ") })
        for name in try Self.kernelInterfaces() {
            #expect(listed.contains { $0.hasPrefix(name + " ") }, "\(name) not listed")
        }
    }

    @Test("no interface given: a usage error naming --interface")
    func missingInterface() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--interface"))
    }

    @Test("markdown is refused for live output")
    func markdownRefused() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live", "-i", "lo", "--format", "markdown"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--format markdown is not available for live capture"))
    }

    @Test("--help says that root is given up, and for whom")
    func helpMentionsPrivilegeDrop() throws {
        let result = try ChildProcess.run([try tlsdiagBinary(), "live", "--help"])
        #expect(result.status == 0)
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("switches to an unprivileged user (--user, default nobody)"))
        #expect(help.contains("packets are never parsed as root"))
    }

    static let canRunAsNobody = isRoot && onPath("setpriv")

    @Test("not root and no capability: exit 2, one line saying how to fix it",
          .enabled(if: canRunAsNobody, "needs root and setpriv to run tlsdiag as the unprivileged user nobody"))
    func notRoot() throws {
        let result = try ChildProcess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                                           "--inh-caps=-all", try tlsdiagBinary(), "live", "-i", "lo"])
        #expect(result.status == 2)
        let errorLines = lines(result.stderr)
        #expect(errorLines.count == 1, "stderr: \(result.stderr)")
        #expect(errorLines.first?.contains("permission denied: run as root or grant the capability") == true)
        #expect(errorLines.first?.contains("setcap cap_net_raw,cap_net_admin=eip") == true)
    }
}
