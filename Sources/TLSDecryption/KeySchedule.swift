// Key derivation: TLS 1.3 traffic keys from a traffic secret (RFC 8446 §7.1, §7.3), and the TLS ≤ 1.2
// key block from the master secret (RFC 5246 §5 and §6.3; RFC 2246 §5 for TLS 1.0/1.1).

public enum KeySchedule {
    /// HKDF-Expand-Label (RFC 8446 §7.1):
    ///     struct { uint16 length = Length; opaque label<7..255> = "tls13 " + Label;
    ///              opaque context<0..255> = Context; } HkdfLabel;
    public static func hkdfExpandLabel(_ hash: HashAlgorithm, secret: [UInt8], label: String, context: [UInt8] = [],
                                       length: Int) -> [UInt8] {
        let fullLabel = Array("tls13 \(label)".utf8)
        var info: [UInt8] = [UInt8(length >> 8 & 0xff), UInt8(length & 0xff), UInt8(fullLabel.count)]
        info += fullLabel
        info.append(UInt8(context.count))
        info += context
        return Primitives.hkdfExpand(hash, secret: secret, info: info, length: length)
    }

    /// `[sender]_write_key` and `[sender]_write_iv` from a traffic secret (RFC 8446 §7.3).
    public static func trafficKeys(_ hash: HashAlgorithm, secret: [UInt8], keyLength: Int) -> (key: [UInt8], iv: [UInt8]) {
        (hkdfExpandLabel(hash, secret: secret, label: "key", length: keyLength),
         hkdfExpandLabel(hash, secret: secret, label: "iv", length: 12))
    }

    /// The next application traffic secret after a KeyUpdate (RFC 8446 §7.2).
    public static func nextTrafficSecret(_ hash: HashAlgorithm, secret: [UInt8]) -> [UInt8] {
        hkdfExpandLabel(hash, secret: secret, label: "traffic upd", length: hash.outputLength)
    }

    /// The TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed).
    public static func prf12(_ hash: HashAlgorithm, secret: [UInt8], label: String, seed: [UInt8], length: Int) -> [UInt8] {
        pHash(hash, secret: secret[...], seed: Array(label.utf8) + seed, length: length)
    }

    /// The TLS 1.0/1.1 PRF (RFC 2246 §5): P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed), the secret
    /// split in two halves that share a middle byte when its length is odd.
    public static func prf10(secret: [UInt8], label: String, seed: [UInt8], length: Int) -> [UInt8] {
        let half = (secret.count + 1) / 2
        let labelSeed = Array(label.utf8) + seed
        let md5 = pHash(.md5, secret: secret.prefix(half), seed: labelSeed, length: length)
        let sha1 = pHash(.sha1, secret: secret.suffix(half), seed: labelSeed, length: length)
        return zip(md5, sha1).map { $0 ^ $1 }
    }

    /// P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ..., A(i) = HMAC(secret, A(i-1)).
    static func pHash(_ hash: HashAlgorithm, secret: ArraySlice<UInt8>, seed: [UInt8], length: Int) -> [UInt8] {
        let key = Array(secret)
        var output: [UInt8] = []
        output.reserveCapacity(length + hash.outputLength)
        var a = seed
        while output.count < length {
            a = Primitives.hmac(hash, key: key, [a[...]])
            output += Primitives.hmac(hash, key: key, [a[...], seed[...]])
        }
        return Array(output.prefix(length))
    }

    /// The TLS ≤ 1.2 key block (RFC 5246 §6.3): PRF(master_secret, "key expansion", server_random + client_random),
    /// cut into MAC keys, write keys and IVs, client's first.
    static func tls12KeyBlock(version: ProtocolVersionNumber, suite: SuiteParameters, masterSecret: [UInt8],
                              clientRandom: [UInt8], serverRandom: [UInt8]) -> (client: DirectionKeys, server: DirectionKeys) {
        let macLength = suite.macLength
        let keyLength = suite.cipher.keyLength
        let ivLength = suite.tls12FixedIVLength
        let total = 2 * (macLength + keyLength + ivLength)
        let seed = serverRandom + clientRandom
        let block = version >= 0x0303
            ? prf12(suite.tls12PRFHash, secret: masterSecret, label: "key expansion", seed: seed, length: total)
            : prf10(secret: masterSecret, label: "key expansion", seed: seed, length: total)
        var offset = 0
        func take(_ count: Int) -> [UInt8] {
            defer { offset += count }
            return Array(block[offset..<offset + count])
        }
        let clientMAC = take(macLength), serverMAC = take(macLength)
        let clientKey = take(keyLength), serverKey = take(keyLength)
        let clientIV = take(ivLength), serverIV = take(ivLength)
        return (DirectionKeys(macKey: clientMAC, key: clientKey, iv: clientIV),
                DirectionKeys(macKey: serverMAC, key: serverKey, iv: serverIV))
    }
}

typealias ProtocolVersionNumber = UInt16

/// One direction's TLS ≤ 1.2 keys.
struct DirectionKeys: Sendable {
    var macKey: [UInt8]
    var key: [UInt8]
    var iv: [UInt8]
}
