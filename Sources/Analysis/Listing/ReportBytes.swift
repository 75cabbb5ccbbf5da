import WireFormat
import PacketDecoding
import TLSDissector
import CertificateAnalysis
import Diagnosis

// The spill file's reader and writer. They work on raw buffers rather than through `ByteCursor` and checked
// appends: the bytes are this process's own, and a checked append per byte, a slice per read, made up most of
// the instructions of spilling a report and reading it back. Every read is still bounds-checked (nil past
// the end), and no pointer outlives the call that lent it.

/// Appends to an array by storing into room made ahead, several fixed-width fields at a time.
struct ReportWriter {
    var bytes: [UInt8] = []
    /// The end of what is written: `bytes` past it is room (zeros), cut off by `finish`.
    private var end = 0

    /// Writes after what `bytes` already holds.
    mutating func start() { end = bytes.count }

    mutating func finish() { bytes.removeLast(bytes.count - end) }

    /// Fields of at most `size` bytes in all, stored in one go.
    @inline(__always) mutating func fields(_ size: Int, _ body: (inout Fields) -> Void) {
        if bytes.count - end < size {
            bytes.append(contentsOf: repeatElement(0, count: max(size, bytes.count, 1024)))
        }
        let start = end
        var written = 0
        bytes.withUnsafeMutableBytes { raw in
            var fields = Fields(UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + size]))
            body(&fields)
            written = fields.count
        }
        end = start + written
    }

    /// Room for some fields: each store is checked against it (one past the room is dropped, which the round
    /// trip tests would catch, rather than written out of bounds).
    struct Fields {
        private let room: UnsafeMutableRawBufferPointer
        private(set) var count = 0

        init(_ room: UnsafeMutableRawBufferPointer) { self.room = room }

        @inline(__always) mutating func put<T: FixedWidthInteger>(_ value: T) {
            guard room.count - count >= MemoryLayout<T>.size else { return }
            room.storeBytes(of: value.bigEndian, toByteOffset: count, as: T.self)
            count += MemoryLayout<T>.size
        }

        @inline(__always) mutating func put(_ value: Bool) { put(UInt8(value ? 1 : 0)) }
        @inline(__always) mutating func put(_ value: Int) { put(UInt64(bitPattern: Int64(value))) }

        @inline(__always) mutating func put(_ value: Timestamp) {
            put(UInt64(bitPattern: value.seconds))
            put(value.nanoseconds)
        }

        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard room.count - count >= bytes.count else { return }
            UnsafeMutableRawBufferPointer(rebasing: room[count...]).copyMemory(from: UnsafeRawBufferPointer(bytes))
            count += bytes.count
        }
    }

    mutating func uint8(_ value: UInt8) { fields(1) { $0.put(value) } }
    mutating func bool(_ value: Bool) { fields(1) { $0.put(value) } }
    mutating func int(_ value: Int) { fields(8) { $0.put(value) } }
    /// An array's or a string's count.
    mutating func count(_ value: Int) { fields(4) { $0.put(UInt32(truncatingIfNeeded: value)) } }

    mutating func endpoint(_ value: Endpoint) {
        fields(1 + 8 + 8 + 2) {
            $0.put(value.address.isIPv6)
            $0.put(value.address.high)
            $0.put(value.address.low)
            $0.put(value.port)
        }
    }

    /// The count, then the UTF-8 copied straight from the string's storage.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            fields(4 + utf8.count) {
                $0.put(UInt32(truncatingIfNeeded: utf8.count))
                $0.put(utf8)
            }
        }
    }

    mutating func optionalString(_ value: String?) {
        guard let value else { return bool(false) }
        bool(true)
        string(value)
    }

    /// The count, then each string (what `ReportReader.strings` reads).
    mutating func strings(_ values: [String]) {
        count(values.count)
        for value in values { string(value) }
    }

    /// An optional 16-bit value as a presence byte and the value (zero when absent).
    mutating func optionalUInt16(_ value: UInt16?) {
        fields(3) {
            $0.put(value != nil)
            $0.put(value ?? 0)
        }
    }

    mutating func uint16s<T>(_ values: [T], _ rawValue: (T) -> UInt16) {
        fields(4 + 2 * values.count) {
            $0.put(UInt32(truncatingIfNeeded: values.count))
            for index in values.indices { $0.put(rawValue(values[index])) }
        }
    }

    /// A usual word as its code, another as code 0 and the string.
    mutating func word(_ value: String, _ codes: WordCodes) {
        if let code = codes.code(of: value) {
            uint8(code)
        } else {
            uint8(0)
            string(value)
        }
    }

    mutating func timelineEntry(_ entry: TimelineEntry) {
        // The fields as plain values first: a closure capturing `entry` copied the whole entry.
        let from = SideCode.code(entry.from), kind = TimelineKindCode.code(entry.kind)
        let message = MessageCode.words.code(of: entry.message)
        let frame = entry.frame, timestamp = entry.timestamp
        fields(3 + 8 + 12) {
            $0.put(from)
            $0.put(kind)
            $0.put(message ?? 0)
            $0.put(frame)
            $0.put(timestamp)
        }
        if message == nil { string(entry.message) }
        timelineSummary(entry.summary)
    }

    /// The facts a detail is worded from, not the words: wording costs more than the facts' bytes, and most
    /// spilled details are never read.
    private mutating func timelineSummary(_ summary: TimelineSummary) {
        switch summary {
        case .none:
            uint8(SummaryCode.none)
        case .text(let text):
            uint8(SummaryCode.text)
            string(text)
        case .byteCount(let count):
            fields(9) { $0.put(SummaryCode.byteCount); $0.put(count) }
        case .encryptedByteCount(let count):
            fields(9) { $0.put(SummaryCode.encryptedByteCount); $0.put(count) }
        case .certificateCount(let count):
            fields(9) { $0.put(SummaryCode.certificateCount); $0.put(count) }
        case .clientHello(let hello):
            uint8(SummaryCode.clientHello)
            uint16s(hello.versions) { $0.rawValue }
            fields(8 + 2) {
                $0.put(hello.suites)
                $0.put(hello.offersPreSharedKey)
                $0.put(hello.isSSLv2Format)
            }
            optionalString(hello.serverName)
            strings(hello.alpn)
        case .serverHello(let hello):
            fields(1 + 3 + 2 + 2 + 2) {
                $0.put(SummaryCode.serverHello)
                $0.put(hello.isHelloRetryRequest)
                $0.put(hello.keyShareGroup != nil)
                $0.put(hello.keyShareGroup?.rawValue ?? 0)
                $0.put(hello.version.rawValue)
                $0.put(hello.cipherSuite.rawValue)
                $0.put(hello.acceptsPreSharedKey)
            }
            optionalString(hello.alpn)
        case .alert(let alert, let decrypted):
            fields(4) {
                $0.put(SummaryCode.alert)
                $0.put(alert.level.rawValue)
                $0.put(alert.description.rawValue)
                $0.put(decrypted)
            }
        }
    }

    mutating func optionalTrustVerdict(_ verdict: TrustVerdict?) {
        guard let verdict else { return bool(false) }
        bool(true)
        switch verdict {
        case .trusted(let root): uint8(0); string(root)
        case .unknownCA(let root): uint8(1); string(root)
        case .incompleteChain(let missing): uint8(2); string(missing)
        case .expired(let subject, let notAfter): uint8(3); string(subject); fields(12) { $0.put(notAfter) }
        case .notYetValid(let subject, let notBefore): uint8(4); string(subject); fields(12) { $0.put(notBefore) }
        case .undetermined(let reason): uint8(5); string(reason)
        }
    }
}

