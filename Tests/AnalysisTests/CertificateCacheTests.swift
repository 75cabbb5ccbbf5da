import Testing
@testable import Analysis

/// The certificate cache keeps what it parsed and the chains it saw within a byte budget: a capture of many
/// large, distinct certificates makes it start over instead of grow.
@Suite struct CertificateCacheTests {
    /// `count` bytes that are not a certificate, distinct per `seed`.
    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        var bytes = [UInt8](repeating: seed, count: count)
        bytes[0] = 0x30
        return bytes
    }

    @Test func aServedChainSeenBeforeIsTheSameChain() {
        var cache = CertificateCache()
        let ders = [Self.bytes(1_000, seed: 1), Self.bytes(2_000, seed: 2)]
        let first = cache.chain(ders)
        let again = cache.chain(ders)
        #expect(first.number == again.number)
        #expect(first.unreadable.count == 2)
        #expect(cache.chain([Self.bytes(1_000, seed: 3)]).number != first.number)
        #expect(cache.chain([]).number == -1)
    }

    @Test func largeDistinctCertificatesStayWithinTheByteBudget() {
        var cache = CertificateCache()
        let size = 900_000
        for seed in 0..<60 {
            _ = cache.chain([Self.bytes(size, seed: UInt8(seed))])
            #expect(cache.bytesHeld <= 2 * CertificateCache.byteCapacity)
        }
        // Still a cache: the last chain is found again.
        let last = [Self.bytes(size, seed: 59)]
        #expect(cache.chain(last).number == cache.chain(last).number)
    }
}
