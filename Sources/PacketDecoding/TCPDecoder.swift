/// The TCP header (RFC 9293 §3.1): Source Port(2) Destination Port(2) Sequence Number(4)
/// Acknowledgment Number(4) Data Offset(4 bits)/Reserved/Flags(12 bits) Window(2) Checksum(2) Urgent Pointer(2)
/// Options(Data Offset*4 - 20). The checksum is not checked: offloading makes it wrong in many captures.
enum TCPDecoder {
    /// `bytes` is the captured part of the segment, `missing` what the IP length announced beyond it.
    static func decode(_ bytes: ArraySlice<UInt8>, missing: Int, source: IPAddress,
                       destination: IPAddress) -> DecodedPacket {
        guard bytes.count >= 20,
              let ports = bytes.bigEndianUInt32(at: 0),
              let sequence = bytes.bigEndianUInt32(at: 4),
              let acknowledgment = bytes.bigEndianUInt32(at: 8),
              let offsetAndFlags = bytes.bigEndianUInt16(at: 12),
              let window = bytes.bigEndianUInt16(at: 14)
        else {
            return .malformed(reason: missing > 0 ? "TCP header cut by the snap length" : "TCP header cut short")
        }
        let headerLength = Int(offsetAndFlags >> 12) * 4
        guard headerLength >= 20 else { return .malformed(reason: "TCP data offset below 5") }
        guard headerLength <= bytes.count + missing else {
            return .malformed(reason: "TCP data offset beyond the segment")
        }
        guard headerLength <= bytes.count else { return .malformed(reason: "TCP options cut by the snap length") }

        return .tcp(TCPSegment(
            source: Endpoint(address: source, port: UInt16(truncatingIfNeeded: ports >> 16)),
            destination: Endpoint(address: destination, port: UInt16(truncatingIfNeeded: ports)),
            sequenceNumber: sequence,
            acknowledgmentNumber: acknowledgment,
            flags: TCPFlags(rawValue: offsetAndFlags & 0x01ff),
            window: window,
            payload: bytes.dropFirst(headerLength),
            missingPayloadBytes: missing))
    }
}
