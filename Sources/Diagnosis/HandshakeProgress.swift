import TLSDissector

/// How far a handshake got, read from an observation: established or not, the alert that ended it, and, for
/// TLS 1.3 without keys, what the sizes and order of encrypted records imply. When a key log decrypted a
/// TLS 1.3 handshake, its Finished messages and alerts are read instead (`tls13` is then nil).
public struct HandshakeProgress: Sendable {
    /// TLS 1.3 records without keys (RFC 8446 §5.2): an encrypted alert is 2 bytes + 1 content type + a 16-byte
    /// AEAD tag = 19 bytes (11 with CCM_8); nothing else in a handshake is that small. Allow a little padding.
    public static let alertSizedRecordLimit = 24

    /// Records are named by their index in the observation's `encryptedRecords` (`Diagnoser.encryptedRecord` reads one):
    /// the inference is made after every record of a TLS 1.3 connection until its outcome is known, and the
    /// marks themselves, copied in and out, were most of its cost.
    public struct TLS13Inference: Sendable, Hashable {
        /// The server's first encrypted record (start of EncryptedExtensions … Finished).
        public var serverFlight: Int?
        /// The client's first encrypted record after the server's flight.
        public var clientFirst: Int?
        /// The client's first record is alert-sized: it refused the server's flight (usually its certificate).
        public var clientRejected: Bool
        /// After the client's Finished, the server answered with an alert-sized record and nothing more.
        public var serverRejected: Int?
        /// Something larger than an alert followed the client's Finished (NewSessionTicket, data).
        public var confirmed: Bool
        /// The client sent application data: a record larger than an alert after its Finished.
        public var clientSentData: Bool
        /// The client sent nothing after the server's flight, and the server's last record after the flight's
        /// first is alert-sized: the server aborted its own handshake (its alert is encrypted).
        public var serverAbortedFlight: Int?
        /// After its Finished, the client sent one alert-sized record (a close or an alert) and nothing else.
        public var clientAlertAfterHandshake: Int?
    }

    public var established: Bool
    /// Established and data flowing, or failed: later bytes cannot change the verdict.
    public var outcomeKnown: Bool
    /// A fatal alert (plaintext, or encrypted during the handshake) was sent.
    public var failedByAlert: Bool
    /// The alert of the contract: the first fatal one, else an encrypted one during the handshake, else the last.
    public var decisiveAlert: ObservedAlert?
    public var tls13: TLS13Inference?

