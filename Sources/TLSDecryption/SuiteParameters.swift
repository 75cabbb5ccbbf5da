import TLSDissector

/// The hash a suite names: its PRF / HKDF hash, and for CBC suites the record MAC's hash.
public enum HashAlgorithm: Sendable, Hashable {
    case md5, sha1, sha256, sha384

    public var outputLength: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        }
    }
}

/// The bulk cipher of a suite, as far as this module can decrypt it.
public enum BulkCipher: Sendable, Hashable {
    case aesGCM(keyLength: Int)
    case chaCha20Poly1305
    case aesCBC(keyLength: Int)

    var keyLength: Int {
        switch self {
        case .aesGCM(let length), .aesCBC(let length): length
        case .chaCha20Poly1305: 32
        }
    }
}

/// What decrypting a suite's records needs, read from its IANA name: `TLS_AES_128_GCM_SHA256` (TLS 1.3),
/// `TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`, `TLS_RSA_WITH_AES_128_CBC_SHA` (TLS ≤ 1.2). AES-CCM, ARIA,
/// Camellia, 3DES, RC4 and SM4 suites are not supported (nil).
public struct SuiteParameters: Sendable, Hashable {
    public var cipher: BulkCipher
    /// The hash in the suite's name: the TLS 1.2 PRF / TLS 1.3 HKDF hash for AEAD suites, the MAC for CBC.
    public var hash: HashAlgorithm

    public init(cipher: BulkCipher, hash: HashAlgorithm) {
        self.cipher = cipher
        self.hash = hash
    }

    public init?(_ suite: CipherSuite) {
        guard let name = suite.ianaName, name.hasPrefix("TLS_") else { return nil }
        // The part after `_WITH_` (TLS ≤ 1.2) or after `TLS_` (TLS 1.3 suites have no key exchange).
        let tail: Substring
        if let with = name.firstRange(of: "_WITH_") {
            tail = name[with.upperBound...]
        } else {
            tail = name.dropFirst(4)
        }
        let ciphers: [(String, BulkCipher)] = [
            ("AES_128_GCM_", .aesGCM(keyLength: 16)), ("AES_256_GCM_", .aesGCM(keyLength: 32)),
            ("CHACHA20_POLY1305_", .chaCha20Poly1305),
            ("AES_128_CBC_", .aesCBC(keyLength: 16)), ("AES_256_CBC_", .aesCBC(keyLength: 32)),
        ]
        guard let (prefix, cipher) = ciphers.first(where: { tail.hasPrefix($0.0) }) else { return nil }
        let hashes: [String: HashAlgorithm] = ["SHA": .sha1, "SHA256": .sha256, "SHA384": .sha384]
        guard let hash = hashes[String(tail.dropFirst(prefix.count))] else { return nil }
        if case .aesCBC = cipher {} else if hash == .sha1 { return nil }
        self.init(cipher: cipher, hash: hash)
    }

    /// The TLS 1.2 PRF hash (RFC 5246 §5: SHA-256 unless the suite names SHA-384).
    var tls12PRFHash: HashAlgorithm { hash == .sha384 ? .sha384 : .sha256 }

    var macLength: Int {
        if case .aesCBC = cipher { return hash.outputLength }
        return 0
    }

    /// TLS ≤ 1.2 key-block IV length: the GCM salt (RFC 5288 §3), ChaCha's whole nonce (RFC 7905 §2), or the
    /// CBC IV (used by TLS 1.0 only).
    var tls12FixedIVLength: Int {
        switch cipher {
        case .aesGCM: 4
        case .chaCha20Poly1305: 12
        case .aesCBC: 16
        }
    }
}
