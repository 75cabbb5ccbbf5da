// Open protocol-number types: every value is representable, known ones have names, unknown ones print as numbers.
// Names follow the IANA TLS registries (https://www.iana.org/assignments/tls-parameters).

/// A TLS/SSL protocol version (`0x0303` = TLS 1.2). Unknown values print as `0x7f1c`.
public struct ProtocolVersion: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ssl2 = ProtocolVersion(rawValue: 0x0002)
    public static let ssl3 = ProtocolVersion(rawValue: 0x0300)
    public static let tls10 = ProtocolVersion(rawValue: 0x0301)
    public static let tls11 = ProtocolVersion(rawValue: 0x0302)
    public static let tls12 = ProtocolVersion(rawValue: 0x0303)
    public static let tls13 = ProtocolVersion(rawValue: 0x0304)
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `"TLS 1.2"`, `"TLS 1.3 draft 28"` (`0x7f1c`), or `"0x7e02"` for values without a name (GREASE, others).
    public var description: String {
        switch rawValue {
        case 0x0002: "SSL 2.0"
        case 0x0300: "SSL 3.0"
        case 0x0301: "TLS 1.0"
        case 0x0302: "TLS 1.1"
        case 0x0303: "TLS 1.2"
        case 0x0304: "TLS 1.3"
        case 0x7f00...0x7fff: "TLS 1.3 draft \(rawValue & 0xff)"
        default: hex16(rawValue)
        }
    }

    /// RFC 8701 reserved value (`0x?a?a`), sent to keep peers tolerant of unknown values.
    public var isGREASE: Bool { isGREASEValue(rawValue) }

    /// A TLS 1.3 draft version (`0x7fNN` = draft NN; `0x7eNN` were Facebook's experimental drafts).
    public var isTLS13Draft: Bool { rawValue >> 8 == 0x7f || rawValue >> 8 == 0x7e }

    /// TLS 1.3 or one of its drafts: everything after the ServerHello is encrypted, and the handshake is
    /// judged from record sizes without a key log.
    public var isTLS13OrDraft: Bool { self == .tls13 || isTLS13Draft }

    /// Orders versions by age: drafts of TLS 1.3 sort between TLS 1.2 and TLS 1.3.
    var recency: Int {
        isTLS13Draft ? 0x0303 << 8 | Int(rawValue & 0xff) : Int(rawValue) << 8
    }
}

/// A cipher suite by its IANA name (`TLS_AES_128_GCM_SHA256`); unknown values print as `0x1301`-style.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let emptyRenegotiationInfoSCSV = CipherSuite(rawValue: 0x00ff)
    public static let fallbackSCSV = CipherSuite(rawValue: 0x5600)

    /// The IANA name (table in CipherSuiteNames.swift), else `0x1301`-style.
    public var description: String { ianaName ?? hex16(rawValue) }

    /// RFC 8701 GREASE value (`0x?a?a`).
    public var isGREASE: Bool { isGREASEValue(rawValue) }

    /// Not a cipher: TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746), TLS_FALLBACK_SCSV (RFC 7507), or GREASE.
    public var isSignalingValue: Bool { rawValue == 0x00ff || rawValue == 0x5600 || isGREASE }

    /// A TLS 1.3 suite (RFC 8446 §B.4, RFC 8998 SM4, RFC 9150 integrity-only, RFC 9367 GOST): usable only with
    /// TLS 1.3, and TLS 1.3 cannot use any other suite.
    public var isTLS13Suite: Bool {
        switch rawValue {
        case 0x1301...0x1307, 0x00c6, 0x00c7, 0xc0b4, 0xc0b5, 0xc103...0xc106: true
        default: false
        }
    }

    /// A TLS ≤ 1.2 suite with ephemeral elliptic-curve Diffie-Hellman key exchange (`TLS_ECDHE_*`); such a
    /// suite needs a group both sides support (supported_groups). TLS 1.3 suites name no key exchange: false.
    public var usesECDHE: Bool { ianaName?.hasPrefix("TLS_ECDHE_") ?? false }

    /// A suite with finite-field ephemeral Diffie-Hellman key exchange (`TLS_DHE_*`).
    public var usesDHE: Bool { ianaName?.hasPrefix("TLS_DHE_") ?? false }

    /// AES in GCM mode (`*_AES_128_GCM_*`, `*_AES_256_GCM_*`), TLS 1.3 suites included.
    public var usesAESGCM: Bool {
        guard let name = ianaName else { return false }
        return name.contains("_AES_128_GCM") || name.contains("_AES_256_GCM")
    }

    /// The key exchange and authentication part of a TLS ≤ 1.2 name (`ECDHE_RSA`, `RSA`, `DH_anon`), or nil
    /// for TLS 1.3 suites, signaling values and unknown values.
    public var keyExchange: String? {
        guard let name = ianaName, name.hasPrefix("TLS_"), let with = name.firstRange(of: "_WITH_") else { return nil }
        return String(name[name.index(name.startIndex, offsetBy: 4)..<with.lowerBound])
    }

    /// The server certificate key a TLS ≤ 1.2 suite needs: `"RSA"`, `"ECDSA"`, `"DSS"`, or nil when the suite
    /// needs no particular certificate (TLS 1.3, PSK, anonymous, SRP, Kerberos, ...).
    public var certificateKeyType: String? {
        guard var kx = keyExchange else { return nil }
        if kx.hasSuffix("_EXPORT") { kx.removeLast(7) }
        if kx == "RSA" || kx == "RSA_PSK" || kx.hasSuffix("_RSA") { return "RSA" }
        if kx.hasSuffix("_ECDSA") { return "ECDSA" }
        if kx.hasSuffix("_DSS") { return "DSS" }
        return nil
    }
}