    public init(_ o: borrowing ConnectionObservation) {
        let firstFatal = o.alerts.first { $0.isFatal }
        let decryptedTLS13 = HandshakeProgress.isDecryptedTLS13(o)
        let handshakeDoneFrame = decryptedTLS13 ? HandshakeProgress.tls13ConfirmationFrame(o) : HandshakeProgress.tls12CompletionFrame(o)
        // An encrypted TLS ≤ 1.2 alert before both Finished messages ends the handshake.
        // Only when the handshake is in the capture: in a connection seen from its middle (no hello), an encrypted
        // alert ends the session (usually its close_notify) and says nothing about the handshake.
        let encryptedDuringHandshake = !o.sawHello ? nil : o.alerts.first { alert in
            alert.alert == nil && (handshakeDoneFrame == nil || alert.at.frame < handshakeDoneFrame!)
        }
        // Not optional here: its fields are then read without unwrapping (this runs after every record of a
        // connection until its outcome is known).
        let inferred = o.isTLS13 && !decryptedTLS13
        let t = inferred ? HandshakeProgress.inferTLS13(o) : TLS13Inference()
        self.tls13 = inferred ? t : nil

        var decisive = firstFatal ?? encryptedDuringHandshake
        if decisive == nil {
            if t.clientRejected, let index = t.clientFirst {
                decisive = ObservedAlert(side: .client, alert: nil, at: o.encryptedRecords[index].at)
            } else if let index = t.serverRejected ?? t.serverAbortedFlight {
                decisive = ObservedAlert(side: .server, alert: nil, at: o.encryptedRecords[index].at)
            }
        }
        if decisive == nil, !o.alerts.isEmpty, !o.isTLS13 || o.alerts.contains(where: { $0.alert != nil }) {
            // Warnings only (e.g. unrecognized_name as a warning): the last one seen, per the contract.
            decisive = o.alerts.last(where: { $0.alert != nil }) ?? (handshakeDoneFrame == nil ? o.alerts.last : nil)
        }
        self.decisiveAlert = decisive
        let fatalBeforeDone = firstFatal.map { alert in handshakeDoneFrame.map { alert.at.frame < $0 } ?? true } ?? false
        self.failedByAlert = fatalBeforeDone || encryptedDuringHandshake != nil || t.clientRejected || t.serverRejected != nil
            || t.serverAbortedFlight != nil

        if decryptedTLS13 {
            established = o.finished[.server] != nil && o.finished[.client] != nil && !fatalBeforeDone
                && encryptedDuringHandshake == nil
            let clientData = o.finished[.client].map { finished in
                o.encryptedRecords.contains { $0.side == .client && $0.contentType == .applicationData && $0.at.frame >= finished.frame }
            } ?? false
            // As without keys, keep watching until the client sends data: a close before is a rejection.
            outcomeKnown = (established && clientData && handshakeDoneFrame != nil) || failedByAlert
        } else if o.isTLS13, inferred {
            established = t.clientFirst != nil && !t.clientRejected && t.serverRejected == nil && firstFatal == nil
            // Keep watching until the client sends data: curl closes right after the handshake when the
            // name does not match, and that close is the only evidence TLS 1.3 leaves.
            outcomeKnown = (established && t.clientSentData && t.confirmed) || failedByAlert
        } else {
            established = handshakeDoneFrame != nil && !fatalBeforeDone && encryptedDuringHandshake == nil
            let dataFlowing = o.encryptedRecords.contains { $0.side == .client && $0.contentType == .applicationData }
            outcomeKnown = (established && dataFlowing) || failedByAlert
        }
    }

    /// The frame of the later Finished in a TLS ≤ 1.2 handshake (both sides sent ChangeCipherSpec and an
    /// encrypted handshake record, or a Finished a key log decrypted), or nil.
    static func tls12CompletionFrame(_ o: ConnectionObservation) -> Int? {
        guard !o.isTLS13, o.changeCipherSpec[.client] != nil, o.changeCipherSpec[.server] != nil,
              let c = o.encryptedFinished[.client] ?? o.finished[.client],
              let s = o.encryptedFinished[.server] ?? o.finished[.server] else { return nil }
        return max(c.frame, s.frame)
    }

    /// TLS 1.3 whose server records a key log decrypted: the handshake is read, not inferred from sizes.
    static func isDecryptedTLS13(_ o: ConnectionObservation) -> Bool {
        o.isTLS13 && o.decryptedRecords[.server, default: 0] > 0
    }

    /// Decrypted TLS 1.3: the server's first NewSessionTicket or application data after the client's Finished,
    /// which shows it accepted the client's flight (a fatal alert before it failed the handshake), or nil.
    static func tls13ConfirmationFrame(_ o: ConnectionObservation) -> Int? {
        guard let clientFinished = o.finished[.client]?.frame else { return nil }
        let ticket = o.newSessionTicketAt[.server].map(\.frame).flatMap { $0 >= clientFinished ? $0 : nil }
        let data = o.encryptedRecords.first { $0.side == .server && $0.contentType == .applicationData && $0.at.frame >= clientFinished }
        return [ticket, data?.at.frame].compactMap { $0 }.min()
    }

