// libFuzzer target: two TLSStreamParsers (client and server side of one connection) fed the input in chunks
// whose sizes, sides and gaps come from the first byte, the way the connection tracker feeds them.
import LibFuzzerDriver
import TLSDissector

/// The program's entry (see LibFuzzerDriver.h): libFuzzer's driver with this target's test function.
@_cdecl("fuzz_tls_main")
public func fuzzTLSMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in data.map { fuzzTLS($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTLS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var rng = SplitMix(seed: UInt64(input[0]))
    let stream = input[1...]
    var parsers = [TLSStreamParser(), TLSStreamParser()]
    // Describing every event (reflection) is slow: half of the inputs do it.
    let describe = input[0] & 0x80 != 0
    var offset = stream.startIndex
    var frame = 1
    while offset < stream.endIndex {
        let roll = rng.next()
        // Mostly small chunks (records cut anywhere), sometimes the whole rest at once.
        let length = roll & 7 == 0 ? stream.endIndex - offset : Int(roll >> 8 % 64) + 1
        let end = min(stream.endIndex, offset + length)
        // The first byte's low bit picks whether the sides alternate; otherwise everything goes to one side.
        let side = input[0] & 1 == 1 ? Int(roll >> 3 & 1) : 0
        if roll >> 4 & 15 == 0 {
            // A capture gap: these bytes were never seen.
            parsers[side].skip(missingBytes: end - offset, frame: frame)
        } else {
            for event in parsers[side].feed(stream[offset..<end], frame: frame) {
                if describe { check(event) }
                if case .handshake(.serverHello(let hello), _) = event, !hello.isHelloRetryRequest,
                   hello.negotiatedVersion == .tls13 {
                    parsers[0].markEncrypted()
                    parsers[1].markEncrypted()
                }
            }
        }
        offset = end
        frame += 1
    }
    for index in parsers.indices {
        for event in parsers[index].finish() where describe { check(event) }
    }
    return 0
}

/// Touches what the report would print of each event, so descriptions are exercised too.
private func check(_ event: TLSEvent) {
    var sink = ""
    print(event, to: &sink)
    precondition(!sink.isEmpty)
}

/// A small deterministic generator (SplitMix64), so a crash reproduces from its input alone.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9e37_79b9_7f4a_7c15 }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
