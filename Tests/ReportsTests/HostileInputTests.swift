import Foundation
import Testing
import Diagnosis
import Analysis
@testable import Reports

/// A capture is attacker-controlled. Nothing from it may move the cursor, colour the terminal, reorder text
/// or start a line of its own in text or markdown; JSON keeps the exact strings (see JSONReportTests).
@Suite struct HostileInputTests {
    /// Scalars a terminal or a bidi-aware viewer acts on (line feeds excepted: the report's own).
    static func activeScalars(in text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x0A: false
            case 0x00...0x1F, 0x7F...0x9F: true
            case 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2028, 0x2029, 0x2060...0x2069, 0xFEFF: true
            default: false
            }
        }
    }

    static let report = Fixtures.hostileReport()

    @Test(arguments: [ReportFormat.text, .markdown])
    func noActiveCharactersReachTheOutput(format: ReportFormat) {
        let output = ReportRenderer.render(Self.report, as: format, toolVersion: "0.1.0")
        #expect(Self.activeScalars(in: output).isEmpty)
        // The hostile characters are shown, not dropped.
        #expect(output.contains("\\x1b[31m") || output.contains("\\\\x1b\\[31m"))
        #expect(output.contains("u{202e}"))
    }

    @Test(arguments: [ReportFormat.text, .markdown])
    func capturedTextCannotStartAReportLine(format: ReportFormat) {
        let output = ReportRenderer.render(Self.report, as: format, toolVersion: "0.1.0")
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            #expect(!line.hasPrefix("#99"), "fake connection header: \(line)")
            #expect(!line.drop(while: { $0 == " " }).hasPrefix("FAKE"), "fake line: \(line)")
        }
    }

    @Test func textConnectionHeadersAreOnlyTheReportsOwn() {
        let output = ReportRenderer.render(Self.report, as: .text, toolVersion: "0.1.0")
        let headers = output.split(separator: "\n").filter { $0.hasPrefix("#") }
        for header in headers {
            #expect(header.range(of: #"^#\d+  "#, options: .regularExpression) != nil, "\(header)")
        }
        let ids = headers.compactMap { Int($0.dropFirst().prefix { $0.isNumber }) }
        #expect(ids.sorted() == Self.report.connections.map(\.id))
    }

    @Test func markdownHeadingsAreOnlyTheReportsOwn() {
        let output = ReportRenderer.render(Self.report, as: .markdown, toolVersion: "0.1.0")
        for line in output.split(separator: "\n") where line.hasPrefix("#") {
            let ok = line.hasPrefix("# TLS handshake report: ") || line.hasPrefix("## ")
                || line.range(of: #"^### Connection \d+: "#, options: .regularExpression) != nil
            #expect(ok, "unexpected heading: \(line)")
        }
        let connectionHeadings = output.split(separator: "\n").filter { $0.hasPrefix("### Connection ") }
        #expect(connectionHeadings.count == Self.report.connections.filter(\.failed).count)
    }

    @Test func markdownTableRowsKeepTheirColumnCount() {
        let output = ReportRenderer.render(Self.report, as: .markdown, toolVersion: "0.1.0")
        var columns: Int?
        var rows = 0
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else { columns = nil; continue }
            let cells = Self.unescapedPipes(in: line)
            if let columns {
                #expect(cells == columns, "row has \(cells) pipes, header \(columns): \(line)")
                rows += 1
            } else {
                columns = cells
            }
        }
        #expect(rows > 10)
    }

    /// Pipes not escaped by an odd run of backslashes (GFM's cell separators).
    static func unescapedPipes(in line: Substring) -> Int {
        var count = 0, backslashes = 0
        for character in line {
            if character == "|" && backslashes % 2 == 0 { count += 1 }
            backslashes = character == "\\" ? backslashes + 1 : 0
        }
        return count
    }

    @Test func markdownCodeSpansAroundHostileNamesAreClosed() {
        let output = ReportRenderer.render(Self.report, as: .markdown, toolVersion: "0.1.0")
        // The hostile SNI holds a backtick pair; its code span needs a longer fence.
        #expect(output.contains("`` evil\\x1b[31m\\r\\n#99 FAKE OK\\x00\\u{202e}gnp.exe\\u{200b}\\u{9b}2J|`x` ``"))
    }

    @Test func liveOutputIsEscapedToo() {
        let hostile = Fixtures.hostileConnection(id: 8, at: 60)
        let block = ReportRenderer.textBlock(hostile)
        #expect(Self.activeScalars(in: block).isEmpty)
        #expect(block.hasPrefix("#8 "))
        for line in block.split(separator: "\n").dropFirst() {
            #expect(line.hasPrefix("    "), "\(line)")
        }
        let json = ReportRenderer.jsonLine(hostile)
        #expect(Self.activeScalars(in: json).isEmpty)
        #expect(!json.contains("\n"))
    }
}