/// Reads what `ReportWriter` wrote; every read is nil past the end.
struct ReportReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private var remaining: Int { bytes.count - offset }

    @inline(__always) mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard remaining >= MemoryLayout<T>.size else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    @inline(__always) mutating func uint8() -> UInt8? { integer(UInt8.self) }
    @inline(__always) mutating func bool() -> Bool? { uint8().map { $0 != 0 } }
    @inline(__always) mutating func int() -> Int? { integer(UInt64.self).map { Int(truncatingIfNeeded: Int64(bitPattern: $0)) } }

    @inline(__always) mutating func timestamp() -> Timestamp? {
        guard let seconds = integer(UInt64.self), let nanoseconds = integer(UInt32.self) else { return nil }
        return Timestamp(seconds: Int64(bitPattern: seconds), nanoseconds: nanoseconds)
    }

    /// A count of things at least `size` bytes each: nil when the rest cannot hold them (a count read from bad
    /// bytes must not reserve gigabytes).
    mutating func count(ofSize size: Int) -> Int? {
        guard let count = integer(UInt32.self).map(Int.init), count <= remaining / size else { return nil }
        return count
    }

    mutating func endpoint() -> Endpoint? {
        guard let isIPv6 = bool(), let high = integer(UInt64.self), let low = integer(UInt64.self),
              let port = integer(UInt16.self) else { return nil }
        var address = IPAddress(ipv4: 0)
        address.high = high
        address.low = low
        address.isIPv6 = isIPv6
        return Endpoint(address: address, port: port)
    }

    /// The UTF-8 straight from the buffer into the string (repaired if the file was damaged).
    mutating func string() -> String? {
        guard let count = count(ofSize: 1) else { return nil }
        defer { offset += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count]), as: UTF8.self)
    }

    /// `.some(nil)` for an absent string, nil when the bytes do not parse.
    mutating func optionalString() -> String?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        return string().map { .some($0) }
    }

    mutating func strings() -> [String]? {
        guard let count = count(ofSize: 4) else { return nil }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = string() else { return nil }
            values.append(value)
        }
        return values
    }

    mutating func optionalUInt16() -> UInt16?? {
        guard let present = bool(), let value = integer(UInt16.self) else { return nil }
        return present ? .some(value) : .some(nil)
    }

    mutating func uint16s<T>(_ make: (UInt16) -> T) -> [T]? {
        guard let count = count(ofSize: 2) else { return nil }
        let start = offset
        offset += 2 * count
        return (0..<count).map { make(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: start + 2 * $0, as: UInt16.self))) }
    }

    mutating func word(_ codes: WordCodes) -> String? {
        guard let code = uint8() else { return nil }
        return code == 0 ? string() : codes.word(code)
    }

    mutating func timeline() -> [TimelineEntry]? {
        guard let count = count(ofSize: 3 + 8 + 12 + 1) else { return nil }
        var complete = false
        // Each entry made in its place in the array (appending copied it, then destroyed the original).
        let entries = [TimelineEntry](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                guard let from = uint8().flatMap(SideCode.side), let kind = uint8().flatMap(TimelineKindCode.kind),
                      let messageCode = uint8(), let frame = int(), let timestamp = timestamp(),
                      let message = messageCode == 0 ? string() : MessageCode.words.word(messageCode),
                      let summary = timelineSummary() else { return }
                buffer.initializeElement(at: index, to: TimelineEntry(from: from, kind: kind, message: message,
                                                                      frame: frame, timestamp: timestamp, summary: summary))
                initialized = index + 1
            }
            complete = true
        }
        return complete ? entries : nil
    }

    private mutating func timelineSummary() -> TimelineSummary? {
        switch uint8() {
        case SummaryCode.none: return TimelineSummary.none
        case SummaryCode.text: return string().map { .text($0) }
        case SummaryCode.byteCount: return int().map { .byteCount($0) }
        case SummaryCode.encryptedByteCount: return int().map { .encryptedByteCount($0) }
        case SummaryCode.certificateCount: return int().map { .certificateCount($0) }
        case SummaryCode.clientHello:
            guard let versions = uint16s(ProtocolVersion.init(rawValue:)), let suites = int(),
                  let offersPreSharedKey = bool(), let isSSLv2Format = bool(),
                  let serverName = optionalString(), let alpn = strings() else { return nil }
            return .clientHello(TimelineSummary.ClientHelloFacts(
                versions: versions, suites: suites, serverName: serverName, alpn: alpn,
                offersPreSharedKey: offersPreSharedKey, isSSLv2Format: isSSLv2Format))
        case SummaryCode.serverHello:
            guard let isHelloRetryRequest = bool(), let group = optionalUInt16(),
                  let version = integer(UInt16.self), let suite = integer(UInt16.self),
                  let acceptsPreSharedKey = bool(), let alpn = optionalString() else { return nil }
            return .serverHello(TimelineSummary.ServerHelloFacts(
                isHelloRetryRequest: isHelloRetryRequest, keyShareGroup: group.map(NamedGroup.init(rawValue:)),
                version: ProtocolVersion(rawValue: version), cipherSuite: CipherSuite(rawValue: suite), alpn: alpn,
                acceptsPreSharedKey: acceptsPreSharedKey))
        case SummaryCode.alert:
            guard let level = uint8(), let description = uint8(), let decrypted = bool() else { return nil }
            return .alert(Alert(level: AlertLevel(rawValue: level), description: AlertDescription(rawValue: description)),
                          decrypted: decrypted)
        default:
            return nil
        }
    }

    /// `.some(nil)` when there was none, nil when the bytes do not parse.
    mutating func alertReport() -> AlertReport?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        guard let from = uint8().flatMap(SideCode.side), let level = integer(UInt16.self),
              let description = integer(UInt16.self), let encrypted = bool(), let frame = int() else { return nil }
        // Each optional byte as presence << 8 | value.
        return AlertReport(from: from,
                           level: level >> 8 == 0 ? nil : AlertLevel(rawValue: UInt8(truncatingIfNeeded: level)),
                           description: description >> 8 == 0 ? nil : AlertDescription(rawValue: UInt8(truncatingIfNeeded: description)),
                           encrypted: encrypted, frame: frame)
    }

    mutating func certificates(_ table: CertificateTable) -> [CertificateSummary]? {
        guard let count = count(ofSize: 8) else { return nil }
        var certificates: [CertificateSummary] = []
        certificates.reserveCapacity(count)
        for _ in 0..<count {
            guard let certificate = int().flatMap(table.certificate(number:)) else { return nil }
            certificates.append(certificate)
        }
        return certificates
    }

    mutating func optionalTrustVerdict() -> TrustVerdict?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        return trustVerdict().map { .some($0) }
    }

    private mutating func trustVerdict() -> TrustVerdict? {
        switch uint8() {
        case 0: return string().map { .trusted(root: $0) }
        case 1: return string().map { .unknownCA(root: $0) }
        case 2: return string().map { .incompleteChain(missing: $0) }
        case 3:
            guard let subject = string(), let notAfter = timestamp() else { return nil }
            return .expired(subject: subject, notAfter: notAfter)
        case 4:
            guard let subject = string(), let notBefore = timestamp() else { return nil }
            return .notYetValid(subject: subject, notBefore: notBefore)
        case 5: return string().map { .undetermined(reason: $0) }
        default: return nil
        }
    }
}
