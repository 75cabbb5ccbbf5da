import Testing
@testable import Diagnosis

/// Names from the capture go inside single quotes in suggested commands: only printable ASCII other than `'`.
@Suite struct NextStepsTests {
    @Test("shell-safe names", arguments: [
        ("api.example.test", "api.example.test"),
        ("it's.example", "its.example"),
        ("evil\u{1b}[2J.example\n", "evil[2J.example"),
        ("bücher.example", "bcher.example"),
        ("🙂 ok", " ok"),
        ("", ""),
    ])
    func shellSafe(_ name: String, _ expected: String) {
        #expect(NextSteps.shellSafe(name) == expected)
    }
}
