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
        inspect(PacketDecoder.decode(bytes[...], linkType: linkType))
        // Slices not starting at index 0, as the capture reader hands them over.
        if !bytes.isEmpty { inspect(PacketDecoder.decode(bytes.dropFirst(), linkType: linkType)) }
    }
    if let first = bytes.first {
        inspect(PacketDecoder.decode(bytes.dropFirst(), linkType: LinkType(rawValue: UInt32(first))))
    }
    return 0
}

private func inspect(_ decoded: DecodedPacket) {
    var sink = ""
    print(decoded, to: &sink)
    if case .tcp(let segment) = decoded {
        precondition(segment.payload.startIndex <= segment.payload.endIndex)
        _ = segment.source.description + segment.destination.description
    }
}
