import Testing
@testable import PacketDecoding

@Suite struct IPAddressTests {
    @Test func ipv4IsDottedQuad() {
        #expect(IPAddress(192, 0, 2, 1).description == "192.0.2.1")
        #expect(IPAddress(ipv4: 0).description == "0.0.0.0")
        #expect(IPAddress(ipv4: 0xffff_ffff).description == "255.255.255.255")
        #expect(IPAddress(10, 200, 9, 100).description == "10.200.9.100")
    }

    /// Endpoints are written digit by digit: every digit count of every part, against interpolation.
    @Test func endpointTextMatchesInterpolation() {
        for (a, b) in [(0, 9), (10, 99), (100, 255)] as [(UInt8, UInt8)] {
            for port: UInt16 in [0, 7, 80, 443, 8443, 65535] {
                let endpoint = Endpoint(address: IPAddress(a, b, b, a), port: port)
                #expect(endpoint.description == "\(a).\(b).\(b).\(a):\(port)")
            }
        }
        let v6 = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 443)
        #expect(v6.description == "[2001:db8::1]:443")
    }

    /// RFC 5952 §4 and its examples.
    @Test(arguments: [
        ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
        ([0x2001, 0x0db8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"),        // §4.2.2: one zero group is not ::
        ([0x2001, 0x0db8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"),          // §4.2.3: leftmost on a tie
        ([0x2001, 0, 0, 1, 0, 0, 0, 1], "2001:0:0:1::1"),                   // §4.2.3: longest run wins
        ([0x2001, 0x0db8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0xabcd], "2001:db8:aaaa:bbbb:cccc:dddd:eeee:abcd"),
        ([0, 0, 0, 0, 0, 0, 0, 0], "::"),
        ([0, 0, 0, 0, 0, 0, 0, 1], "::1"),
        ([1, 0, 0, 0, 0, 0, 0, 0], "1::"),
        ([0xfe80, 0, 0, 0, 0x0216, 0x3eff, 0xfe6a, 0xa257], "fe80::216:3eff:fe6a:a257"),
        ([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201], "::ffff:192.0.2.1"),      // §5: IPv4-mapped
        ([0x2001, 0x0db8, 0, 0, 0, 0, 0x0abc, 0], "2001:db8::abc:0"),
    ] as [([UInt16], String)])
    func ipv6FollowsRFC5952(_ groups: [UInt16], _ text: String) throws {
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let address = IPAddress(ipv6High: high, low: low)
        #expect(address.description == text)
        #expect(address.ipv6Groups == groups)
        #expect(IPAddress(text) == address)
    }

    @Test(arguments: ["2001:DB8:0:0:0:0:0:1", "2001:db8:0000::1", "0:0:0:0:0:0:0:1"])
    func parsingAcceptsNonCanonicalText(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == (text.hasPrefix("0:") ? "::1" : "2001:db8::1"))
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "1..2.3", "1:2:3", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7:8:9", "+1::", "1:2:3:4:5:6:7::8"])
    func parsingRejectsNonsense(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func endpointsPrintWithBracketsForIPv6() throws {
        #expect(Endpoint(address: IPAddress(192, 0, 2, 1), port: 443).description == "192.0.2.1:443")
        #expect(Endpoint(address: try #require(IPAddress("2001:db8::1")), port: 443).description == "[2001:db8::1]:443")
    }

    @Test func orderingPutsIPv4First() throws {
        #expect(IPAddress(255, 255, 255, 255) < (try #require(IPAddress("::"))))
        #expect(IPAddress(10, 0, 0, 1) < IPAddress(10, 0, 0, 2))
    }
}
