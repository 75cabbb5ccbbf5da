import Testing
import TLSDissector
@testable import Diagnosis

/// `HandshakeProgress.tls13InferenceMaySettle` spares the pipeline computing the progress: it must be true whenever
/// the inference (TLS 1.3 without keys or alerts) settles the outcome.
@Suite struct InferenceGateTests {
    /// Every sequence of up to six records after the ServerHello, from either side, alert-sized (19 bytes), a
    /// Finished (69) or larger (250): client records before the server's (0-RTT), rejections, tickets, data.
    @Test func gateHoldsWheneverTheInferenceSettles() {
        let kinds: [(Side, Int)] = [(.client, 19), (.client, 69), (.client, 250), (.server, 19), (.server, 69), (.server, 250)]
        var sequences: [[(Side, Int)]] = [[]]
        var settled = 0
        for _ in 1...6 {
            sequences = sequences.flatMap { sequence in kinds.map { sequence + [$0] } }
            for sequence in sequences {
                var builder = ObservationBuilder()
                _ = builder.tcpHandshake()
                _ = builder.clientHello()
                _ = builder.serverHello(.tls13)
                for (side, length) in sequence { _ = builder.encrypted(side, length: length) }
                let observation = builder.observation
                guard HandshakeProgress(observation).outcomeKnown else { continue }
                settled += 1
                #expect(HandshakeProgress.tls13InferenceMaySettle(observation.encryptedRecords),
                        "\(sequence.map { "\($0.0.rawValue) \($0.1)" })")
            }
        }
        #expect(settled > 0)
    }

    /// The common case it exists for: the server's tickets after the client's Finished, before its request.
    @Test func ticketsBeforeTheRequestDoNotAsk() {
        var builder = ObservationBuilder()
        _ = builder.tcpHandshake()
        _ = builder.clientHello()
        _ = builder.serverHello(.tls13)
        _ = builder.encrypted(.server, length: 23)  // EncryptedExtensions, alert-sized but in the flight
        _ = builder.encrypted(.server, length: 1866)
        _ = builder.encrypted(.client, length: 69)
        _ = builder.encrypted(.server, length: 250)
        _ = builder.encrypted(.server, length: 250)
        #expect(!HandshakeProgress.tls13InferenceMaySettle(builder.observation.encryptedRecords))
        #expect(!HandshakeProgress(builder.observation).outcomeKnown)
    }
}