    static func inferTLS13(_ o: ConnectionObservation) -> TLS13Inference {
        // Over the (at most `encryptedRecordLimit`) application-data records in the order seen, without
        // building arrays: this runs after every record of every TLS 1.3 connection until the outcome is known.
        let records = o.encryptedRecords
        func isData(_ index: Int) -> Bool { records[index].contentType == .applicationData }
        var serverFlight: Int?
        var clientFirst: Int?
        var serverRejected: Int?
        var confirmed = false
        var clientRejected = false
        var clientSentData = false
        var clientAlertAfterHandshake: Int?
        var serverAbortedFlight: Int?
        if let flightIndex = records.indices.first(where: { isData($0) && records[$0].side == .server }) {
            serverFlight = flightIndex
            // Records the client sent before the server's flight are 0-RTT early data: not an answer to it.
            var clientIndex = records.indices[flightIndex...].first { isData($0) && records[$0].side == .client }
            // A fatal alert is the last record a client sends. An alert-sized one followed by more is the
            // EndOfEarlyData that ends accepted 0-RTT data (RFC 8446 §4.5): its Finished comes next.
            if let index = clientIndex, records[index].length <= alertSizedRecordLimit,
               let next = records.indices[(index + 1)...].first(where: { isData($0) && records[$0].side == .client }) {
                clientIndex = next
            }
            // Only with the whole exchange in view: when bytes are missing, the flight's start (and records the
            // client sent after the ServerHello) may be among them.
            // (Asked only when the client sent nothing after the flight: this runs after every record.)
            var clientAnsweredAfterServerHello: Bool {
                o.serverHelloAt.map { hello in
                    records.contains { $0.side == .client && $0.contentType == .applicationData && $0.at.frame > hello.frame }
                } ?? true
            }
            if clientIndex == nil, !clientAnsweredAfterServerHello, o.missingBytes[.server, default: 0] == 0,
               let last = records.indices[flightIndex...].last(where: { isData($0) && records[$0].side == .server }),
               last > flightIndex, records[last].length <= alertSizedRecordLimit {
                serverAbortedFlight = last
            }
            if let clientIndex {
                let firstFrame = records[clientIndex].at.frame
                clientFirst = clientIndex
                clientRejected = records[clientIndex].length <= alertSizedRecordLimit
                // What came after the client's first record: from the first record (since the server's flight)
                // with a later frame.
                let start = records.indices[flightIndex...].first { isData($0) && records[$0].at.frame > firstFrame }
                var serverCount = 0, serverLarge = false, clientCount = 0
                for index in (start ?? records.endIndex)..<records.endIndex where !clientRejected && isData(index) {
                    let alertSized = records[index].length <= alertSizedRecordLimit
                    if records[index].side == .server {
                        if serverCount == 0, alertSized { serverRejected = index }
                        if !alertSized { serverLarge = true }
                        serverCount += 1
                    } else {
                        // Only the client's last record can be a closing alert: one followed by another
                        // client record was small data (a 3-byte request is 20 bytes), not a fatal alert.
                        clientAlertAfterHandshake = clientCount == 0 && alertSized ? index : nil
                        // A client record larger than an alert after its first one is data (or the rest of a
                        // client-certificate flight, which the server's answer then confirms or rejects).
                        if !alertSized { clientSentData = true }
                        clientCount += 1
                    }
                }
                // The server rejected when its only answers are alert-sized, the first one first.
                if serverLarge { serverRejected = nil }
                // A client-certificate flight is several records, so client records alone confirm only
                // when there are more of them than such a flight has.
                confirmed = serverLarge || clientCount >= 4
            }
        }
        return TLS13Inference(serverFlight: serverFlight, clientFirst: clientFirst, clientRejected: clientRejected,
                              serverRejected: serverRejected, confirmed: confirmed, clientSentData: clientSentData,
                              serverAbortedFlight: serverAbortedFlight, clientAlertAfterHandshake: clientAlertAfterHandshake)
    }
}

extension HandshakeProgress.TLS13Inference {
    /// Nothing inferred (not TLS 1.3, or decrypted).
    init() {
        self.init(serverFlight: nil, clientFirst: nil, clientRejected: false, serverRejected: nil, confirmed: false,
                  clientSentData: false, serverAbortedFlight: nil, clientAlertAfterHandshake: nil)
    }
}
