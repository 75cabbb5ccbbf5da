import WireFormat
import TLSDissector
import CertificateAnalysis

/// A verdict: the cause word, a sentence or three for the ticket, and what to do next.
public struct Verdict: Sendable {
    public var cause: Cause
    public var explanation: String
    public var nextSteps: [String]
    public init(_ cause: Cause, _ explanation: String, _ nextSteps: [String] = []) {
        self.cause = cause
        self.explanation = explanation
        self.nextSteps = nextSteps
    }
}

/// Turns an observation into the report contract's connection object: stage, alert, ended_by, cause,
/// explanation and next steps. Decides from the whole exchange, not from the alert code alone.
public struct Diagnoser {
    public let observation: ConnectionObservation
    public let progress: HandshakeProgress
    public let certificates: CertificateFindings
    /// False when only the outcome is wanted: verdicts then skip their words (`conclude`).
    private var wordsWanted: Bool

    public init(observation: consuming ConnectionObservation, certificates: CertificateFindings) {
        self.init(observation: observation, certificates: certificates, wordsWanted: true)
    }

    /// `wordsWanted` false: verdicts skip their words (`conclude`), and `report(id:wordsShown:)` works them out only
    /// for a report that shows them.
    public init(observation: consuming ConnectionObservation, certificates: CertificateFindings, wordsWanted: Bool) {
        self.progress = HandshakeProgress(observation)
        self.observation = observation
        self.certificates = certificates
        self.wordsWanted = wordsWanted
    }

    /// The cause and whether the handshake completed: all a connection that is only counted needs. Its words
    /// (explanation, next steps) are not worked out.
    public static func outcome(of observation: ConnectionObservation,
                               certificates: CertificateFindings) -> (cause: Cause, established: Bool) {
        let wordless = Diagnoser(observation: observation, certificates: certificates, wordsWanted: false)
        return (wordless.verdict.cause, wordless.progress.established)
    }

    /// A verdict whose words are worked out only when they will be shown.
    func conclude(_ cause: Cause, _ explanation: @autoclosure () -> String,
                  _ nextSteps: @autoclosure () -> [String] = []) -> Verdict {
        wordsWanted ? Verdict(cause, explanation(), nextSteps()) : Verdict(cause, "")
    }

    public consuming func report(id: Int) -> ConnectionReport {
        report(id: id) { _ in true }
    }

    /// The report, with an explanation and next steps only when wanted (`wordsWanted`), or when `wordsShown` says
    /// they will be shown: it is asked with the report as it is without them (cause, SNI, timeline and all). Text
    /// and markdown show a healthy connection, and most failures of a large group, on one line.
    ///
    /// Nothing here mutates the diagnoser: called from a mutating (or consuming and mutated) context, each of the
    /// rules' getters copied the whole diagnoser (1.3 kB) to the stack first.
    public consuming func report(id: Int, wordsShown: (ConnectionReport) -> Bool) -> ConnectionReport {
        let (first, last) = (observation.first, observation.last)
        var report = ConnectionReport(id: id, client: observation.client, server: observation.server, firstFrame: first.frame,
                                      lastFrame: last.frame, firstPacket: first.timestamp, lastPacket: last.timestamp)
        // Filled in place by another function: filled here, the report was copied whole and freed at `return`.
        fill(&report, wordsShown)
        return report
    }

    private func fill(_ report: inout ConnectionReport, _ wordsShown: (ConnectionReport) -> Bool) {
        addFacts(to: &report)
        var verdict = self.verdict
        if !wordsWanted {
            report.cause = verdict.cause
            if wordsShown(report) {
                // A copy that wants words (it retains what the observation holds): few reports show them.
                var worded = self
                worded.wordsWanted = true
                verdict = worded.verdict
            }
        }
        report.cause = verdict.cause
        report.explanation = verdict.explanation
        report.nextSteps = verdict.nextSteps
        report.certificates = certificates.summaries
        report.trust = certificates.trust
        report.warnings = warnings(verdict: verdict)
    }

    /// What the observation and the handshake's progress say, before the verdict. (Borrowing, and the observation
    /// named in place: `let o = observation` copied it. Filled in place: a large struct returned is copied.)
    private func addFacts(to report: inout ConnectionReport) {
        if !observation.clientHellos.isEmpty {
            // Each field read (into a local) before anything is stored or called: otherwise the first hello, a dozen
            // arrays, was copied whole for these five.
            let sni = observation.clientHellos[0].hello.serverName
            let suites = observation.clientHellos[0].hello.cipherSuites
            let alpn = observation.clientHellos[0].hello.alpnProtocols
            let supported = observation.clientHellos[0].hello.supportedVersions
            let legacy = observation.clientHellos[0].hello.legacyVersion
            report.sni = sni
            report.offeredVersions = ClientHello.offeredVersions(supported: supported, legacy: legacy)
            report.offeredCipherSuites = suites
            report.alpnOffered = alpn
        }
        // Read in place: `serverHello` copies the hello (retaining its arrays) for a few of its fields.
        if let chosen = observation.chosenServerHelloIndex {
            report.version = observation.serverHellos[chosen].hello.negotiatedVersion
            report.cipherSuite = observation.serverHellos[chosen].hello.cipherSuite
            report.alpn = observation.serverHellos[chosen].hello.alpnProtocol
            report.resumed = isResumption
        }
        report.helloRetryRequest = observation.sawHelloRetryRequest
        report.timeline = observation.timeline
        report.established = progress.established
        report.stage = stage
        report.alert = progress.decisiveAlert.map {
            AlertReport(from: $0.side, level: $0.alert?.level, description: $0.alert?.description,
                        encrypted: $0.encrypted, frame: $0.at.frame)
        }
        report.decrypted = observation.decrypted
        report.endedBy = endedBy
    }