/// `true` for RFC 8701 GREASE values: both bytes equal and of the form `0x?a`.
func isGREASEValue(_ value: UInt16) -> Bool {
    value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
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
    /// Not a TLS content type: marks a record in the SSLv2 record format after the hellos (CLIENT-MASTER-KEY
    /// and later, mostly encrypted). The value is the SSLv2 header's high bit.
    public static let sslv2Record = ContentType(rawValue: 0x80)

    /// `ChangeCipherSpec`, `Alert`, `Handshake`, `ApplicationData`, `Heartbeat`, or `content type N`.
    public var description: String {
        switch rawValue {
        case 20: "ChangeCipherSpec"
        case 21: "Alert"
        case 22: "Handshake"
        case 23: "ApplicationData"
        case 24: "Heartbeat"
        case 25: "tls12_cid"
        case 26: "ACK"
        case 0x80: "SSLv2"
        default: "content type \(rawValue)"
        }
    }
}

/// Handshake message type (RFC 8446 §4).
public struct HandshakeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let helloRequest = HandshakeType(rawValue: 0)
    public static let clientHello = HandshakeType(rawValue: 1)
    public static let serverHello = HandshakeType(rawValue: 2)
    public static let helloVerifyRequest = HandshakeType(rawValue: 3)
    public static let newSessionTicket = HandshakeType(rawValue: 4)
    public static let endOfEarlyData = HandshakeType(rawValue: 5)
    /// A separate message only in TLS 1.3 drafts before draft-22; final TLS 1.3 sends a special ServerHello.
    public static let helloRetryRequest = HandshakeType(rawValue: 6)
    public static let encryptedExtensions = HandshakeType(rawValue: 8)
    public static let certificate = HandshakeType(rawValue: 11)
    public static let serverKeyExchange = HandshakeType(rawValue: 12)
    public static let certificateRequest = HandshakeType(rawValue: 13)
    public static let serverHelloDone = HandshakeType(rawValue: 14)
    public static let certificateVerify = HandshakeType(rawValue: 15)
    public static let clientKeyExchange = HandshakeType(rawValue: 16)
    public static let finished = HandshakeType(rawValue: 20)
    public static let certificateURL = HandshakeType(rawValue: 21)
    public static let certificateStatus = HandshakeType(rawValue: 22)
    public static let supplementalData = HandshakeType(rawValue: 23)
    public static let keyUpdate = HandshakeType(rawValue: 24)
    public static let compressedCertificate = HandshakeType(rawValue: 25)
    public static let messageHash = HandshakeType(rawValue: 254)

    /// Message name as in the RFCs (`ClientHello`), or `HandshakeType(99)`.
    public var description: String {
        switch rawValue {
        case 0: "HelloRequest"
        case 1: "ClientHello"
        case 2: "ServerHello"
        case 3: "HelloVerifyRequest"
        case 4: "NewSessionTicket"
        case 5: "EndOfEarlyData"
        case 6: "HelloRetryRequest"
        case 8: "EncryptedExtensions"
        case 9: "RequestConnectionId"
        case 10: "NewConnectionId"
        case 11: "Certificate"
        case 12: "ServerKeyExchange"
        case 13: "CertificateRequest"
        case 14: "ServerHelloDone"
        case 15: "CertificateVerify"
        case 16: "ClientKeyExchange"
        case 17: "ClientCertificateRequest"
        case 20: "Finished"
        case 21: "CertificateURL"
        case 22: "CertificateStatus"
        case 23: "SupplementalData"
        case 24: "KeyUpdate"
        case 25: "CompressedCertificate"
        case 26: "EKTKey"
        case 254: "MessageHash"
        default: "HandshakeType(\(rawValue))"
        }
    }

    /// Types that plausibly start a plaintext handshake message, to judge bytes after a gap. HelloRequest (0)
    /// and Finished (20) are left out: an encrypted Finished read as plaintext often starts with zeros.
    var isPlausibleAfterGap: Bool {
        switch rawValue {
        case 1, 2, 4, 6, 8, 11...16, 22: true
        default: false
        }
    }
}

