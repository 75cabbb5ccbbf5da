import Diagnosis

/// Words reports repeat (timeline messages, causes, stages) as one-byte codes 1…; code 0 is followed by the
/// word as a string. A decoded code gives back the table's own string: no allocation, no UTF-8 validation.
struct WordCodes: Sendable {
    let words: [String]
    /// Per UTF-8 length, the words of that length and their codes: a lookup compares a word with a few others
    /// (cheaper than hashing it).
    private let byLength: [[Coded]]

    private struct Coded: Sendable {
        var code: UInt8
        var word: String
    }

    init(_ words: [String]) {
        var unique: [String] = []
        for word in words where !unique.contains(word) && unique.count < 255 { unique.append(word) }
        self.words = unique
        var byLength = [[Coded]](repeating: [], count: (unique.map(\.utf8.count).max() ?? 0) + 1)
        for (index, word) in unique.enumerated() {
            byLength[word.utf8.count].append(Coded(code: UInt8(index + 1), word: word))
        }
        self.byLength = byLength
    }

    func code(of word: String) -> UInt8? {
        let length = word.utf8.count
        guard length < byLength.count else { return nil }
        for candidate in byLength[length] where candidate.word == word { return candidate.code }
        return nil
    }

    func word(_ code: UInt8) -> String? {
        code >= 1 && Int(code) <= words.count ? words[Int(code) - 1] : nil
    }
}

/// The timeline's usual message names.
enum MessageCode {
    static let names = [
        "SYN", "SYN-ACK", "FIN", "RST", "ChangeCipherSpec", "Alert", "EncryptedRecord", "Finished", "Not TLS",
        "ClientHello", "ServerHello", "HelloRetryRequest", "Certificate", "ServerKeyExchange", "CertificateRequest",
        "ServerHelloDone", "CertificateVerify", "ClientKeyExchange", "NewSessionTicket", "EncryptedExtensions",
        "CertificateStatus",
    ]
    static let words = WordCodes(names)
}

/// The cause words of the report contract.
enum CauseCode {
    static let words = WordCodes([
        Cause.ok, .tcpRefused, .noServerResponse, .connectionReset, .notTLS, .protocolVersionMismatch, .cipherMismatch,
        .unknownCA, .incompleteChain, .certificateExpired, .hostnameMismatch, .missingSNI, .unrecognizedName,
        .alpnMismatch, .clientCertificateRequired, .badCertificate, .certificateRejected, .handshakeIncomplete,
        .captureIncomplete, .unknown,
    ].map(\.rawValue))
}

/// The stages `Diagnoser` words (`after ServerHelloDone`, `complete`, ...).
enum StageCode {
    static let words = WordCodes(
        ["complete", "TCP handshake", "first bytes", "before ClientHello",
         "after the server's encrypted handshake flight", "after the client's Finished"]
        + ["client", "server"].flatMap { side in
            ["Finished", "Certificate", "ChangeCipherSpec"].map { "after \(side) \($0)" }
        }
        + MessageCode.names.map { "after \($0)" })
}

/// `TimelineEntry.Kind` as one byte.
enum TimelineKindCode {
    static let kinds: [TimelineEntry.Kind] = [.handshakeMessage, .changeCipherSpec, .alert, .encrypted, .tcp, .other]

    static func code(_ kind: TimelineEntry.Kind) -> UInt8 {
        switch kind {  // exhaustive: a new kind must be given a code here
        case .handshakeMessage: 0
        case .changeCipherSpec: 1
        case .alert: 2
        case .encrypted: 3
        case .tcp: 4
        case .other: 5
        }
    }

    static func kind(_ code: UInt8) -> TimelineEntry.Kind? {
        kinds.indices.contains(Int(code)) ? kinds[Int(code)] : nil
    }
}

/// `EndedBy` as one byte (also packed into `ConnectionList.Entry`).
enum EndedByCode {
    static let all: [EndedBy] = [.alert, .rst, .fin, .captureEnd, .open]

    static func code(_ endedBy: EndedBy) -> UInt8 {
        switch endedBy {  // exhaustive: a new case must be given a code here
        case .alert: 0
        case .rst: 1
        case .fin: 2
        case .captureEnd: 3
        case .open: 4
        }
    }

    static func endedBy(_ code: UInt8) -> EndedBy? {
        all.indices.contains(Int(code)) ? all[Int(code)] : nil
    }
}

enum SideCode {
    static func code(_ side: Side) -> UInt8 { side == .client ? 0 : 1 }

    static func side(_ code: UInt8) -> Side? {
        switch code {
        case 0: .client
        case 1: .server
        default: nil
        }
    }
}

/// Which case of `TimelineSummary` follows in a spilled timeline entry.
enum SummaryCode {
    static let none: UInt8 = 0
    static let text: UInt8 = 1
    static let byteCount: UInt8 = 2
    static let encryptedByteCount: UInt8 = 3
    static let certificateCount: UInt8 = 4
    static let clientHello: UInt8 = 5
    static let serverHello: UInt8 = 6
    static let alert: UInt8 = 7
}