    /// An encrypted record the TLS 1.3 inference names (`HandshakeProgress.TLS13Inference`), read from the observation.
    func encryptedRecord(_ index: Int?) -> EncryptedRecordMark? {
        guard let index, observation.encryptedRecords.indices.contains(index) else { return nil }
        return observation.encryptedRecords[index]
    }

    /// TLS 1.3 PSK accepted, or a TLS ≤ 1.2 abbreviated handshake (server ChangeCipherSpec without a
    /// Certificate: RFC 5246 §7.3, session resumed from an ID or ticket).
    var isResumption: Bool {
        let o = observation
        guard let chosen = o.chosenServerHelloIndex else { return false }
        if o.serverHellos[chosen].hello.acceptsPreSharedKey { return true }
        return !o.isTLS13 && o.changeCipherSpec[.server] != nil && o.serverCertificateAt == nil
            && o.serverHelloDoneAt == nil
    }

    var endedBy: EndedBy {
        let o = observation
        if progress.failedByAlert { return .alert }
        if !o.rst.isEmpty { return .rst }
        if !o.fin.isEmpty { return o.openAtEnd ? .captureEnd : .fin }
        return o.openAtEnd ? .captureEnd : .open
    }

    /// Where it stopped: `complete`, or `after <last handshake step before the failure>`.
    var stage: String {
        if progress.established { return "complete" }
        let o = observation
        let cutoff = progress.decisiveAlert?.at.frame ?? Int.max
        let isTLS13 = o.isTLS13
        let timeline = o.timeline
        // An index, its entry read in place: `last(where:)` copied every entry it looked at.
        let lastStep = timeline.indices.last { index in
            let kind = timeline[index].kind, frame = timeline[index].frame
            // The decisive alert's own record (TLS 1.3: an alert-sized encrypted record) is not a step.
            // In TLS 1.3, ChangeCipherSpec is only middlebox camouflage (RFC 8446 §D.4): not a step.
            return (kind == .handshakeMessage || kind == .encrypted || (kind == .changeCipherSpec && !isTLS13))
                && (frame < cutoff || (frame == cutoff && kind != .encrypted))
        }
        guard let lastStep else {
            if o.clientSYN != nil && o.serverSYNACK == nil { return "TCP handshake" }
            return o.notTLS != nil ? "first bytes" : "before ClientHello"
        }
        let from = timeline[lastStep].from, message = timeline[lastStep].message
        if o.isTLS13, timeline[lastStep].kind == .encrypted {
            return from == .server ? "after the server's encrypted handshake flight" : "after the client's Finished"
        }
        if timeline[lastStep].kind == .encrypted { return "after \(from.rawValue) Finished" }
        if message == "Certificate" || message == "ChangeCipherSpec" || message == "Finished" {
            return "after \(from.rawValue) \(message)"
        }
        return Self.after(message)
    }

    /// `after <message>`, the usual ones as literals: nothing is built, and the list then finds each stage's number
    /// by comparing it with an equal literal, at once.
    static func after(_ message: String) -> String {
        switch message {
        case "ClientHello": "after ClientHello"
        case "ServerHelloDone": "after ServerHelloDone"
        case "ServerHello": "after ServerHello"
        default: "after \(message)"
        }
    }

    func warnings(verdict: Verdict) -> [String] {
        let o = observation
        var result = o.warnings
        for side in [Side.client, .server] {
            if let missing = o.missingBytes[side], missing > 0 {
                let frame = o.firstGap[side].map { " (first after frame \($0.frame))" } ?? ""
                result.append("\(CountText.plural(missing, "byte")) from the \(side.rawValue) \(CountText.agreeing(missing, "was", "were")) not captured\(frame)")
            }
        }
        for bad in o.malformed.prefix(3) {
            result.append("malformed TLS from the \(bad.side.rawValue) in frame \(bad.at.frame): \(bad.error)")
        }
        if o.timelineDropped > 0 {
            result.append("timeline shortened: \(CountText.plural(o.timelineDropped, "later event")) not listed")
        }
        if !o.rolesFromHandshake { result.append("the capture starts after the TCP handshake; client and server were inferred") }
        // Most connections show no certificate, and so have none of the warnings below.
        guard !certificates.summaries.isEmpty || !certificates.unreadable.isEmpty else { return result }
        // Most connections have no such warnings: appending an empty array is a call for nothing.
        if !certificates.unreadable.isEmpty { result += certificates.unreadable }
        for cert in certificates.expiringSoon {
            result.append("certificate \(cert.subject) expires \(cert.notAfter.date), within 14 days of the capture")
        }
        // The certificate's facts first: a cause compares as a string.
        if let cn = certificates.commonNameOnly, verdict.cause != .hostnameMismatch {
            result.append("the certificate names \(cn) only in its CN, without subjectAltName: Go, Chrome and Python 3.7+ reject it")
        }
        if let mismatch = certificates.hostnameMismatch, verdict.cause == .ok, let sni = o.clientHello?.serverName {
            result.append("the certificate does not cover \(sni) (it covers \(CountText.list(mismatch))), yet the client went on")
        }
        if verdict.cause == .ok, let expired = certificates.expired {
            result.append("certificate \(expired.subject) had expired on \(expired.notAfter.date), yet the client went on")
        }
        if certificates.chain != nil { result += certificates.chainWarnings(explainedBy: verdict.cause) }
        if let product = certificates.interceptionProduct {
            result.append("the certificate was issued by \(product): a TLS-terminating proxy or inspection product answered, not the origin server")
        }
        return result
    }
}