/// Alert level (RFC 8446 §6).
public struct AlertLevel: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let warning = AlertLevel(rawValue: 1)
    public static let fatal = AlertLevel(rawValue: 2)
    /// `"warning"`, `"fatal"`, or the number.
    public var description: String {
        switch rawValue {
        case 1: "warning"
        case 2: "fatal"
        default: String(rawValue)
        }
    }
}

/// Alert description, named as in the IANA registry (`handshake_failure`, `unknown_ca`); unknown: the number.
public struct AlertDescription: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let closeNotify = AlertDescription(rawValue: 0)
    public static let unexpectedMessage = AlertDescription(rawValue: 10)
    public static let badRecordMAC = AlertDescription(rawValue: 20)
    public static let decryptionFailed = AlertDescription(rawValue: 21)
    public static let recordOverflow = AlertDescription(rawValue: 22)
    public static let decompressionFailure = AlertDescription(rawValue: 30)
    public static let handshakeFailure = AlertDescription(rawValue: 40)
    public static let noCertificate = AlertDescription(rawValue: 41)
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
    public static let tooManyCIDsRequested = AlertDescription(rawValue: 52)
    public static let exportRestriction = AlertDescription(rawValue: 60)
    public static let protocolVersion = AlertDescription(rawValue: 70)
    public static let insufficientSecurity = AlertDescription(rawValue: 71)
    public static let internalError = AlertDescription(rawValue: 80)
    public static let inappropriateFallback = AlertDescription(rawValue: 86)
    public static let userCanceled = AlertDescription(rawValue: 90)
    public static let noRenegotiation = AlertDescription(rawValue: 100)
    public static let missingExtension = AlertDescription(rawValue: 109)
    public static let unsupportedExtension = AlertDescription(rawValue: 110)
    public static let certificateUnobtainable = AlertDescription(rawValue: 111)
    public static let unrecognizedName = AlertDescription(rawValue: 112)
    public static let badCertificateStatusResponse = AlertDescription(rawValue: 113)
    public static let badCertificateHashValue = AlertDescription(rawValue: 114)
    public static let unknownPSKIdentity = AlertDescription(rawValue: 115)
    public static let certificateRequired = AlertDescription(rawValue: 116)
    public static let generalError = AlertDescription(rawValue: 117)
    public static let noApplicationProtocol = AlertDescription(rawValue: 120)
    public static let echRequired = AlertDescription(rawValue: 121)

    /// IANA name, or the number as a string when unassigned.
    public var name: String {
        switch rawValue {
        case 0: "close_notify"
        case 10: "unexpected_message"
        case 20: "bad_record_mac"
        case 21: "decryption_failed"
        case 22: "record_overflow"
        case 30: "decompression_failure"
        case 40: "handshake_failure"
        case 41: "no_certificate"
        case 42: "bad_certificate"
        case 43: "unsupported_certificate"
        case 44: "certificate_revoked"
        case 45: "certificate_expired"
        case 46: "certificate_unknown"
        case 47: "illegal_parameter"
        case 48: "unknown_ca"
        case 49: "access_denied"
        case 50: "decode_error"
        case 51: "decrypt_error"
        case 52: "too_many_cids_requested"
        case 60: "export_restriction"
        case 70: "protocol_version"
        case 71: "insufficient_security"
        case 80: "internal_error"
        case 86: "inappropriate_fallback"
        case 90: "user_canceled"
        case 100: "no_renegotiation"
        case 109: "missing_extension"
        case 110: "unsupported_extension"
        case 111: "certificate_unobtainable"
        case 112: "unrecognized_name"
        case 113: "bad_certificate_status_response"
        case 114: "bad_certificate_hash_value"
        case 115: "unknown_psk_identity"
        case 116: "certificate_required"
        case 117: "general_error"
        case 120: "no_application_protocol"
        case 121: "ech_required"
        default: String(rawValue)
        }
    }
    public var description: String { name }
}
