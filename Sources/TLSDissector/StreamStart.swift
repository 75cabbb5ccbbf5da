// Everything outside the TLS record layer: judging a stream's first bytes, non-TLS streams and their
// STARTTLS switch, finding a record header after a gap, and the SSLv2 record layer.

/// Bytes kept from earlier feeds followed by the current feed, indexed from 0, without copying the feed.
struct JoinedBytes: RandomAccessCollection {
    let head: [UInt8]
    let tail: ArraySlice<UInt8>
    var startIndex: Int { 0 }
    var endIndex: Int { head.count + tail.count }
    subscript(position: Int) -> UInt8 {
        position < head.count ? head[position] : tail[tail.startIndex + (position - head.count)]
    }
}

extension TLSStreamParser {
    enum StartKind { case tls, sslv2, notTLS, needMore }

    /// TLS when the first bytes are a plausible record header; SSLv2 for an SSLv2-format hello.
    static func classifyStart(_ head: [UInt8]) -> StartKind {
        guard let first = head.first else { return .needMore }
        if (20...24).contains(first) {
            if head.count >= 2 && head[1] != 3 { return .notTLS }
            if head.count >= 3 && head[2] > 4 { return .notTLS }
            guard let header = RecordHeader(head, at: 0) else { return .needMore }
            return header.isPlausible ? .tls : .notTLS
        }
        switch SSLv2.startsHello(head) {
        case .yes: return .sslv2
        case .needMore: return .needMore
        case .no: return .notTLS
        }
    }

    mutating func consumeStart(_ input: inout ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        if held.isEmpty, let header = RecordHeader(input, at: 0), header.isPlausible {
            // The usual start, a whole plausible record header (what `classifyStart` calls `.tls`): no copy.
            mode = .records
            return
        }
        // Seven bytes settle it (an SSLv2 SERVER-HELLO needs the most).
        let count = min(7 - held.count, input.count)
        let kind = Self.classifyStart(held + input.prefix(count))
        switch kind {
        case .needMore:
            held.append(contentsOf: input)
            input = input.suffix(0)
        case .notTLS:
            mode = .notTLSPending
        case .tls, .sslv2:
            mode = kind == .tls ? .records : .sslv2
            let replay = held
            held = []
            process(replay[...], frame: frame, into: &events)
        }
    }

    /// Gathers the first bytes of a non-TLS stream until its preview is settled (see `NonTLS.previewEnd`).
    mutating func consumeNotTLSPreview(_ input: inout ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        let count = min(NonTLS.previewBytes + 6 - held.count, input.count)
        held.append(contentsOf: input.prefix(count))
        input = input.dropFirst(count)
        guard let end = NonTLS.previewEnd(held) else { return }
        reportNotTLS(end: end, frame: frame, into: &events)
        mode = .startTLSScan
        scanned = 0
        let replay = held
        held = []
        process(replay[...], frame: frame, into: &events)
    }

    func reportNotTLS(end: Int, frame: Int, into events: inout [TLSEvent]) {
        let window = held.prefix(end)
        let found = NonTLSProtocol(name: NonTLS.identify(window), preview: NonTLS.preview(window))
        events.append(.notTLS(found, frame: frame))
    }

    /// Looks for where TLS continues: after `notTLS`, a ClientHello/ServerHello record (STARTTLS); after a gap
    /// or garbage, a plausible record header, confirmed by the header after it when that is already here.
    mutating func consumeScan(_ input: inout ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        let bytes = JoinedBytes(head: held, tail: input)
        let isResync = mode == .resync
        let needed = isResync ? 5 : 6
        let limit = isResync ? 1 << 20 : NonTLS.startTLSScanLimit
        var offset = 0
        while offset + needed <= bytes.count {
            if scanned + offset >= limit {
                mode = .lost
                held = []
                input = input.suffix(0)
                return
            }
            if isResync ? Self.resyncPoint(bytes, at: offset) : NonTLS.helloRecordStart(bytes, at: offset) == .yes {
                events.append(.resynchronized(skippedBytes: scanned + offset, frame: frame))
                mode = .records
                resetRecordLayer()
                if !isResync { handshake.reset() }
                scanned = 0
                let replay = offset < held.count ? held[offset...] : []
                input = input.dropFirst(max(0, offset - held.count))
                held = []
                process(replay, frame: frame, into: &events)
                return
            }
            offset += 1
        }
        scanned += offset
        held = Array(bytes[offset...])
        input = input.suffix(0)
    }

    static func resyncPoint(_ bytes: JoinedBytes, at offset: Int) -> Bool {
        guard let header = RecordHeader(bytes, at: offset), header.isResyncCandidate else { return false }
        let next = offset + 5 + header.length
        guard let following = RecordHeader(bytes, at: next) else { return true }  // not here yet: accept
        return following.isPlausible
    }

    /// The SSLv2 record layer (RFC 5246 Appendix E.2). Only the hellos and CLIENT-MASTER-KEY are in clear; a
    /// TLS record header (the server answered in TLS) switches to the TLS record layer.
    mutating func consumeSSLv2(_ input: inout ArraySlice<UInt8>, frame: Int, into events: inout [TLSEvent]) {
        while !input.isEmpty {
            if inBody {
                let count = min(bodyRemaining, input.count)
                if body == .sslv2Clear { smallBody.append(contentsOf: input.prefix(count)) }
                input = input.dropFirst(count)
                bodyRemaining -= count
                if bodyRemaining == 0 { endSSLv2Record(frame: frame, into: &events) }
                continue
            }
            guard let byte = input.first else { return }
            if held.isEmpty && (20...24).contains(byte) {
                mode = .records
                return
            }
            held.append(byte)
            input = input.dropFirst()
            guard held.count >= 2 else { continue }
            let header = SSLv2.header(held[0], held[1])
            guard held.count == header.headerLength else { continue }
            recordLength = header.length
            held.removeAll(keepingCapacity: true)
            bodyRemaining = recordLength
            inBody = true
            body = sslv2Encrypted ? .opaque : .sslv2Clear
            smallBody.removeAll(keepingCapacity: true)
            if recordLength == 0 { endSSLv2Record(frame: frame, into: &events) }
        }
    }

    private mutating func endSSLv2Record(frame: Int, into events: inout [TLSEvent]) {
        inBody = false
        guard body == .sslv2Clear, let type = smallBody.first else {
            events.append(.encryptedRecord(.sslv2Record, length: recordLength, frame: frame))
            return
        }
        do {
            switch type {
            case SSLv2.clientHello:
                events.append(.handshake(.clientHello(try SSLv2.parseClientHello(smallBody[...])), frame: frame))
            case SSLv2.serverHello:
                sslv2Encrypted = true
                let (hello, certificate) = try SSLv2.parseServerHello(smallBody[...])
                events.append(.handshake(.serverHello(hello), frame: frame))
                if let certificate {
                    events.append(.handshake(.certificate(CertificateMessage(certificates: [certificate])), frame: frame))
                }
            case SSLv2.clientMasterKey:
                // SSLv2's key exchange: reported as ClientKeyExchange.
                sslv2Encrypted = true
                events.append(.handshake(.clientKeyExchange(length: recordLength), frame: frame))
            default:
                sslv2Encrypted = true
                events.append(.encryptedRecord(.sslv2Record, length: recordLength, frame: frame))
            }
        } catch {
            events.append(.malformed(error, frame: frame))
        }
    }
}
