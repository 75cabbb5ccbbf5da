import Testing
import WireFormat
import PacketDecoding
@testable import Reports

// The byte-level fast paths (plain ASCII, numbers, times, addresses) against the general code they stand in for:
// the same text, character for character, on the edges and on random strings.

@Suite struct FastPathEscapingTests {
    @Test(arguments: [
        ("plain ascii ~ !", "plain ascii ~ !"),
        ("", ""),
        ("\u{1f}", "\\x1f"),
        ("\u{7f}", "\\x7f"),
        ("del\u{7f}end", "del\\x7fend"),
        ("\u{80}", "\\u{80}"),
        ("\u{9f}", "\\u{9f}"),
        ("\u{a0}", "\u{a0}"),                     // no-break space: printable, kept
        ("\u{ad}", "\\u{ad}"),                   // soft hyphen: format character
        ("\u{202a}\u{202d}\u{2067}", "\\u{202a}\\u{202d}\\u{2067}"),
        ("\u{200e}\u{200f}", "\\u{200e}\\u{200f}"),
        ("é例🔒", "é例🔒"),
        ("e\u{301}", "e\u{301}"),
        ("\u{e000}\u{10ffff}\u{378}", "\\u{e000}\\u{10ffff}\\u{378}"),
        ("a\\b", "a\\\\b"),
    ])
    func escapesLikeTheScalarPath(input: String, expected: String) {
        #expect(TerminalText.escape(input) == expected)
        var stream = ReportStream(output: nil)
        let width = TerminalText.appendEscaped(input, to: &stream)
        #expect(stream.text == expected)
        #expect(width == (TerminalText.isPlain(input) ? expected.count : nil))
    }

    @Test func everyC1ControlIsEscaped() {
        for value in UInt32(0x80)...0x9F {
            let text = "x" + String(Unicode.Scalar(value)!) + "y"
            #expect(TerminalText.escape(text) == "x\\u{\(String(value, radix: 16))}y")
            #expect(!TerminalText.isPlain(text))
        }
    }

    @Test func plainIsPrintableASCIIWithoutBackslash() {
        for byte in UInt8(0)...0x7F {
            let text = String(Unicode.Scalar(byte))
            #expect(TerminalText.isPlain(text) == ((0x20...0x7E).contains(byte) && byte != 0x5C), "\(byte)")
        }
    }

    /// Every byte at every place of a text long enough for the eight-byte check and its tail.
    @Test func plainChecksEveryByteOfLongText() {
        for position in 0..<19 {
            for byte in UInt8(0)...0xFF {
                var bytes = Array("abcdefghijklmnopqrs".utf8)
                bytes[position] = byte
                let expected = bytes.allSatisfy { (0x20...0x7E).contains($0) && $0 != 0x5C }
                #expect(bytes.withUnsafeBufferPointer(TerminalText.isPlain) == expected, "\(byte) at \(position)")
            }
        }
    }

