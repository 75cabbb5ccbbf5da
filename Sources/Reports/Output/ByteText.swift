import WireFormat
import PacketDecoding

// Numbers, times and addresses written straight into a report's bytes, the same text as `String(_:)`,
// `Timestamp.timeOfDay`/`date`/`rfc3339` and `Endpoint.description`: a report prints several per connection,
// and building each as a String first costs more than the rest of the line.

enum ByteText {
    fileprivate static let zero = UInt8(ascii: "0")
    /// `00` to `99`, two bytes each: digits are stored a pair at a time (half the divisions).
    fileprivate static var digitPairs: StaticString {
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
    }

    /// `String(value)`.
    static func appendDecimal(_ value: Int, to stream: inout ReportStream) {
        withDigits(to: &stream) { $0.putDecimal(value) }
    }

    /// `41–52` (`String(first) + "–" + String(last)`), gathered at once.
    static func appendRange(_ first: Int, _ last: Int, to stream: inout ReportStream) {
        withDigits(to: &stream) { $0.putRange(first, last) }
    }

    static func digitCount(_ value: UInt) -> Int {
        // Most numbers in a report are short: compared, not divided.
        if value < 10 { return 1 }
        if value < 100 { return 2 }
        if value < 1_000 { return 3 }
        if value < 10_000 { return 4 }
        var count = 5
        var rest = value / 100_000
        while rest > 0 {
            rest /= 10
            count += 1
        }
        return count
    }

    /// `192.0.2.1:443`; IPv6 as `Endpoint.description` writes it.
    static func appendEndpoint(_ endpoint: Endpoint, to stream: inout ReportStream) {
        withDigits(to: &stream) { digits in
            if endpoint.address.isIPv6 {
                digits.putIPv6Endpoint(endpoint)
            } else {
                digits.putIPv4Endpoint(endpoint)
            }
        }
    }

    /// `192.0.2.1` (`IPAddress.description` of an IPv4 address; an IPv6 one is not written here).
    static func appendIPv4Address(_ address: IPAddress, to stream: inout ReportStream) {
        withDigits(to: &stream) { digits in
            digits.withRoom(4 * 3 + 3) { $0.storeDottedQuad(UInt(truncatingIfNeeded: address.low) & 0xffff_ffff) }
        }
    }

    /// `03:12:04.118` (`Timestamp.timeOfDay`).
    static func appendTimeOfDay(_ time: Timestamp, to stream: inout ReportStream) {
        guard let clockTime = ClockTime(time) else {
            stream.append(time.timeOfDay)
            return
        }
        withDigits(to: &stream) { $0.putTimeOfDay(clockTime, time) }
    }

    /// `2026-11-29` (`Timestamp.date`).
    static func appendDate(_ time: Timestamp, to stream: inout ReportStream) {
        guard let civil = Civil(time) else {
            stream.append(time.date)
            return
        }
        withDigits(to: &stream) { civil.putDate(&$0) }
    }

    /// `2026-11-29T03:12:04.118000Z` (`Timestamp.rfc3339`).
    static func appendRFC3339(_ time: Timestamp, to stream: inout ReportStream) {
        guard let civil = Civil(time) else {
            stream.append(time.rfc3339)
            return
        }
        withDigits(to: &stream) { digits in
            civil.putDate(&digits)
            digits.put(UInt8(ascii: "T"))
            digits.withRoom(8) { civil.time.store(&$0) }
            digits.put(UInt8(ascii: "."))
            digits.put(UInt(time.nanoseconds / 1000), width: 6)
            digits.put(UInt8(ascii: "Z"))
        }
    }

    /// Numbers and punctuation written in place into room reserved at the end of a stream (appending byte by
    /// byte costs more than the arithmetic): up to 64 bytes through `withDigits`, or a whole line of text
    /// (`PlainRow`). What would pass the room is dropped, and `overflowed` says so.
    struct Digits {
        private let buffer: UnsafeMutableBufferPointer<UInt8>
        private(set) var count = 0
        private(set) var overflowed = false

        init(buffer: UnsafeMutableBufferPointer<UInt8>) {
            self.buffer = buffer
        }

        mutating func put(_ byte: UInt8) {
            guard count < buffer.count else {
                overflowed = true
                return
            }
            buffer[count] = byte
            count += 1
        }

        /// Bytes copied as they are. Inlined, as `put(_: StaticString)` is: a word's length is then known where
        /// it is written, and its few bytes are moved without a call to `memcpy`.
        @inline(__always)
        mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, let base = buffer.baseAddress else { return }
            guard bytes.count <= buffer.count - count else {
                overflowed = true
                return
            }
            (base + count).initialize(from: source, count: bytes.count)
            count += bytes.count
        }

        @inline(__always)
        mutating func put(_ text: StaticString) {
            text.withUTF8Buffer { put($0) }
        }

        /// Drops the last `n` bytes written (all of them when fewer were).
        mutating func removeLast(_ n: Int) {
            count -= min(max(n, 0), count)
        }

