import Testing
import PacketDecoding
import TestSupport
@testable import StreamReassembly

/// The connection index answers exactly as a dictionary would, through growth, deletions that shift probe
/// chains back, and re-insertion, for IPv4 and IPv6 keys.
@Suite struct ConnectionIndexTests {
    @Test(arguments: [1, 2, 3])
    func agreesWithADictionary(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var index = ConnectionIndex()
        var model: [ConnectionKey: Int] = [:]
        // A small key space, so that the same keys come back after being removed.
        let keys = (0..<3_000).map { _ in Self.randomKey(&generator) }
        for step in 0..<40_000 {
            let key = keys[Int(generator.next() % UInt64(keys.count))]
            switch generator.next() % 3 {
            case 0:
                index[key] = step
                model[key] = step
            case 1:
                index[key] = nil
                model[key] = nil
            default:
                #expect(index[key] == model[key])
            }
            #expect(index.count == model.count)
        }
        for key in keys { #expect(index[key] == model[key]) }
    }

    static func randomKey(_ generator: inout SplitMix64) -> ConnectionKey {
        func endpoint() -> Endpoint {
            let address = generator.next() % 4 == 0
                ? IPAddress(ipv6High: 0x2001_0db8_0000_0000 | generator.next() % 8, low: generator.next() % 64)
                : IPAddress(ipv4: UInt32(truncatingIfNeeded: 0x0a00_0000 | generator.next() % 64))
            return Endpoint(address: address, port: UInt16(truncatingIfNeeded: generator.next() % 16))
        }
        return ConnectionKey(endpoint(), endpoint())
    }
}
