// libFuzzer target: one frame decoded as every link type tlsdiag knows, plus the one the first byte names.
import LibFuzzerDriver
import WireFormat
import PacketDecoding

private let linkTypes: [LinkType] = [.null, .ethernet, .raw, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2]

/// The program's entry (see LibFuzzerDriver.h): libFuzzer's driver with this target's test function.
@_cdecl("fuzz_decode_main")
public func fuzzDecodeMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in data.map { fuzzDecode($0, size) } ?? 0 }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for linkType in linkTypes {
        inspect(PacketDecoder.decode(bytes[...], linkType: linkType), within: bytes.indices)
        // Slices not starting at index 0, as the capture reader hands them over.
        let tail = bytes.dropFirst()
        inspect(PacketDecoder.decode(tail, linkType: linkType), within: tail.indices)
    }
    if let first = bytes.first {
        let tail = bytes.dropFirst()
        inspect(PacketDecoder.decode(tail, linkType: LinkType(rawValue: UInt32(first))), within: tail.indices)
    }
    return 0
}

/// Touches what the pipeline uses of the result: the payload must be a view inside the frame.
private func inspect(_ decoded: DecodedPacket, within frame: Range<Int>) {
    switch decoded {
    case .tcp(let segment):
        precondition(segment.payload.isEmpty || frame.contains(segment.payload.startIndex))
        precondition(segment.payload.endIndex <= frame.upperBound)
        precondition(!(segment.source.description + segment.destination.description).isEmpty)
    case .malformed(let reason):
        precondition(!reason.isEmpty)
    case .other, .unsupportedLinkType:
        break
    }
}
