// Extension, group and signature-scheme numbers (IANA "TLS ExtensionType Values", "TLS Supported Groups",
// "TLS SignatureScheme"). A few widely deployed unregistered values are named too, marked below.

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
    public static let signedCertificateTimestamp = ExtensionType(rawValue: 18)
    public static let padding = ExtensionType(rawValue: 21)
    public static let encryptThenMAC = ExtensionType(rawValue: 22)
    public static let extendedMasterSecret = ExtensionType(rawValue: 23)
    public static let compressCertificate = ExtensionType(rawValue: 27)
    public static let sessionTicket = ExtensionType(rawValue: 35)
    public static let preSharedKey = ExtensionType(rawValue: 41)
    public static let earlyData = ExtensionType(rawValue: 42)
    public static let supportedVersions = ExtensionType(rawValue: 43)
    public static let cookie = ExtensionType(rawValue: 44)
    public static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    public static let certificateAuthorities = ExtensionType(rawValue: 47)
    public static let postHandshakeAuth = ExtensionType(rawValue: 49)
    public static let signatureAlgorithmsCert = ExtensionType(rawValue: 50)
    public static let keyShare = ExtensionType(rawValue: 51)
    /// key_share's number in TLS 1.3 drafts before draft-23 (now reserved).
    public static let keyShareDraft = ExtensionType(rawValue: 40)
    public static let encryptedClientHello = ExtensionType(rawValue: 0xfe0d)
    public static let renegotiationInfo = ExtensionType(rawValue: 0xff01)

    public var isGREASE: Bool { isGREASEValue(rawValue) }

    /// The IANA name (`server_name`), else `0x1234`-style.
    public var description: String {
        switch rawValue {
        case 0: "server_name"
        case 1: "max_fragment_length"
        case 2: "client_certificate_url"
        case 3: "trusted_ca_keys"
        case 4: "truncated_hmac"
        case 5: "status_request"
        case 6: "user_mapping"
        case 7: "client_authz"
        case 8: "server_authz"
        case 9: "cert_type"
        case 10: "supported_groups"
        case 11: "ec_point_formats"
        case 12: "srp"
        case 13: "signature_algorithms"
        case 14: "use_srtp"
        case 15: "heartbeat"
        case 16: "application_layer_protocol_negotiation"
        case 17: "status_request_v2"
        case 18: "signed_certificate_timestamp"
        case 19: "client_certificate_type"
        case 20: "server_certificate_type"
        case 21: "padding"
        case 22: "encrypt_then_mac"
        case 23: "extended_master_secret"
        case 24: "token_binding"
        case 25: "cached_info"
        case 26: "tls_lts"
        case 27: "compress_certificate"
        case 28: "record_size_limit"
        case 29: "pwd_protect"
        case 30: "pwd_clear"
        case 31: "password_salt"
        case 32: "ticket_pinning"
        case 33: "tls_cert_with_extern_psk"
        case 34: "delegated_credential"
        case 35: "session_ticket"
        case 36: "TLMSP"
        case 37: "TLMSP_proxying"
        case 38: "TLMSP_delegate"
        case 39: "supported_ekt_ciphers"
        case 41: "pre_shared_key"
        case 42: "early_data"
        case 43: "supported_versions"
        case 44: "cookie"
        case 45: "psk_key_exchange_modes"
        case 47: "certificate_authorities"
        case 48: "oid_filters"
        case 49: "post_handshake_auth"
        case 50: "signature_algorithms_cert"
        case 51: "key_share"
        case 52: "transparency_info"
        case 53: "connection_id-deprecated"
        case 54: "connection_id"
        case 55: "external_id_hash"
        case 56: "external_session_id"
        case 57: "quic_transport_parameters"
        case 58: "ticket_request"
        case 59: "dnssec_chain"
        case 60: "sequence_number_encryption_algorithms"
        case 61: "rrc"
        case 0xfd00: "ech_outer_extensions"
        case 0xfe0d: "encrypted_client_hello"
        case 0xff01: "renegotiation_info"
        // Reserved or unregistered, but common in captures:
        case 40: "key_share (draft)"                // TLS 1.3 drafts before draft-23
        case 0x3374: "next_protocol_negotiation"   // NPN, pre-ALPN Chrome/Firefox
        case 0x4469: "application_settings"        // ALPS (Chrome), old code point
        case 0x44cd: "application_settings"        // ALPS (Chrome), new code point
        case 0x754f: "channel_id"
        case 0xffce: "encrypted_server_name"       // ESNI drafts
        default: hex16(rawValue)
        }
    }
}

