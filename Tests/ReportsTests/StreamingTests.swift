import Testing
import WireFormat
import PacketDecoding
import Diagnosis
import Analysis
@testable import Reports

/// Keeps what a streamed report wrote, chunk by chunk; refuses bytes after `acceptedChunks` (a closed pipe).
final class RecordedOutput: ReportOutput {
    var chunks: [[UInt8]] = []
    var calls = 0
    let acceptedChunks: Int

    init(acceptedChunks: Int = .max) { self.acceptedChunks = acceptedChunks }

    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        calls += 1
        guard chunks.count < acceptedChunks else { return false }
        chunks.append(Array(bytes))
        return true
    }

    var text: String { String(decoding: chunks.joined(), as: UTF8.self) }
}

@Suite struct StreamingTests {
    /// Fixture connections, hostile and plain, many times over: several 64 kB chunks in every format.
    static func largeReport() -> AnalysisReport {
        var report = Fixtures.hostileReport()
        let makers: [(Int, Int64) -> ConnectionReport] = [
            { Fixtures.ok(id: $0, at: $1) }, { Fixtures.unknownCA(id: $0, client: 4, at: $1) },
            { Fixtures.refused(id: $0, at: $1) }, { Fixtures.encryptedAlert(id: $0, at: $1) },
            { Fixtures.hostileConnection(id: $0, at: $1) },
        ]
        report.connections = ConnectionList((1...2_500).map { makers[$0 % makers.count]($0, Int64($0)) })
        return report
    }

