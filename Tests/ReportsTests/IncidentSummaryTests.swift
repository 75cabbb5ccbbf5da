import Testing
import WireFormat
import TLSDissector
import Diagnosis
import Analysis
@testable import Reports

/// The incident summary is worded from what the connection list keeps in memory, never from the reports: it
/// must read exactly as if each report had been read.
@Suite struct IncidentSummaryTests {
    /// Every way a handshake ends (the verdict cases): the summary's symptom is the verdict's, with the stage.
    @Test(arguments: WordingTests.cases)
    func theListsOutlineWordsTheSymptomAsTheReportDoes(_ testCase: WordingTests.Case) throws {
        let c = WordingTests.report(testCase)
        let list = ConnectionList([c])
        let fromList = Wording.symptomWithStage(list.outline(at: 0).ending, cause: c.cause)
        #expect(fromList == Wording.symptomWithStage(c))
        // `FAILED after ClientHello: <symptom> (frame N)` → `<symptom> after ClientHello`
        var symptom = try #require(testCase.verdict.split(separator: ": ", maxSplits: 1).last.map(String.init))
        if let frame = symptom.range(of: " (frame ") { symptom = String(symptom[..<frame.lowerBound]) }
        #expect(fromList == symptom + " after ClientHello")
    }

    /// Connections whose endings differ in what the sentence leaves out (who reset a connection that the
    /// capture's end cut short) share one symptom: the group has no "ended differently".
    @Test func endingsWordedAlikeCountAsOneSymptom() {
        var cut = Fixtures.unanswered(id: 1, at: 0)
        cut.cause = .handshakeIncomplete
        var resetThenCut = Fixtures.unanswered(id: 2, at: 10)
        resetThenCut.cause = .handshakeIncomplete
        resetThenCut.timeline.append(Fixtures.entry(.server, .tcp, "RST", 76, resetThenCut.firstPacket))
        var closed = Fixtures.unanswered(id: 3, at: 20)
        closed.cause = .handshakeIncomplete
        closed.endedBy = .fin
        closed.timeline.append(Fixtures.entry(.client, .tcp, "FIN", 77, closed.firstPacket))
        let list = ConnectionList([closed, cut, resetThenCut])
        let summary = FailureGroup.summarize(list)
        #expect(summary.groups.count == 1)
        let group = summary.groups[0]
        // Two of three ended with the capture: the most common symptom, though the FIN one was seen first.
        #expect(group.symptom == "the capture ended before the handshake finished after ClientHello")
        #expect(group.otherSymptoms == 1)
        #expect(group.ids == [3, 1, 2])
        #expect(group.clients.count == 1)
        #expect(summary.full == [0, 1, 2])
    }

    /// Equal counts: the symptom seen first wins.
    @Test func aTieGoesToTheSymptomSeenFirst() {
        var reset = Fixtures.unknownCA(id: 2, client: 4, at: 30)
        reset.alert = nil
        reset.endedBy = .rst
        reset.timeline.append(Fixtures.entry(.client, .tcp, "RST", 52, reset.firstPacket))
        let list = ConnectionList([reset, Fixtures.unknownCA(id: 1, client: 2, at: 10)])
        let group = FailureGroup.summarize(list).groups[0]
        #expect(group.symptom == "the client reset the connection after ServerHelloDone")
        #expect(group.otherSymptoms == 1)
    }
}
