// Handshake messages from the bodies of plaintext handshake records: several per record, or one split over
// many records (RFC 8446 §5.1). `struct { HandshakeType msg_type; uint24 length; ... } Handshake;`

/// Turns the bytes of handshake records (in order, as many as arrive) into `.handshake` events, or
/// `.malformed` for a message that does not parse. Public for plaintext that only a key log reveals: the
/// inner handshake bytes of decrypted records go through the same parsing as plaintext ones.
public struct HandshakeReassembler: Sendable {
    public let maxLength: Int
    /// Header and body bytes of the message in progress, when it did not arrive in one piece.
    private var message: [UInt8] = []
    /// Header plus body length of the message in progress, once its header is complete.
    private var expected = 0
    /// Bytes still to drop of a message that is not kept (too long, or partly lost in a gap).
    private var skipRemaining = 0
    /// A gap took the position of the next message header: nothing more can be read from this record.
    private var discardRestOfRecord = false
    /// After a gap the next header must look like one (plausible type, length within the limit) to be trusted.
    private var checkNextHeader = false
    /// The version this direction's ServerHello chose (it selects the Certificate and CertificateRequest layouts).
    public private(set) var serverVersion: ProtocolVersion?

    /// `version`: the negotiated version when it is known from elsewhere (a decrypted TLS 1.3 handshake).
    public init(maxLength: Int, version: ProtocolVersion? = nil) {
        self.maxLength = maxLength
        self.serverVersion = version
    }

    /// Feeds the next bytes of handshake records that ended in `frame`; completed messages go to `events`.
    public mutating func append(_ bytes: ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        var input = bytes
        while !input.isEmpty, !discardRestOfRecord {
            if skipRemaining > 0 {
                let count = min(skipRemaining, input.count)
                skipRemaining -= count
                input = input.dropFirst(count)
                continue
            }
            if message.isEmpty, input.count >= 4 {
                // The header is here whole: parse the message in place when it is all here too.
                let start = input.startIndex
                let type = input[start]
                let length = Int(input[start + 1]) << 16 | Int(input[start + 2]) << 8 | Int(input[start + 3])
                input = input.dropFirst(4)
                guard accept(type: type, length: length, frame: frame, into: &events) else { continue }
                if input.count >= length {
                    emit(type: type, body: input.prefix(length), frame: frame, into: &events)
                    input = input.dropFirst(length)
                } else {
                    message.reserveCapacity(min(4 + length, 1 << 14))  // grows only as bytes arrive
                    // The header byte by byte: an array literal here was an allocation per split message.
                    message.append(type)
                    message.append(UInt8(length >> 16))
                    message.append(UInt8(length >> 8 & 0xff))
                    message.append(UInt8(length & 0xff))
                    message.append(contentsOf: input)
                    expected = 4 + length
                    input = input.suffix(0)
                }
                continue
            }
            if message.count < 4 {
                let count = min(4 - message.count, input.count)
                message.append(contentsOf: input.prefix(count))
                input = input.dropFirst(count)
                guard message.count == 4 else { return }
                let length = Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3])
                guard accept(type: message[0], length: length, frame: frame, into: &events) else {
                    clearMessage()
                    continue
                }
                expected = 4 + length
            }
            let count = min(expected - message.count, input.count)
            message.append(contentsOf: input.prefix(count))
            input = input.dropFirst(count)
            if message.count == expected {
                emit(type: message[0], body: message[4...], frame: frame, into: &events)
                clearMessage()
            }
        }
    }

    /// A record ended: after a gap, the next record is where message boundaries can be found again.
    public mutating func recordEnded() {
        discardRestOfRecord = false
    }

    /// Drops any message in progress (ChangeCipherSpec, resynchronization).
    public mutating func reset() {
        clearMessage()
        skipRemaining = 0
        discardRestOfRecord = false
        checkNextHeader = false
    }

    /// After resynchronizing on a record header: the record may begin in the middle of a message.
    mutating func markUnsynchronized() {
        reset()
        checkNextHeader = true
    }

    /// `count` bytes of the current handshake record body were lost. When the message in progress has a
    /// known length, the next message boundary is still known; otherwise the rest of the record is dropped.
    mutating func lose(_ count: Int) {
        guard count > 0, !discardRestOfRecord else { return }
        if skipRemaining > 0 {
            if count <= skipRemaining {
                skipRemaining -= count
                return
            }
            skipRemaining = 0
        } else if message.count >= 4 {
            let rest = expected - message.count
            clearMessage()
            if count <= rest {
                skipRemaining = rest - count
                return
            }
        } else {
            clearMessage()
        }
        discardRestOfRecord = true
        checkNextHeader = true
    }

    private mutating func accept(type: UInt8, length: Int, frame: Int, into events: inout [TLSEvent]) -> Bool {
        let handshakeType = HandshakeType(rawValue: type)
        if checkNextHeader {
            guard handshakeType.isPlausibleAfterGap, length <= maxLength else {
                discardRestOfRecord = true
                return false
            }
            checkNextHeader = false
        }
        guard length <= maxLength else {
            events.append(.malformed(TLSParseError(
                code: .handshakeTooLong,
                detail: "\(handshakeType) of \(length) bytes exceeds the \(maxLength)-byte limit"), frame: frame))
            skipRemaining = length
            return false
        }
        return true
    }

    private mutating func emit(type: UInt8, body: ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        do {
            let decoded = try HandshakeMessage(type: HandshakeType(rawValue: type), body: body, version: serverVersion)
            if case .serverHello(let hello) = decoded, !hello.isHelloRetryRequest {
                serverVersion = hello.negotiatedVersion
            }
            events.append(.handshake(decoded, frame: frame))
        } catch {
            events.append(.malformed(error, frame: frame))
        }
    }

    private mutating func clearMessage() {
        message.removeAll(keepingCapacity: message.capacity <= 1 << 14)
        expected = 0
    }
}