    @Test(arguments: ReportFormat.allCases)
    func streamedReportIsTheRenderedOne(format: ReportFormat) {
        for report in [Fixtures.incident(), Fixtures.hostileReport(), Self.largeReport()] {
            let output = RecordedOutput()
            #expect(ReportRenderer.write(report, as: format, toolVersion: "0.1.0", to: output))
            #expect(output.text == ReportRenderer.render(report, as: format, toolVersion: "0.1.0"))
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func chunksStayNearSixtyFourKilobytes(format: ReportFormat) {
        let output = RecordedOutput()
        ReportRenderer.write(Self.largeReport(), as: format, toolVersion: "0.1.0", to: output)
        #expect(output.chunks.count > 2)
        for chunk in output.chunks.dropLast() {
            #expect(chunk.count >= ReportStream.chunkSize && chunk.count < ReportStream.chunkSize + 16_384)
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func aClosedOutputStopsTheReport(format: ReportFormat) {
        let output = RecordedOutput(acceptedChunks: 1)
        #expect(!ReportRenderer.write(Self.largeReport(), as: format, toolVersion: "0.1.0", to: output))
        #expect(output.chunks.count == 1)
        #expect(output.calls == 2, "nothing is offered after the output refused bytes")
    }

    @Test func theJSONDocumentIsTheContractTreeSerialized() {
        for report in [Fixtures.incident(), Fixtures.hostileReport(), Self.largeReport()] {
            let tree = JSONReport.document(report, toolVersion: "0.1.0", trustRootCount: 12).serialized(pretty: true)
            #expect(ReportRenderer.render(report, as: .json, toolVersion: "0.1.0", trustRootCount: 12) == tree)
        }
        let empty = AnalysisReport(capture: Fixtures.capture(warnings: []), connections: [], trustSource: nil)
        #expect(ReportRenderer.render(empty, as: .json, toolVersion: "0.1.0")
                == JSONReport.document(empty, toolVersion: "0.1.0").serialized(pretty: true))
    }

    @Test func eachConnectionIsWrittenAsItsTreeWouldBe() {
        var generator = HostileFuzzTests.Generator(state: 0x15_0a)
        for round in 0..<400 {
            let c = RandomConnections.make(&generator, id: round + 1)
            for pretty in [true, false] {
                var writer = JSONWriter(pretty: pretty, stream: ReportStream(output: nil))
                writer.writeConnection(c, indent: pretty ? 2 : 0)
                var tree = JSONWriter(pretty: pretty, stream: ReportStream(output: nil))
                tree.write(JSONReport.connection(c), indent: pretty ? 2 : 0)
                #expect(writer.stream.text == tree.stream.text, "round \(round), pretty: \(pretty)")
            }
            #expect(ReportRenderer.jsonLine(c) == JSONReport.connection(c).serialized(), "round \(round)")
        }
    }

    /// The one-line form is laid out as `TextLayout.fit` lays out the header parts and the verdict, whether
    /// `PlainRow` writes it (plain text) or `LineFitter` does (both kinds of row are among these).
    @Test func oneLineIsTheFittedHeaderAndVerdict() {
        var generator = HostileFuzzTests.Generator(state: 0x0e_11)
        var plainRows = 0
        for round in 0..<600 {
            let c = RandomConnections.make(&generator, id: round + 1)
            let clock = Clock(showsDate: generator.next(2) == 0)
            let suffix: StaticString = generator.next(2) == 0 ? "" : " UTC"
            var expected = TextLayout.fit(
                ConnectionText.headerParts(c, clock: clock, timeSuffix: suffix.description)
                    + [ConnectionText.esc(Wording.verdict(c))],
                restPrefix: "    ")
            for warning in c.warnings {
                expected += TextLayout.wrap("Warning: " + ConnectionText.esc(warning), firstPrefix: "    ",
                                            restPrefix: "      ")
            }
            var stream = ReportStream(output: nil)
            var fitter = LineFitter(restPrefix: "    ")
            ConnectionText.writeOneLine(c, clock: clock, timeSuffix: suffix, to: &stream, fitter: &fitter)
            #expect(stream.text == expected.joined(separator: "\n"), "round \(round)")
            var plain = ReportStream(output: nil)
            if PlainRow.write(c, clock: clock, timeSuffix: suffix, to: &plain) { plainRows += 1 }
        }
        #expect(plainRows > 50 && plainRows < 550, "\(plainRows) of 600 rows were plain")
    }
}

@Suite struct ReportStreamTests {
    /// Appends of every size, past the first allocation many times, against an array of the same bytes.
    @Test func keepsWhatAnArrayWouldKeep() {
        var generator = HostileFuzzTests.Generator(state: 0xb1f)
        var stream = ReportStream(output: nil)
        var expected: [UInt8] = []
        for round in 0..<3_000 {
            switch generator.next(4) {
            case 0:
                let byte = UInt8(generator.next(256))
                stream.append(byte: byte)
                expected.append(byte)
            case 1:
                let bytes = (0..<generator.next(300)).map { _ in UInt8(generator.next(256)) }
                bytes.withUnsafeBufferPointer { stream.append($0) }
                expected += bytes
            case 2:
                let text = FastPathEscapingTests.randomText(&generator)
                stream.append(text)
                expected += Array(text.utf8)
            default:
                stream.append("→ literal" as StaticString)
                expected += Array("→ literal".utf8)
            }
            if round == 1_000 {
                stream.removeAll()
                expected.removeAll()
            }
            #expect(stream.count == expected.count)
        }
        #expect(stream.withBytes { Array($0) } == expected)
        let taken = stream.take()
        #expect(taken.withBytes { Array($0) } == expected)
        #expect(stream.count == 0)
    }

    @Test func linesAreJoinedWithoutATrailingNewline() {
        var stream = ReportStream(output: nil)
        stream.lines(["a", "", "b"])
        stream.line("c")
        #expect(stream.text == "a\n\nb\nc")
    }

    @Test func flushHandsEverythingOnAndEmpties() {
        let output = RecordedOutput()
        var stream = ReportStream(output: output)
        stream.append("small")
        stream.flushIfFull()
        #expect(output.chunks.isEmpty)
        stream.flush()
        #expect(output.text == "small" && stream.count == 0)
        stream.flush()
        #expect(output.calls == 1, "nothing to hand on")
    }
}

@Suite struct MarkdownRowTests {
    @Test func rowsWrittenAsBytesAreTheGeneralRows() {
        var generator = HostileFuzzTests.Generator(state: 0x3d_0e)
        let report = MarkdownReport(report: Fixtures.incident(), toolVersion: "0.1.0", trustRootCount: nil)
        for round in 0..<600 {
            var c = RandomConnections.make(&generator, id: round + 1)
            if generator.next(4) == 0 { c.sni = ["", " lead", "trail ", "a|b", "a`b", "back\\slash"][generator.next(6)] }
            let clock = Clock(showsDate: generator.next(2) == 0)
            var stream = ReportStream(output: nil)
            report.writeConnectionRow(c, clock: clock, to: &stream)
            #expect(stream.text == report.connectionRow(c, clock: clock), "round \(round)")
        }
    }

    @Test(arguments: [
        ("api.example.test", true), ("", false), (" api", false), ("api ", false), ("a|b", false), ("a`b", false),
        ("a\\b", false), ("é", false), (String(repeating: "a", count: 200), true), (String(repeating: "a", count: 201), false),
    ])
    func plainCodeSpans(sni: String, plain: Bool) {
        #expect(MarkdownReport.isPlainCode(sni) == plain)
        if plain { #expect(MarkdownText.code(sni, inTable: true, limit: ConnectionText.nameLimit) == "`\(sni)`") }
    }
}

/// Fixture connections with random fields: plain names, hostile ones, long ones (past the 200-character cut),
/// names that start with a combining mark, IPv6 ends, random times, timelines and certificates.
enum RandomConnections {
    static func make(_ generator: inout HostileFuzzTests.Generator, id: Int) -> ConnectionReport {
        let at = Int64(generator.next(200_000))
        var c: ConnectionReport
        switch generator.next(5) {
        case 0, 1: c = Fixtures.ok(id: id, at: at)
        case 2: c = Fixtures.unknownCA(id: id, client: UInt32(generator.next(300)), at: at)
        case 3: c = Fixtures.refused(id: id, at: at)
        default: c = Fixtures.encryptedAlert(id: id, at: at)
        }
        if generator.next(4) == 0 { c.client = Fixtures.v6Client }
        if generator.next(4) == 0 { c.lastFrame = c.firstFrame }
        if generator.next(2) == 0 { c.firstFrame = generator.next(Int(Int32.max)) }
        c.sni = [nil, "api.example.test", text(&generator), String(repeating: "s", count: 190 + generator.next(20)),
                 "\u{301}combining.example", text(&generator) + String(repeating: "é", count: 200)][generator.next(6)]
        if generator.next(2) == 0 { c.alpn = [nil, "h2", text(&generator)][generator.next(3)] }
        if generator.next(3) == 0 { c.resumed.toggle() }
        if generator.next(3) == 0 { c.helloRetryRequest.toggle() }
        if generator.next(3) == 0 { c.warnings = (0..<generator.next(3)).map { _ in text(&generator) } }
        if generator.next(3) == 0 { c.stage = text(&generator) }
        if generator.next(3) == 0 { c.explanation = text(&generator) }
        if generator.next(3) == 0, !c.timeline.isEmpty {
            c.timeline[generator.next(c.timeline.count)].detail = generator.next(2) == 0 ? nil : text(&generator)
        }
        if generator.next(3) == 0 {
            c.certificates = [Fixtures.certificate(subject: text(&generator), dnsNames: [text(&generator)])]
        }
        if generator.next(4) == 0 { c.trust = .unknownCA(root: text(&generator)) }
        return c
    }

    static func text(_ generator: inout HostileFuzzTests.Generator) -> String {
        FastPathEscapingTests.randomText(&generator)
    }
}
