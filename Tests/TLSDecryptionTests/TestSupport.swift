import TLSDissector
@testable import TLSDecryption

/// Hex digits to bytes; whitespace is ignored (vectors are wrapped as the RFCs print them).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { !($0 == 32 || $0 == 10 || $0 == 13 || $0 == 9) })
    precondition(digits.count.isMultiple(of: 2), "odd hex in a test vector")
    return KeyLog.hex(digits[...]) ?? { preconditionFailure("bad hex in a test vector") }()
}

/// A whole record as captured (5-byte header + fragment) as the parser would deliver it.
func record(_ wire: [UInt8]) -> EncryptedRecord {
    EncryptedRecord(contentType: ContentType(rawValue: wire[0]),
                    version: ProtocolVersion(rawValue: UInt16(wire[1]) << 8 | UInt16(wire[2])),
                    body: Array(wire.dropFirst(5)))
}

extension TLSEvent {
    /// `Finished`, `Alert(warning close_notify)`, `ApplicationData(67)`, ...
    var kind: String {
        switch self {
        case .handshake(let message, _): "\(message.type)"
        case .alert(let alert, _): "Alert(\(alert.level) \(alert.description.name))"
        case .encryptedRecord(let type, let length, _): "\(type)(\(length))"
        case .malformed(let error, _): "Malformed(\(error.code.rawValue))"
        default: "\(self)"
        }
    }
}