        /// Replaces the `removing` bytes at `offset` with `text` (at least as long), moving the bytes after them
        /// along: a line break put where a separator was, once the part after it turned out too wide.
        mutating func replace(at offset: Int, removing: Int, with text: StaticString) {
            let extra = text.utf8CodeUnitCount - removing
            guard let base = buffer.baseAddress, offset >= 0, removing >= 0, extra >= 0,
                  offset + removing <= count else { return }
            guard extra <= buffer.count - count else {
                overflowed = true
                return
            }
            let tail = base + offset + removing
            (tail + extra).moveInitialize(from: tail, count: count - offset - removing)
            text.withUTF8Buffer { utf8 in
                if let source = utf8.baseAddress { (base + offset).update(from: source, count: utf8.count) }
            }
            count += extra
        }

        /// `String(value)`.
        mutating func putDecimal(_ value: Int) {
            if value < 0 { put(UInt8(ascii: "-")) }
            put(value.magnitude, width: 1)
        }

        /// `41–52` (`String(first) + "–" + String(last)`).
        mutating func putRange(_ first: Int, _ last: Int) {
            putDecimal(first)
            put("–" as StaticString)
            putDecimal(last)
        }

        /// Decimal, zero-padded on the left to `width`.
        mutating func put(_ value: UInt, width: Int) {
            let length = max(width, ByteText.digitCount(value))
            withRoom(length) { $0.storeDigits(value, length: length) }
        }

        /// Two digits of a value below 100 (a month, an hour).
        mutating func putTwoDigits(_ value: UInt) {
            withRoom(2) { $0.storeTwoDigits(value) }
        }

        /// `192.0.2.1:443` (`Endpoint.description` of an IPv4 endpoint; an IPv6 one is not written here).
        mutating func putIPv4Endpoint(_ endpoint: Endpoint) {
            let value = UInt(truncatingIfNeeded: endpoint.address.low) & 0xffff_ffff
            let port = UInt(endpoint.port), portLength = ByteText.digitCount(port)
            withRoom(4 * 3 + 3 + 1 + portLength) { cursor in
                cursor.storeDottedQuad(value)
                cursor.store(UInt8(ascii: ":"))
                cursor.storeDigits(port, length: portLength)
            }
        }

        /// `[2001:db8::1]:443` (`Endpoint.description` of an IPv6 endpoint): RFC 5952 as `IPAddress` writes it,
        /// lower-case hex without leading zeros, `ipv6ZeroRun` as `::`, an IPv4-mapped address as
        /// `::ffff:192.0.2.1`.
        mutating func putIPv6Endpoint(_ endpoint: Endpoint) {
            let address = endpoint.address
            let port = UInt(endpoint.port), portLength = ByteText.digitCount(port)
            let run = address.isIPv4Mapped ? nil : address.ipv6ZeroRun
            // `[`, eight groups of 4 digits and 7 colons (every shorter form is shorter), `]:`, the port.
            withRoom(1 + 8 * 4 + 7 + 2 + portLength) { cursor in
                cursor.store(UInt8(ascii: "["))
                if address.isIPv4Mapped {
                    for byte in "::ffff:".utf8 { cursor.store(byte) }
                    cursor.storeDottedQuad(UInt(truncatingIfNeeded: address.low) & 0xffff_ffff)
                } else {
                    var index = 0
                    while index < 8 {
                        if let run, index == run.lowerBound {
                            cursor.store(UInt8(ascii: ":"))
                            cursor.store(UInt8(ascii: ":"))
                            index = run.upperBound
                            continue
                        }
                        if index > 0 && index != run?.upperBound { cursor.store(UInt8(ascii: ":")) }
                        cursor.storeHex(address.ipv6Group(index))
                        index += 1
                    }
                }
                cursor.store(UInt8(ascii: "]"))
                cursor.store(UInt8(ascii: ":"))
                cursor.storeDigits(port, length: portLength)
            }
        }

        /// `03:12:04.118` (`Timestamp.timeOfDay`); false, with nothing written, for a time `Civil` cannot read.
        mutating func putTimeOfDay(_ time: Timestamp) -> Bool {
            guard let clockTime = ClockTime(time) else { return false }
            putTimeOfDay(clockTime, time)
            return true
        }

        /// `2026-11-29` (`Timestamp.date`); false, with nothing written, for a time `Civil` cannot read.
        mutating func putDate(_ time: Timestamp) -> Bool {
            guard let civil = Civil(time) else { return false }
            civil.putDate(&self)
            return true
        }

        fileprivate mutating func putTimeOfDay(_ clockTime: ClockTime, _ time: Timestamp) {
            let milliseconds = UInt(time.nanoseconds / 1_000_000)
            // Nanoseconds are below a second in a Timestamp; more would show as more digits, as `timeOfDay` does.
            let millisecondLength = max(3, ByteText.digitCount(milliseconds))
            withRoom(9 + millisecondLength) { cursor in
                clockTime.store(&cursor)
                cursor.store(UInt8(ascii: "."))
                cursor.storeDigits(milliseconds, length: millisecondLength)
            }
        }

