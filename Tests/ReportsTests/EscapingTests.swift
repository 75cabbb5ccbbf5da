import Testing
@testable import Reports

@Suite struct EscapingTests {
    @Test(arguments: [
        ("api.example.test", "api.example.test"),
        ("a\u{1b}[2Jb", "a\\x1b[2Jb"),
        ("fake\r\nline", "fake\\r\\nline"),
        ("tab\there", "tab\\there"),
        ("nul\u{0}", "nul\\x00"),
        ("del\u{7f}", "del\\x7f"),
        ("c1 csi \u{9b}31m", "c1 csi \\u{9b}31m"),
        ("nel\u{85}", "nel\\u{85}"),
        ("\u{202e}gnp.exe", "\\u{202e}gnp.exe"),
        ("iso\u{2066}late\u{2069}", "iso\\u{2066}late\\u{2069}"),
        ("zero\u{200b}width\u{200d}joiner\u{feff}", "zero\\u{200b}width\\u{200d}joiner\\u{feff}"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
        ("back\\slash", "back\\\\slash"),
        ("bücher.例え.jp", "bücher.例え.jp"),
    ])
    func terminalEscapesMakeControlsVisible(input: String, expected: String) {
        #expect(TerminalText.escape(input) == expected)
    }

    @Test func terminalEscapeCutsAtTheLimitAndSaysHowMuch() {
        let long = String(repeating: "a", count: 300)
        #expect(TerminalText.escape(long, limit: 200) == String(repeating: "a", count: 200) + "…[100 more]")
        #expect(TerminalText.escape(long) == long)
        #expect(TerminalText.escape("short", limit: 200) == "short")
    }

    @Test(arguments: [
        ("plain words, with a dot.", "plain words, with a dot."),
        ("# heading", "\\# heading"),
        ("1. ordered", "1\\. ordered"),
        ("12) ordered", "12\\) ordered"),
        ("version 1.2 is fine", "version 1.2 is fine"),
        ("- bullet", "\\- bullet"),
        ("+ bullet", "\\+ bullet"),
        ("a - b", "a - b"),
        ("a|b", "a\\|b"),
        ("`code`", "\\`code\\`"),
        ("&#x202e; entity", "\\&\\#x202e; entity"),
        ("[link](https://evil.test)", "\\[link\\](https://evil.test)"),
        ("<img src=x>", "\\<img src=x\\>"),
        ("**bold** _em_ ~~del~~ $math$", "\\*\\*bold\\*\\* \\_em\\_ \\~\\~del\\~\\~ \\$math\\$"),
        ("    indented code", "indented code"),
        ("esc\u{1b}[31m", "esc\\\\x1b\\[31m"),
        ("new\nline", "new\\\\nline"),
    ])
    func markdownProseNeutralizesSyntax(input: String, expected: String) {
        #expect(MarkdownText.prose(input) == expected)
    }

    @Test(arguments: [
        ("api.example.test", false, "`api.example.test`"),
        ("a`b", false, "``a`b``"),
        ("a``b", false, "```a``b```"),
        ("`x`", false, "`` `x` ``"),
        (" padded ", false, "`  padded  `"),
        ("a|b", true, "`a\\|b`"),
        ("a|b", false, "`a|b`"),
        ("", false, "(empty)"),
        ("cr\rlf\n", false, "`cr\\rlf\\n`"),
    ])
    func markdownCodeSpans(input: String, inTable: Bool, expected: String) {
        #expect(MarkdownText.code(input, inTable: inTable) == expected)
    }
}
