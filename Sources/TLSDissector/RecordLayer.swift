// The TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2):
//     struct { ContentType type; ProtocolVersion legacy_record_version; uint16 length;
//              opaque fragment[TLSPlaintext.length]; } TLSPlaintext;

/// A record header, judged for plausibility.
struct RecordHeader {
    /// 2^14 plus the 2048 bytes of expansion TLS 1.2 allows a TLSCiphertext (RFC 5246 §6.2.3).
    static let maxLength = (1 << 14) + 2048

    var type: UInt8
    var major: UInt8
    var minor: UInt8
    var length: Int

    init(type: UInt8, major: UInt8, minor: UInt8, length: Int) {
        self.type = type
        self.major = major
        self.minor = minor
        self.length = length
    }

    /// The five bytes, packed big-endian in the low 40 bits.
    init(packed: UInt64) {
        self.init(type: UInt8(packed >> 32 & 0xff), major: UInt8(packed >> 24 & 0xff),
                  minor: UInt8(packed >> 16 & 0xff), length: Int(packed & 0xffff))
    }

    init?<C: RandomAccessCollection>(_ bytes: C, at offset: Int) where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + offset
        guard offset >= 0, bytes.endIndex - base >= 5 else { return nil }
        self.init(type: bytes[base], major: bytes[base + 1], minor: bytes[base + 2],
                  length: Int(bytes[base + 3]) << 8 | Int(bytes[base + 4]))
    }

    /// Content type 20–24 and version 3.0–3.4 (SSL 3.0 to TLS 1.3).
    var hasValidTypeAndVersion: Bool { (20...24).contains(type) && major == 3 && minor <= 4 }
    var isPlausible: Bool { hasValidTypeAndVersion && length <= Self.maxLength }

    /// Stricter, for finding a header in unknown bytes: ChangeCipherSpec is 1 byte, an alert (plain or
    /// encrypted) is short, and other records are not empty.
    var isResyncCandidate: Bool {
        guard isPlausible else { return false }
        switch type {
        case 20: return length == 1
        case 21: return (2...256).contains(length)
        default: return length > 0
        }
    }

    var bytes: [UInt8] { [type, major, minor, UInt8(length >> 8), UInt8(length & 0xff)] }

    var problem: TLSParseError {
        let summary = "content type \(type), version \(hex16(UInt16(major) << 8 | UInt16(minor))), length \(length)"
        if hasValidTypeAndVersion {
            return TLSParseError(code: .recordTooLong, detail: "record with \(summary)")
        }
        return TLSParseError(code: .invalidRecordHeader, detail: summary)
    }
}

extension TLSStreamParser {
    mutating func consumeRecords(_ input: inout ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        while !input.isEmpty {
            if inBody {
                let count = min(bodyRemaining, input.count)
                bodyRemaining -= count
                if body == .opaque && !collecting {
                    // Application data and other encrypted bodies are only counted down: no slice, no call.
                    input = input.dropFirst(count)
                } else {
                    let chunk = input.prefix(count)
                    input = input.dropFirst(count)
                    if collecting { encryptedBody.append(contentsOf: chunk) }
                    consumeBody(chunk, frame: frame, into: &events)
                }
                if bodyRemaining == 0 { endRecord(frame: frame, into: &events) }
                continue
            }
            let header: RecordHeader
            if headerCount == 0, let whole = RecordHeader(input, at: 0) {
                header = whole
                input = input.dropFirst(5)
            } else {
                while headerCount < 5, let byte = input.first {
                    headerBytes = headerBytes << 8 | UInt64(byte)
                    headerCount += 1
                    input = input.dropFirst()
                }
                guard headerCount == 5 else { return }
                header = RecordHeader(packed: headerBytes)
                headerBytes = 0
                headerCount = 0
            }
            guard header.isPlausible else {
                events.append(.malformed(header.problem, frame: frame))
                enterResync(holding: Array(header.bytes.dropFirst()), skipped: 1)
                return
            }
            startRecord(header, frame: frame, into: &events)
        }
    }

    private mutating func startRecord(_ header: RecordHeader, frame: Int, into events: inout [TLSEvent]) {
        recordType = ContentType(rawValue: header.type)
        recordLength = header.length
        recordVersion = ProtocolVersion(rawValue: UInt16(header.major) << 8 | UInt16(header.minor))
        bodyRemaining = header.length
        inBody = true
        // (Only when needed: on an array never used, `removeAll(keepingCapacity:)` still makes a new empty buffer.)
        if !smallBody.isEmpty { smallBody.removeAll(keepingCapacity: true) }
        leadBytes = 0
        leadCount = 0
        switch recordType {
        case .alert:
            // Nothing encrypted fits in 2 bytes; longer plaintext records may carry several alerts.
            let mayBePlain = header.length == 2
                || !isEncrypted && header.length > 0 && header.length <= 64 && header.length.isMultiple(of: 2)
            body = mayBePlain ? .alert : .opaque
        case .handshake:
            body = isEncrypted ? .afterChangeCipherSpec : .handshake
        default:
            body = .opaque
        }
        // Bodies a key log may decrypt: application data, handshake after ChangeCipherSpec, encrypted alerts.
        collecting = deliversEncryptedBodies && header.length > 0
            && (recordType == .applicationData || (recordType == .handshake && isEncrypted)
                || (recordType == .alert && body == .opaque))
        if collecting && !encryptedBody.isEmpty { encryptedBody.removeAll(keepingCapacity: true) }
        if header.length == 0 { endRecord(frame: frame, into: &events) }
    }

