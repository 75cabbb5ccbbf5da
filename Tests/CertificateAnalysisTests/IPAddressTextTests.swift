import Foundation
import Testing
@testable import CertificateAnalysis

@Suite("IP address text")
struct IPAddressTextTests {
    @Test("RFC 5952 formatting", arguments: [
        ([192, 0, 2, 10] as [UInt8], "192.0.2.10"),
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], "2001:db8:0:1::1"),  // longest run
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], "2001:db8::1:0:0:1"),  // first of equal runs
        ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:0:1:1:1:1:1"),  // one zero: no ::
        (Array(repeating: 0, count: 16), "::"),
        (Array(repeating: 0, count: 15) + [1], "::1"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1], "::ffff:192.0.2.1"),
        ([10, 0, 0, 0, 255, 0, 0, 0], "0x0a000000ff000000"),  // a name-constraint style value, invalid in a SAN
    ])
    func format(octets: [UInt8], text: String) {
        #expect(IPAddressText.format(octets) == text)
        if octets.count == 4 || octets.count == 16 { #expect(IPAddressText.parse(text) == octets) }
    }

    @Test("not IP literals", arguments: [
        "", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3", ":::", "1:::2",
        "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1.2.3", "1.2.3.4::", "[::1",
        "١.٢.٣.٤",
    ])
    func rejects(_ text: String) {
        #expect(IPAddressText.parse(text) == nil)
    }

    @Test("accepted spellings", arguments: [
        ("[::1]", Array(repeating: 0, count: 15) + [1] as [UInt8]),
        ("fe80::1%eth0", [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1]),
        ("1:2:3:4:5:6:7::", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]),
        ("::ffff:1.2.3.4", Array(repeating: 0, count: 10) + [0xff, 0xff, 1, 2, 3, 4]),
        ("0.0.0.0", [0, 0, 0, 0]),
    ])
    func accepts(text: String, octets: [UInt8]) {
        #expect(IPAddressText.parse(text) == octets)
    }
}

@Suite("PEM base64")
struct Base64Tests {
    @Test("decodes like Foundation", arguments: ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u{0}\u{FF}\u{80}"])
    func roundTrip(_ text: String) throws {
        let bytes = Array(text.utf8)
        let encoded = Data(bytes).base64EncodedString()
        #expect(PEMBundle.base64Decode(Array(encoded.utf8)) == bytes)
        #expect(PEMBundle.base64Decode(Array(encoded.replacingOccurrences(of: "=", with: "").utf8)) == bytes)
        #expect(PEMBundle.base64Decode(Array((" " + encoded + "\r\n").utf8)) == bytes)
    }

    /// A PEM block is decoded line by line (four characters at a time where it can): any line length, with
    /// whitespace or "=" anywhere, decodes as the whole text would.
    @Test("a block split into lines of any length", arguments: [1, 3, 4, 5, 63, 64, 76])
    func lines(width: Int) throws {
        var rng = GarbageTests.SplitMix(state: UInt64(width))
        for count in [0, 1, 2, 3, 47, 48, 49, 300] {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var text = Substring(Data(bytes).base64EncodedString())
            var lines: [String] = []
            while !text.isEmpty { lines.append(String(text.prefix(width))); text = text.dropFirst(width) }
            let pem = "-----BEGIN CERTIFICATE-----\n" + lines.joined(separator: " \r\n") + "\n-----END CERTIFICATE-----\n"
            let blocks = PEMBundle.certificateBlocks(in: Array(pem.utf8))
            #expect(blocks.ders == (count == 0 ? [] : [bytes]), "\(count) bytes")
            #expect(blocks.undecodable == (count == 0 ? 1 : 0))
        }
        let padded = "-----BEGIN CERTIFICATE-----\nZm9v\nYg=\n=\n-----END CERTIFICATE-----\n"
        #expect(PEMBundle.certificateBlocks(in: Array(padded.utf8)).ders == [Array("foob".utf8)])
        let dataAfterPadding = "-----BEGIN CERTIFICATE-----\nZg==\nZm9v\n-----END CERTIFICATE-----\n"
        #expect(PEMBundle.certificateBlocks(in: Array(dataAfterPadding.utf8)).undecodable == 1)
    }

    @Test("rejects", arguments: ["A", "Zm9v!", "Zm=9v", "Zm9v===", "Zg==Zg=="])
    func rejects(_ text: String) {
        #expect(PEMBundle.base64Decode(Array(text.utf8)) == nil)
    }
}