        /// Lets `store` write at most `maximum` bytes through a cursor, after one check of the room (a check a
        /// byte cost more than the digits). `maximum` must bound what `store` writes.
        @inline(__always)
        fileprivate mutating func withRoom(_ maximum: Int, _ store: (inout Cursor) -> Void) {
            guard let base = buffer.baseAddress, maximum >= 0, maximum <= buffer.count - count else {
                overflowed = true
                return
            }
            var cursor = Cursor(position: base + count)
            store(&cursor)
            count = base.distance(to: cursor.position)
        }
    }

    /// Where `Digits.withRoom` stores the next byte, in room already checked.
    fileprivate struct Cursor {
        var position: UnsafeMutablePointer<UInt8>

        @inline(__always)
        mutating func store(_ byte: UInt8) {
            position.initialize(to: byte)
            position += 1
        }

        /// A value below 1,000, without leading zeros: at most 3 bytes.
        @inline(__always)
        mutating func storeOctet(_ value: UInt) {
            if value >= 100 {
                store(ByteText.zero + UInt8(truncatingIfNeeded: value / 100 % 10))
                storeTwoDigits(value)
            } else if value >= 10 {
                storeTwoDigits(value)
            } else {
                store(ByteText.zero + UInt8(truncatingIfNeeded: value))
            }
        }

        /// An IPv4 address (its 32 bits in `value`) as `192.0.2.1`: at most 15 bytes.
        @inline(__always)
        mutating func storeDottedQuad(_ value: UInt) {
            storeOctet(value >> 24)
            store(UInt8(ascii: "."))
            storeOctet((value >> 16) & 0xff)
            store(UInt8(ascii: "."))
            storeOctet((value >> 8) & 0xff)
            store(UInt8(ascii: "."))
            storeOctet(value & 0xff)
        }

        /// The last two decimal digits of `value`: 2 bytes.
        @inline(__always)
        mutating func storeTwoDigits(_ value: UInt) {
            let pair = ByteText.digitPairs.utf8Start + 2 * Int(value % 100)
            store(pair[0])
            store(pair[1])
        }

        /// Lower-case hex without leading zeros: at most 4 bytes.
        mutating func storeHex(_ value: UInt16) {
            var shift = 12
            while shift > 0 && value >> UInt16(shift) == 0 { shift -= 4 }
            while shift >= 0 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xf
                store(nibble < 10 ? ByteText.zero + nibble : UInt8(ascii: "a") + nibble - 10)
                shift -= 4
            }
        }

        /// The last `length` decimal digits of `value`, zero-padded on the left: `length` bytes.
        mutating func storeDigits(_ value: UInt, length: Int) {
            guard length > 0 else { return }
            var digit = position + length
            var rest = value
            while position.distance(to: digit) >= 2 {
                digit -= 2
                let pair = ByteText.digitPairs.utf8Start + 2 * Int(rest % 100)
                digit.initialize(to: pair[0])
                (digit + 1).initialize(to: pair[1])
                rest /= 100
            }
            if digit > position {
                digit -= 1
                digit.initialize(to: ByteText.zero + UInt8(truncatingIfNeeded: rest % 10))
            }
            position += length
        }
    }

    private static func withDigits(to stream: inout ReportStream, _ write: (inout Digits) -> Void) {
        stream.append(upTo: 64) { buffer in
            var digits = Digits(buffer: buffer)
            write(&digits)
            return digits.count
        }
    }

    /// A UTC time of day, for the times `Civil` reads: all a row's time needs (the date's arithmetic is skipped).
    fileprivate struct ClockTime {
        var hour, minute, second: UInt

        init?(_ time: Timestamp) {
            guard time.seconds >= 0, time.seconds < Civil.secondsBeforeYear10000 else { return nil }
            let secondsOfDay = UInt(time.seconds) % 86_400
            hour = secondsOfDay / 3600
            minute = secondsOfDay % 3600 / 60
            second = secondsOfDay % 60
        }

        /// `03:12:04`: 8 bytes (hours, minutes and seconds are below 100).
        @inline(__always)
        func store(_ cursor: inout Cursor) {
            cursor.storeTwoDigits(hour)
            cursor.store(UInt8(ascii: ":"))
            cursor.storeTwoDigits(minute)
            cursor.store(UInt8(ascii: ":"))
            cursor.storeTwoDigits(second)
        }
    }

    /// A UTC date and time of day, for years 1970 to 9999 (other times use `Timestamp`'s own text).
    fileprivate struct Civil {
        static let secondsBeforeYear10000 = 253_402_300_800
        var year, month, day: UInt
        var time: ClockTime

        /// Days-from-civil inverse (Howard Hinnant's algorithm), as `Timestamp` computes it.
        init?(_ time: Timestamp) {
            guard let clockTime = ClockTime(time) else { return nil }
            self.time = clockTime
            let days = UInt(time.seconds) / 86_400
            let z = days + 719_468
            let era = z / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }

        func putDate(_ digits: inout Digits) {
            digits.put(year, width: 4)
            digits.put(UInt8(ascii: "-"))
            digits.putTwoDigits(month)
            digits.put(UInt8(ascii: "-"))
            digits.putTwoDigits(day)
        }
    }
}
