import TestSupport
/// Where the regions of a pcap or pcapng file are: the file header, and each packet record's header and data, so
/// that mutations can cut or corrupt exactly there.
struct CaptureLayout {
    struct Record {
        /// The record header (pcap) or block (pcapng) starts here.
        var start: Int
        /// The packet bytes start here.
        var dataStart: Int
        var capturedLength: Int
        /// One past the record's last byte.
        var end: Int
        /// Offsets of the captured and original length fields; the pcapng block length field, if any.
        var capturedLengthField: Int
        var originalLengthField: Int
        var blockLengthField: Int?
    }

    var isPcapng: Bool
    var littleEndian: Bool
    var linkType: UInt32
    /// Where the first packet record starts (the end of the file header, or of pcapng's leading blocks).
    var dataStart: Int
    var records: [Record] = []
    /// The pcap file header's snap length field.
    var snapLengthField: Int?

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 24 else { return nil }
        if bytes[0..<4] == [0x0a, 0x0d, 0x0d, 0x0a] {
            isPcapng = true
            littleEndian = bytes[8] == 0x4d
            linkType = 0
            dataStart = -1
            var offset = 0
            while offset + 12 <= bytes.count {
                let type = Self.read32(bytes, offset, littleEndian)
                let length = Int(Self.read32(bytes, offset + 4, littleEndian))
                guard length >= 12, offset + length <= bytes.count else { break }
                if type == 1, linkType == 0 { linkType = UInt32(Self.read16(bytes, offset + 8, littleEndian)) }
                if type == 6 {
                    if dataStart < 0 { dataStart = offset }
                    records.append(Record(start: offset, dataStart: offset + 28,
                                          capturedLength: Int(Self.read32(bytes, offset + 20, littleEndian)),
                                          end: offset + length, capturedLengthField: offset + 20,
                                          originalLengthField: offset + 24, blockLengthField: offset + 4))
                }
                offset += length
            }
            if dataStart < 0 { dataStart = offset }
        } else {
            isPcapng = false
            switch bytes[0..<4] {
            case [0xd4, 0xc3, 0xb2, 0xa1], [0x4d, 0x3c, 0xb2, 0xa1]: littleEndian = true
            case [0xa1, 0xb2, 0xc3, 0xd4], [0xa1, 0xb2, 0x3c, 0x4d]: littleEndian = false
            default: return nil
            }
            linkType = Self.read32(bytes, 20, littleEndian) & 0xffff
            snapLengthField = 16
            dataStart = 24
            var offset = 24
            while offset + 16 <= bytes.count {
                let captured = Int(Self.read32(bytes, offset + 8, littleEndian))
                let end = offset + 16 + captured
                records.append(Record(start: offset, dataStart: offset + 16, capturedLength: captured,
                                      end: min(end, bytes.count), capturedLengthField: offset + 8,
                                      originalLengthField: offset + 12, blockLengthField: nil))
                guard end <= bytes.count else { break }
                offset = end
            }
        }
    }

    /// Cut points: inside the file header, then in `records` records (the first two and others at random), in the
    /// record header, right after it, in the middle of the packet, one byte short of its end.
    func cutPoints(rng: inout SplitMix64, records count: Int) -> [Int] {
        var points = [0, 1, 4, 8, 12, dataStart - 1, dataStart]
        var chosen = Array(records.indices.prefix(2))
        for _ in 0..<max(0, count - 2) where !records.isEmpty { chosen.append(rng.below(records.count)) }
        for record in chosen.map({ records[$0] }) {
            points += [record.start + 1, record.start + 8, record.dataStart - 1, record.dataStart,
                       record.dataStart + record.capturedLength / 2, record.end - 1]
        }
        return Array(Set(points.filter { $0 >= 0 })).sorted()
    }

    /// One record whose captured length (or pcapng block length) lies: past the snap length, past the original
    /// length, huge, zero, one off.
    func withLyingRecordLength(_ bytes: [UInt8], rng: inout SplitMix64) -> [UInt8]? {
        guard !records.isEmpty else { return nil }
        let record = records[rng.below(records.count)]
        var copy = bytes
        let snapLength = snapLengthField.map { Self.read32(bytes, $0, littleEndian) } ?? 262_144
        let captured = UInt32(truncatingIfNeeded: record.capturedLength)
        switch rng.below(8) {
        case 0: write32(&copy, record.capturedLengthField, snapLength &+ 1)
        case 1: write32(&copy, record.originalLengthField, captured / 2)
        case 2: write32(&copy, record.capturedLengthField, 0xffff_ffff)
        case 3: write32(&copy, record.capturedLengthField, 0x7fff_ffff)
        case 4: write32(&copy, record.capturedLengthField, 0)
        case 5: write32(&copy, record.capturedLengthField, captured &+ 1)
        case 6: write32(&copy, record.capturedLengthField, captured &- 1)
        default:
            if let field = record.blockLengthField {
                write32(&copy, field, [0, 3, 13, 0xffff_fff0][rng.below(4)])
            } else {
                write32(&copy, snapLengthField ?? 16, [0, 1, 0xffff_ffff][rng.below(3)])
            }
        }
        return copy
    }

    /// One record whose IPv4 total length, IPv4 header length, IPv6 payload length, TCP data offset, TLS record
    /// length or TLS handshake length lies.
    func withLyingProtocolLength(_ bytes: [UInt8], rng: inout SplitMix64) -> [UInt8]? {
        // Fields (offset, width in bytes, mask) found by walking each packet's headers.
        var fields: [(offset: Int, width: Int)] = []
        for record in records where record.end <= bytes.count {
            fields += protocolLengthFields(bytes, record)
        }
        guard !fields.isEmpty else { return nil }
        let field = fields[rng.below(fields.count)]
        var copy = bytes
        var value: UInt64 = 0
        for i in 0..<field.width { value = value << 8 | UInt64(copy[field.offset + i]) }
        let maximum: UInt64 = (1 << (8 * UInt64(field.width))) - 1
        let lie: UInt64 = switch rng.below(6) {
        case 0: 0
        case 1: 1
        case 2: (value &- 1) & maximum
        case 3: (value &+ 1) & maximum
        case 4: maximum
        default: rng.next() & maximum
        }
        for i in 0..<field.width {
            copy[field.offset + i] = UInt8(truncatingIfNeeded: lie >> (8 * UInt64(field.width - 1 - i)))
        }
        return copy
    }

    private func protocolLengthFields(_ bytes: [UInt8], _ record: Record) -> [(offset: Int, width: Int)] {
        let end = record.end
        var ip: Int
        switch linkType {
        case 1:
            ip = record.dataStart + 14
            if ip <= end, bytes[ip - 2] == 0x81, bytes[ip - 1] == 0x00 { ip += 4 }
        case 113: ip = record.dataStart + 16
        case 276: ip = record.dataStart + 20
        case 0, 108: ip = record.dataStart + 4
        default: ip = record.dataStart
        }
        guard ip + 40 <= end else { return [] }
        var fields: [(offset: Int, width: Int)] = []
        let tcp: Int
        switch bytes[ip] >> 4 {
        case 4:
            fields += [(ip + 2, 2), (ip, 1)]
            guard bytes[ip + 9] == 6 else { return fields }
            tcp = ip + Int(bytes[ip] & 0x0f) * 4
        case 6:
            fields.append((ip + 4, 2))
            guard bytes[ip + 6] == 6 else { return fields }
            tcp = ip + 40
        default:
            return []
        }
        guard tcp + 20 <= end else { return fields }
        fields.append((tcp + 12, 1))
        let payload = tcp + Int(bytes[tcp + 12] >> 4) * 4
        guard payload + 5 <= end, (20...23).contains(bytes[payload]), bytes[payload + 1] == 3 else { return fields }
        fields.append((payload + 3, 2))
        if bytes[payload] == 22, payload + 9 <= end { fields.append((payload + 6, 3)) }
        return fields
    }

    /// The file with its packet records in `order` (indices may repeat or be left out).
    func rearranged(_ bytes: [UInt8], order: [Int]) -> [UInt8] {
        var result = Array(bytes.prefix(dataStart))
        for index in order where records[index].end <= bytes.count {
            result += bytes[records[index].start..<records[index].end]
        }
        return result
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int, _ littleEndian: Bool) -> UInt32 {
        let b = bytes[offset..<offset + 4].map(UInt32.init)
        return littleEndian ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]
    }

    private static func read16(_ bytes: [UInt8], _ offset: Int, _ littleEndian: Bool) -> UInt16 {
        let b = bytes[offset..<offset + 2].map(UInt16.init)
        return littleEndian ? b[0] | b[1] << 8 : b[0] << 8 | b[1]
    }

    private func write32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
        guard offset + 4 <= bytes.count else { return }
        for i in 0..<4 {
            let shift = littleEndian ? 8 * i : 8 * (3 - i)
            bytes[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
        }
    }
}
