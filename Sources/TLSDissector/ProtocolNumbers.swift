// Open protocol-number types: every value is representable, known ones have names, unknown ones print as numbers.
// The name tables (IANA TLS registries) are filled in by the TLS stage.

/// A TLS/SSL protocol version (`0x0303` = TLS 1.2). Unknown values print as `0x7f1c`.
public struct ProtocolVersion: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ssl3 = ProtocolVersion(rawValue: 0x0300)
    public static let tls10 = ProtocolVersion(rawValue: 0x0301)
    public static let tls11 = ProtocolVersion(rawValue: 0x0302)
    public static let tls12 = ProtocolVersion(rawValue: 0x0303)
    public static let tls13 = ProtocolVersion(rawValue: 0x0304)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    /// `"TLS 1.2"`, or `"0x7f1c"` for values without a name.
    public var description: String { hex16(rawValue) }
}

/// A cipher suite by its IANA name (`TLS_AES_128_GCM_SHA256`); unknown values print as `0x1301`-style.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { hex16(rawValue) }
}

/// TLS record content type (RFC 8446 §5.1).
public struct ContentType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let changeCipherSpec = ContentType(rawValue: 20)
    public static let alert = ContentType(rawValue: 21)
    public static let handshake = ContentType(rawValue: 22)
    public static let applicationData = ContentType(rawValue: 23)
    public static let heartbeat = ContentType(rawValue: 24)
    public var description: String { "content type \(rawValue)" }
}

/// Handshake message type (RFC 8446 §4).
public struct HandshakeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let helloRequest = HandshakeType(rawValue: 0)
    public static let clientHello = HandshakeType(rawValue: 1)
    public static let serverHello = HandshakeType(rawValue: 2)
    public static let newSessionTicket = HandshakeType(rawValue: 4)
    public static let endOfEarlyData = HandshakeType(rawValue: 5)
    public static let encryptedExtensions = HandshakeType(rawValue: 8)
    public static let certificate = HandshakeType(rawValue: 11)
    public static let serverKeyExchange = HandshakeType(rawValue: 12)
    public static let certificateRequest = HandshakeType(rawValue: 13)
    public static let serverHelloDone = HandshakeType(rawValue: 14)
    public static let certificateVerify = HandshakeType(rawValue: 15)
    public static let clientKeyExchange = HandshakeType(rawValue: 16)
    public static let finished = HandshakeType(rawValue: 20)
    public static let certificateStatus = HandshakeType(rawValue: 22)
    public static let keyUpdate = HandshakeType(rawValue: 24)
    /// Message name as in the RFCs (`ClientHello`), or `HandshakeType(99)`.
    public var description: String { "HandshakeType(\(rawValue))" }
}

/// Alert level (RFC 8446 §6).
public struct AlertLevel: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let warning = AlertLevel(rawValue: 1)
    public static let fatal = AlertLevel(rawValue: 2)
    /// `"warning"`, `"fatal"`, or the number.
    public var description: String { String(rawValue) }
}

/// Alert description, named as in the IANA registry (`handshake_failure`, `unknown_ca`); unknown: the number.
public struct AlertDescription: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let closeNotify = AlertDescription(rawValue: 0)
    public static let unexpectedMessage = AlertDescription(rawValue: 10)
    public static let badRecordMAC = AlertDescription(rawValue: 20)
    public static let handshakeFailure = AlertDescription(rawValue: 40)
    public static let badCertificate = AlertDescription(rawValue: 42)
    public static let unsupportedCertificate = AlertDescription(rawValue: 43)
    public static let certificateRevoked = AlertDescription(rawValue: 44)
    public static let certificateExpired = AlertDescription(rawValue: 45)
    public static let certificateUnknown = AlertDescription(rawValue: 46)
    public static let illegalParameter = AlertDescription(rawValue: 47)
    public static let unknownCA = AlertDescription(rawValue: 48)
    public static let accessDenied = AlertDescription(rawValue: 49)
    public static let decodeError = AlertDescription(rawValue: 50)
    public static let decryptError = AlertDescription(rawValue: 51)
    public static let protocolVersion = AlertDescription(rawValue: 70)
    public static let insufficientSecurity = AlertDescription(rawValue: 71)
    public static let internalError = AlertDescription(rawValue: 80)
    public static let inappropriateFallback = AlertDescription(rawValue: 86)
    public static let userCanceled = AlertDescription(rawValue: 90)
    public static let noRenegotiation = AlertDescription(rawValue: 100)
    public static let missingExtension = AlertDescription(rawValue: 109)
    public static let unsupportedExtension = AlertDescription(rawValue: 110)
    public static let unrecognizedName = AlertDescription(rawValue: 112)
    public static let badCertificateStatusResponse = AlertDescription(rawValue: 113)
    public static let unknownPSKIdentity = AlertDescription(rawValue: 115)
    public static let certificateRequired = AlertDescription(rawValue: 116)
    public static let noApplicationProtocol = AlertDescription(rawValue: 120)
    /// IANA name, or the number as a string when unassigned.
    public var name: String { String(rawValue) }
    public var description: String { name }
}

/// Extension type (IANA "TLS ExtensionType Values").
public struct ExtensionType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let serverName = ExtensionType(rawValue: 0)
    public static let statusRequest = ExtensionType(rawValue: 5)
    public static let supportedGroups = ExtensionType(rawValue: 10)
    public static let ecPointFormats = ExtensionType(rawValue: 11)
    public static let signatureAlgorithms = ExtensionType(rawValue: 13)
    public static let applicationLayerProtocolNegotiation = ExtensionType(rawValue: 16)
    public static let extendedMasterSecret = ExtensionType(rawValue: 23)
    public static let sessionTicket = ExtensionType(rawValue: 35)
    public static let preSharedKey = ExtensionType(rawValue: 41)
    public static let earlyData = ExtensionType(rawValue: 42)
    public static let supportedVersions = ExtensionType(rawValue: 43)
    public static let cookie = ExtensionType(rawValue: 44)
    public static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    public static let keyShare = ExtensionType(rawValue: 51)
    public static let encryptedClientHello = ExtensionType(rawValue: 0xfe0d)
    public static let renegotiationInfo = ExtensionType(rawValue: 0xff01)
    public var description: String { hex16(rawValue) }
}

/// Named group (IANA "TLS Supported Groups"): `x25519`, `secp256r1`, ...
public struct NamedGroup: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { hex16(rawValue) }
}

/// Signature scheme (IANA "TLS SignatureScheme"): `ecdsa_secp256r1_sha256`, ...
public struct SignatureScheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public var description: String { hex16(rawValue) }
}

/// `0x1301`-style, four lower-case hex digits.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