/// Random strings drawn from the characters an attacker would use, in every untrusted field, many times.
@Suite struct HostileFuzzTests {
    /// Deterministic, so a failure reproduces.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let alphabet: [Unicode.Scalar] = [
        "\u{0}", "\u{7}", "\u{8}", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1b}", "[", "]", "(", ")", "\u{7f}",
        "\u{80}", "\u{85}", "\u{9b}", "\u{9d}", "\u{200b}", "\u{200d}", "\u{200e}", "\u{202a}", "\u{202e}",
        "\u{2028}", "\u{2029}", "\u{2066}", "\u{2069}", "\u{feff}", "\u{e000}", "\u{10ffff}", "`", "|", "#", "*", "_",
        "<", ">", "&", "\\", "-", "1", ".", " ", "a", "é", "例", "🔒", "\u{301}",
    ]

    static func hostileString(_ generator: inout Generator) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<(1 + generator.next(40)) { scalars.append(alphabet[generator.next(alphabet.count)]) }
        return String(scalars)
    }

    @Test func randomHostileFieldsNeverReachTheTerminalOrTheMarkdownStructure() throws {
        var generator = Generator(state: 0x7115_d1a6)
        for round in 0..<150 {
            var c = Fixtures.unknownCA(id: 1, client: 2, at: 0)
            let strings = (0..<12).map { _ in Self.hostileString(&generator) }
            c.sni = strings[0]
            c.alpn = strings[1]
            c.alpnOffered = [strings[1], strings[2]]
            c.explanation = strings[3]
            c.nextSteps = [strings[4], "`\(strings[5])`"]
            c.warnings = [strings[6]]
            c.stage = strings[7]
            c.timeline[1].detail = strings[8]
            c.timeline[2].message = strings[9]
            c.certificates = [Fixtures.certificate(subject: strings[10], commonName: strings[10], issuer: strings[11],
                                                   issuerCommonName: nil, dnsNames: [strings[0], strings[11]])]
            c.cause = Cause(rawValue: strings[2])
            var report = AnalysisReport(capture: Fixtures.capture(warnings: [strings[3]]), connections: [c],
                                        trustSource: strings[4], crossConnectionFindings: [strings[5]])
            report.capture.file = strings[6]

            for format in [ReportFormat.text, .markdown] {
                let output = ReportRenderer.render(report, as: format, toolVersion: "0.1.0")
                #expect(HostileInputTests.activeScalars(in: output).isEmpty, "round \(round) \(format)")
                if format == .markdown {
                    for line in output.split(separator: "\n") where line.hasPrefix("|") {
                        // Every row of the certificate table has the header's 9 separators.
                        if line.contains("2027-11-29") {
                            #expect(HostileInputTests.unescapedPipes(in: line) == 9, "round \(round): \(line)")
                        }
                    }
                    let headings = output.split(separator: "\n").filter { $0.hasPrefix("#") }
                    // Title, incident summary, by cause, warnings, findings, failed connections, the one connection.
                    #expect(headings.count == 7, "round \(round): \(headings)")
                    #expect(headings.last?.hasPrefix("### Connection 1: ") == true)
                }
            }
            let block = ReportRenderer.textBlock(c)
            #expect(HostileInputTests.activeScalars(in: block).isEmpty)
            #expect(block.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("    ") }, "round \(round)")

            let line = ReportRenderer.jsonLine(c)
            #expect(HostileInputTests.activeScalars(in: line).isEmpty)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(parsed["sni"] as? String == strings[0], "round \(round)")
            #expect(parsed["explanation"] as? String == strings[3], "round \(round)")
            #expect(parsed["stage"] as? String == strings[7], "round \(round)")
        }
    }
}