/// Named group (IANA "TLS Supported Groups"): `x25519`, `secp256r1`, ...
public struct NamedGroup: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let secp256r1 = NamedGroup(rawValue: 0x0017)
    public static let secp384r1 = NamedGroup(rawValue: 0x0018)
    public static let secp521r1 = NamedGroup(rawValue: 0x0019)
    public static let x25519 = NamedGroup(rawValue: 0x001d)
    public static let x448 = NamedGroup(rawValue: 0x001e)
    public static let ffdhe2048 = NamedGroup(rawValue: 0x0100)
    public static let x25519MLKEM768 = NamedGroup(rawValue: 0x11ec)

    public var isGREASE: Bool { isGREASEValue(rawValue) }

    /// Finite-field Diffie-Hellman groups (RFC 7919), usable only with DHE suites in TLS ≤ 1.2.
    public var isFiniteField: Bool { (0x0100...0x01ff).contains(rawValue) }

    public var description: String {
        switch rawValue {
        case 1: "sect163k1"
        case 2: "sect163r1"
        case 3: "sect163r2"
        case 4: "sect193r1"
        case 5: "sect193r2"
        case 6: "sect233k1"
        case 7: "sect233r1"
        case 8: "sect239k1"
        case 9: "sect283k1"
        case 10: "sect283r1"
        case 11: "sect409k1"
        case 12: "sect409r1"
        case 13: "sect571k1"
        case 14: "sect571r1"
        case 15: "secp160k1"
        case 16: "secp160r1"
        case 17: "secp160r2"
        case 18: "secp192k1"
        case 19: "secp192r1"
        case 20: "secp224k1"
        case 21: "secp224r1"
        case 22: "secp256k1"
        case 23: "secp256r1"
        case 24: "secp384r1"
        case 25: "secp521r1"
        case 26: "brainpoolP256r1"
        case 27: "brainpoolP384r1"
        case 28: "brainpoolP512r1"
        case 29: "x25519"
        case 30: "x448"
        case 31: "brainpoolP256r1tls13"
        case 32: "brainpoolP384r1tls13"
        case 33: "brainpoolP512r1tls13"
        case 34: "GC256A"
        case 35: "GC256B"
        case 36: "GC256C"
        case 37: "GC256D"
        case 38: "GC512A"
        case 39: "GC512B"
        case 40: "GC512C"
        case 41: "curveSM2"
        case 0x0100: "ffdhe2048"
        case 0x0101: "ffdhe3072"
        case 0x0102: "ffdhe4096"
        case 0x0103: "ffdhe6144"
        case 0x0104: "ffdhe8192"
        case 0x0200: "MLKEM512"
        case 0x0201: "MLKEM768"
        case 0x0202: "MLKEM1024"
        case 0x11eb: "SecP256r1MLKEM768"
        case 0x11ec: "X25519MLKEM768"
        case 0x11ed: "SecP384r1MLKEM1024"
        case 0x11ee: "curveSM2MLKEM768"
        case 0x6399: "X25519Kyber768Draft00"
        case 0x639a: "SecP256r1Kyber768Draft00"
        case 0xff01: "arbitrary_explicit_prime_curves"
        case 0xff02: "arbitrary_explicit_char2_curves"
        default: hex16(rawValue)
        }
    }
}

/// Signature scheme (IANA "TLS SignatureScheme"): `ecdsa_secp256r1_sha256`, ...
public struct SignatureScheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let rsaPKCS1SHA256 = SignatureScheme(rawValue: 0x0401)
    public static let ecdsaSecp256r1SHA256 = SignatureScheme(rawValue: 0x0403)
    public static let rsaPSSRSAESHA256 = SignatureScheme(rawValue: 0x0804)
    public static let ed25519 = SignatureScheme(rawValue: 0x0807)

    public var isGREASE: Bool { isGREASEValue(rawValue) }

    /// The IANA name; other TLS 1.2 (hash, signature) pairs (RFC 5246 §7.4.1.4.1) as `dsa_sha256`-style;
    /// else `0x0403`-style.
    public var description: String {
        switch rawValue {
        case 0x0201: "rsa_pkcs1_sha1"
        case 0x0203: "ecdsa_sha1"
        case 0x0401: "rsa_pkcs1_sha256"
        case 0x0403: "ecdsa_secp256r1_sha256"
        case 0x0420: "rsa_pkcs1_sha256_legacy"
        case 0x0501: "rsa_pkcs1_sha384"
        case 0x0503: "ecdsa_secp384r1_sha384"
        case 0x0520: "rsa_pkcs1_sha384_legacy"
        case 0x0601: "rsa_pkcs1_sha512"
        case 0x0603: "ecdsa_secp521r1_sha512"
        case 0x0620: "rsa_pkcs1_sha512_legacy"
        case 0x0704: "eccsi_sha256"
        case 0x0705: "iso_ibs1"
        case 0x0706: "iso_ibs2"
        case 0x0707: "iso_chinese_ibs"
        case 0x0708: "sm2sig_sm3"
        case 0x0709: "gostr34102012_256a"
        case 0x070a: "gostr34102012_256b"
        case 0x070b: "gostr34102012_256c"
        case 0x070c: "gostr34102012_256d"
        case 0x070d: "gostr34102012_512a"
        case 0x070e: "gostr34102012_512b"
        case 0x070f: "gostr34102012_512c"
        case 0x0804: "rsa_pss_rsae_sha256"
        case 0x0805: "rsa_pss_rsae_sha384"
        case 0x0806: "rsa_pss_rsae_sha512"
        case 0x0807: "ed25519"
        case 0x0808: "ed448"
        case 0x0809: "rsa_pss_pss_sha256"
        case 0x080a: "rsa_pss_pss_sha384"
        case 0x080b: "rsa_pss_pss_sha512"
        case 0x081a: "ecdsa_brainpoolP256r1tls13_sha256"
        case 0x081b: "ecdsa_brainpoolP384r1tls13_sha384"
        case 0x081c: "ecdsa_brainpoolP512r1tls13_sha512"
        case 0x0904: "mldsa44"
        case 0x0905: "mldsa65"
        case 0x0906: "mldsa87"
        default: legacyPairName ?? hex16(rawValue)
        }
    }

    /// RFC 5246 HashAlgorithm (md5 1 ... sha512 6) and SignatureAlgorithm (rsa 1, dsa 2, ecdsa 3).
    private var legacyPairName: String? {
        let hashes = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]
        let signatures = ["rsa", "dsa", "ecdsa"]
        let hash = Int(rawValue >> 8), signature = Int(rawValue & 0xff)
        guard (1...6).contains(hash), (1...3).contains(signature) else { return nil }
        return "\(signatures[signature - 1])_\(hashes[hash - 1])"
    }
}

/// `0x1301`-style, four lower-case hex digits.
func hex16(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
