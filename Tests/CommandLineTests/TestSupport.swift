import Glibc
import Foundation
import Testing

/// The package root, from this file's place in it (Tests/CommandLineTests/…).
let packageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()

let isRoot = geteuid() == 0

/// The built executable these tests run: `swift test` builds it with everything else (so does `swift build`);
/// TLSDIAG_BINARY points elsewhere (a release build).
func tlsdiagBinary() throws -> String {
    let path = getenv("TLSDIAG_BINARY").map { String(cString: $0) } ?? packageRoot + "/.build/debug/tlsdiag"
    try #require(access(path, X_OK) == 0,
                 "no tlsdiag executable at \(path): run `swift build --product tlsdiag` first (or set TLSDIAG_BINARY)")
    return path
}

func sample(_ name: String) -> String { packageRoot + "/SamplePcaps/" + name }

/// The non-empty lines of a text.
func lines(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init)
}

/// A fresh directory under /tmp (mode 0700, as mkdtemp makes it), removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/tlsdiag-cli-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ProcessError("mkdtemp failed") }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        guard let file = fopen(file(name), "wb") else { throw ProcessError("cannot create \(name)") }
        defer { fclose(file) }
        guard fputs(text, file) >= 0 else { throw ProcessError("cannot write \(name)") }
    }

    deinit { _ = try? ChildProcess.run(["rm", "-rf", path]) }
}

/// Whether a program can be found on PATH.
func onPath(_ program: String) -> Bool {
    (try? ChildProcess.run(["sh", "-c", "command -v \(program)"]).status) == 0
}

/// A JSON object (a report, or one JSON Lines connection), or nil.
func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}