    private mutating func consumeBody(_ chunk: ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        switch body {
        case .opaque:
            break
        case .handshake:
            handshake.append(chunk, frame: frame, into: &events)
        case .alert, .sslv2Clear:
            smallBody.append(contentsOf: chunk)
        case .afterChangeCipherSpec:
            // The first 4 bytes, packed as the record header is: every encrypted Finished passes here, and
            // gathering them in `smallBody` cost each parser an array.
            var rest = chunk
            while leadCount < 4, let byte = rest.first {
                leadBytes = leadBytes << 8 | UInt32(byte)
                leadCount += 1
                rest = rest.dropFirst()
            }
            guard leadCount == 4 else { return }
            let type = UInt8(leadBytes >> 24)
            let length = Int(leadBytes & 0xff_ffff)
            if (type == HandshakeType.clientHello.rawValue || type == HandshakeType.serverHello.rawValue)
                && length + 4 == recordLength {
                // RFC 8446 §D.4: a middlebox-compatibility ChangeCipherSpec encrypts nothing; a plaintext
                // ClientHello (after HelloRetryRequest) or ServerHello follows it.
                isEncrypted = false
                body = .handshake
                collecting = false
                handshake.reset()
                let header = [type, UInt8(length >> 16), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
                handshake.append(header[...], frame: frame, into: &events)
                handshake.append(rest, frame: frame, into: &events)
            } else {
                body = .opaque
            }
        }
    }

    mutating func endRecord(frame: Int, into events: inout [TLSEvent]) {
        inBody = false
        switch recordType {
        case .changeCipherSpec:
            events.append(.changeCipherSpec(frame: frame))
            isEncrypted = true
            handshake.reset()
        case .alert:
            endAlertRecord(frame: frame, into: &events)
        case .handshake:
            if body == .handshake {
                handshake.recordEnded()
            } else {
                events.append(encryptedRecordEvent(frame: frame))
            }
        default:
            events.append(encryptedRecordEvent(frame: frame))
        }
    }

    /// `.encryptedRecordBody` when the whole body was collected (or, for a short alert record, kept in
    /// `smallBody`), else `.encryptedRecord`.
    private mutating func encryptedRecordEvent(frame: Int) -> TLSEvent {
        defer { collecting = false }
        if collecting, encryptedBody.count == recordLength {
            return .encryptedRecordBody(EncryptedRecord(contentType: recordType, version: recordVersion, body: encryptedBody),
                                        frame: frame)
        }
        if deliversEncryptedBodies, recordType == .alert, body == .alert, smallBody.count == recordLength {
            return .encryptedRecordBody(EncryptedRecord(contentType: .alert, version: recordVersion, body: smallBody),
                                        frame: frame)
        }
        return .encryptedRecord(recordType, length: recordLength, frame: frame)
    }

    /// RFC 8446 §6: `struct { AlertLevel level; AlertDescription description; } Alert;`. A record of pairs
    /// whose levels are all warning/fatal is plaintext; anything else is an encrypted alert.
    private mutating func endAlertRecord(frame: Int, into events: inout [TLSEvent]) {
        guard body == .alert else {
            if !isEncrypted && recordLength < 2 {
                events.append(.malformed(TLSParseError(
                    code: .malformedAlert, detail: "alert record of \(recordLength) bytes"), frame: frame))
            } else {
                events.append(encryptedRecordEvent(frame: frame))
            }
            return
        }
        var index = smallBody.startIndex
        var allPlausible = true
        while index + 1 < smallBody.endIndex {
            if !(1...2).contains(smallBody[index]) { allPlausible = false }
            index += 2
        }
        if allPlausible {
            index = smallBody.startIndex
            while index + 1 < smallBody.endIndex {
                let alert = Alert(level: AlertLevel(rawValue: smallBody[index]),
                                  description: AlertDescription(rawValue: smallBody[index + 1]))
                events.append(.alert(alert, frame: frame))
                index += 2
            }
        } else if recordLength == 2 {
            events.append(.malformed(TLSParseError(
                code: .malformedAlert,
                detail: "alert level \(smallBody[smallBody.startIndex]) is neither warning (1) nor fatal (2)"),
                frame: frame))
        } else {
            events.append(encryptedRecordEvent(frame: frame))
        }
    }
}