    @Test(arguments: [
        (String(repeating: "a", count: 200), 200, String(repeating: "a", count: 200)),
        (String(repeating: "a", count: 201), 200, String(repeating: "a", count: 200) + "…[1 more]"),
        ("abcdef", 1, "a…[5 more]"),
        ("abcdef", 0, "abcdef"),
        ("abcdef", -3, "abcdef"),
        ("ééééé", 2, "éé…[3 more]"),
        ("\u{1b}\u{1b}\u{1b}", 5, "\\x1b\\…[7 more]"),
        ("e\u{301}e\u{301}e\u{301}", 2, "e\u{301}e\u{301}…[1 more]"),
    ])
    func limitsCutCharactersAndSayHowMany(input: String, limit: Int, expected: String) {
        #expect(TerminalText.escape(input, limit: limit) == expected)
        var stream = ReportStream(output: nil)
        let width = TerminalText.appendEscaped(input, limit: limit, to: &stream)
        #expect(stream.text == expected)
        if let width { #expect(width == expected.count) }
    }

    @Test func randomStringsEscapeTheSameByteByByte() {
        var generator = HostileFuzzTests.Generator(state: 0xe5ca_9e)
        for _ in 0..<2_000 {
            let text = Self.randomText(&generator)
            let limit = [nil, 1, 7, 40][generator.next(4)]
            let escaped = TerminalText.escape(text, limit: limit)
            var stream = ReportStream(output: nil)
            let width = TerminalText.appendEscaped(text, limit: limit, to: &stream)
            #expect(stream.text == escaped)
            if let width { #expect(width == escaped.count) }
            #expect(TextLayout.columns(escaped) == escaped.count)
            #expect(TextLayout.columns(text) == text.count)
        }
    }

    /// Hostile characters, or (a third of the time) printable ASCII only, where the fast paths apply.
    static func randomText(_ generator: inout HostileFuzzTests.Generator) -> String {
        var scalars = String.UnicodeScalarView()
        let ascii = generator.next(3) == 0
        for _ in 0..<generator.next(60) {
            if ascii {
                scalars.append(Unicode.Scalar(UInt8(0x20 + generator.next(95))))
            } else {
                let alphabet = HostileFuzzTests.alphabet
                scalars.append(alphabet[generator.next(alphabet.count)])
            }
        }
        return String(scalars)
    }
}

@Suite struct FastPathLayoutTests {
    @Test func asciiWrapBreaksWhereTheCharacterWrapDoes() throws {
        var generator = HostileFuzzTests.Generator(state: 0x3a9)
        let words = ["a", "bb", "longerword", "`code", "span`", "`x`", "-", "", " ", "`", "run `openssl s_client`"]
        for _ in 0..<2_000 {
            let text = (0..<generator.next(25)).map { _ in words[generator.next(words.count)] }
                .joined(separator: String(repeating: " ", count: 1 + generator.next(2)))
            let width = [3, 10, 40, 100][generator.next(4)]
            let (first, rest) = [("", ""), ("    ", "      "), ("  - ", "    ")][generator.next(3)]
            let fast = try #require(TextLayout.asciiWrap(text, firstPrefix: first, restPrefix: rest, width: width))
            #expect(fast == TextLayout.characterWrap(text, firstPrefix: first, restPrefix: rest, width: width), "\(text)")
        }
    }

    @Test func asciiWrapLeavesOtherTextToTheCharacterWrap() {
        #expect(TextLayout.asciiWrap("café au lait", firstPrefix: "", restPrefix: "", width: 5) == nil)
        #expect(TextLayout.asciiWrap("cr\rlf", firstPrefix: "", restPrefix: "", width: 5) == nil)
        #expect(TextLayout.asciiWrap("plain", firstPrefix: "→ ", restPrefix: "", width: 5) == nil)
        #expect(TextLayout.wrap("a \u{301}b c", firstPrefix: "", restPrefix: "", width: 3) == ["a \u{301}b", "c"])
    }
}

@Suite struct FastPathMarkdownTests {
    @Test func asciiCodeSpansMatchTheCharacterPath() throws {
        var generator = HostileFuzzTests.Generator(state: 0xc0de)
        let pieces = ["`", "``", "|", " ", "a", "b c", "\\\\x1b"]
        for _ in 0..<1_000 {
            let text = (0..<(1 + generator.next(8))).map { _ in pieces[generator.next(pieces.count)] }.joined()
            let inTable = generator.next(2) == 0
            let fast = try #require(MarkdownText.asciiCode(text, inTable: inTable))
            #expect(fast == MarkdownText.characterCode(text, inTable: inTable), "\(text)")
        }
        #expect(MarkdownText.asciiCode("é", inTable: false) == nil)
    }

    /// Markdown prose reads bytes; the characters it escapes are all ASCII, so it must agree with a reading
    /// scalar by scalar (the earlier code, kept here as the reference).
    @Test func proseByBytesMatchesProseByScalars() {
        var generator = HostileFuzzTests.Generator(state: 0x9d05e)
        for _ in 0..<2_000 {
            let text = FastPathEscapingTests.randomText(&generator)
            let lineStart = generator.next(2) == 0
            #expect(MarkdownText.prose(text, lineStart: lineStart) == Self.proseByScalars(text, lineStart: lineStart))
        }
    }

    static func proseByScalars(_ text: String, lineStart: Bool) -> String {
        let visible = TerminalText.escape(text)
        var out = ""
        var atStart = lineStart
        var leadingDigits = false
        for scalar in visible.unicodeScalars {
            if atStart && scalar == " " { continue }
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~", "&", "$": out += "\\"
            case "-" where atStart, "+" where atStart: out += "\\"
            case "." where leadingDigits, ")" where leadingDigits: out += "\\"
            default: break
            }
            leadingDigits = (atStart || leadingDigits) && lineStart && ("0"..."9").contains(scalar)
            atStart = false
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

@Suite struct ByteTextTests {
    @Test(arguments: [0, 7, -7, 10, 99, 100, 1_000_000, Int.max, Int.min, Int.min + 1])
    func decimalsAreStringOfInt(value: Int) {
        var stream = ReportStream(output: nil)
        ByteText.appendDecimal(value, to: &stream)
        #expect(stream.text == String(value))
    }

    @Test func timesAreTimestampsOwnText() {
        var generator = HostileFuzzTests.Generator(state: 0x71e)
        var times = [
            Timestamp(seconds: 0, nanoseconds: 0),
            Timestamp(seconds: 1_795_920_067, nanoseconds: 118_000_999),
            Timestamp(seconds: 951_782_400, nanoseconds: 999_999_999),          // 2000-02-29
            Timestamp(seconds: 253_402_300_799, nanoseconds: 1),                // 9999-12-31T23:59:59
            Timestamp(seconds: 253_402_300_800, nanoseconds: 0),                // year 10000: Timestamp's text
            Timestamp(seconds: -1, nanoseconds: 5),
            Timestamp(seconds: -62_135_596_800, nanoseconds: 0),
            Timestamp(seconds: Int64.max / 2, nanoseconds: 0),
        ]
        var unnormalized = Timestamp(seconds: 1_795_920_067, nanoseconds: 0)
        unnormalized.nanoseconds = 4_000_000_000                            // set past the initializer
        times.append(unnormalized)
        for _ in 0..<2_000 {
            let seconds = Int64(generator.next(Int(Int32.max))) * Int64(1 + generator.next(130))
            times.append(Timestamp(seconds: seconds, nanoseconds: UInt32(generator.next(1_000_000_000))))
        }
        for time in times {
            var stream = ReportStream(output: nil)
            ByteText.appendTimeOfDay(time, to: &stream)
            #expect(stream.text == time.timeOfDay, "\(time)")
            stream = ReportStream(output: nil)
            ByteText.appendDate(time, to: &stream)
            #expect(stream.text == time.date, "\(time)")
            stream = ReportStream(output: nil)
            ByteText.appendRFC3339(time, to: &stream)
            #expect(stream.text == time.rfc3339, "\(time)")
        }
    }

    @Test func addressesAreTheirDescription() {
        var generator = HostileFuzzTests.Generator(state: 0x1b4)
        var endpoints = [
            Endpoint(address: IPAddress(ipv4: 0), port: 0),
            Endpoint(address: IPAddress(ipv4: 0xFFFF_FFFF), port: 65_535),
            Endpoint(address: IPAddress(ipv4: 0x0A00_0009), port: 443),
            Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 443),
            Endpoint(address: IPAddress(ipv6High: 0, low: 0xffff_c000_0201), port: 8443),
        ]
        for _ in 0..<500 {
            let value = UInt32(truncatingIfNeeded: generator.next(Int(UInt32.max)))
            endpoints.append(Endpoint(address: IPAddress(ipv4: value), port: UInt16(generator.next(65_536))))
        }
        // IPv6 with runs of zero groups of every length and place (RFC 5952 compresses the longest).
        for _ in 0..<2_000 {
            var halves: [UInt64] = [0, 0]
            for group in 0..<8 where generator.next(3) != 0 {
                let value = UInt64(generator.next(4) == 0 ? 0xffff : generator.next(0x1_0000))
                halves[group / 4] |= value << (48 - 16 * UInt64(group % 4))
            }
            endpoints.append(Endpoint(address: IPAddress(ipv6High: halves[0], low: halves[1]),
                                      port: UInt16(generator.next(65_536))))
        }
        endpoints.append(Endpoint(address: IPAddress(ipv6High: 0, low: 0), port: 0))
        endpoints.append(Endpoint(address: IPAddress(ipv6High: 0, low: 0xffff_0000_0000), port: 1))
        for endpoint in endpoints {
            var stream = ReportStream(output: nil)
            ByteText.appendEndpoint(endpoint, to: &stream)
            #expect(stream.text == endpoint.description)
        }
    }
}
