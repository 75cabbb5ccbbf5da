// The only file that touches swift-crypto (whose API speaks Foundation's DataProtocol): HMAC, HKDF-Expand,
// AEAD open and AES-CBC, over byte arrays.
import Foundation
import Crypto
import _CryptoExtras

enum Primitives {
    static func hmac(_ hash: HashAlgorithm, key: [UInt8], _ parts: [ArraySlice<UInt8>]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch hash {
        case .md5: return mac(Insecure.MD5.self, key, parts)
        case .sha1: return mac(Insecure.SHA1.self, key, parts)
        case .sha256: return mac(SHA256.self, key, parts)
        case .sha384: return mac(SHA384.self, key, parts)
        }
    }

    private static func mac<H: HashFunction>(_: H.Type, _ key: SymmetricKey, _ parts: [ArraySlice<UInt8>]) -> [UInt8] {
        var hmac = HMAC<H>(key: key)
        for part in parts { hmac.update(data: part) }
        return Array(hmac.finalize())
    }

    /// HKDF-Expand (RFC 5869 §2.3).
    static func hkdfExpand(_ hash: HashAlgorithm, secret: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        let key: SymmetricKey
        switch hash {
        case .md5: key = HKDF<Insecure.MD5>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        case .sha1: key = HKDF<Insecure.SHA1>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        case .sha256: key = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        case .sha384: key = HKDF<SHA384>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        }
        return key.withUnsafeBytes { Array($0) }
    }
}

/// A record key, ready to open records: AES-GCM or ChaCha20-Poly1305 (AEAD), or AES-CBC.
struct CipherKey: Sendable {
    let cipher: BulkCipher
    /// Kept as bytes: swift-crypto's SymmetricKey is not Sendable. A SymmetricKey is made per record.
    let bytes: [UInt8]

    init(_ cipher: BulkCipher, key: [UInt8]) {
        self.cipher = cipher
        self.bytes = key
    }

    private var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// AEAD open: the plaintext, or nil when the tag does not verify. `sealed` is ciphertext followed by the
    /// 16-byte tag, at least 16 bytes long.
    func open(_ sealed: ArraySlice<UInt8>, nonce: [UInt8], additionalData: [UInt8]) -> [UInt8]? {
        guard sealed.count >= 16 else { return nil }
        let ciphertext = sealed.dropLast(16)
        let tag = sealed.suffix(16)
        switch cipher {
        case .aesGCM:
            guard let nonce = try? AES.GCM.Nonce(data: nonce),
                  let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag),
                  let plaintext = try? AES.GCM.open(box, using: key, authenticating: additionalData) else { return nil }
            return Array(plaintext)
        case .chaCha20Poly1305:
            guard let nonce = try? ChaChaPoly.Nonce(data: nonce),
                  let box = try? ChaChaPoly.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag),
                  let plaintext = try? ChaChaPoly.open(box, using: key, authenticating: additionalData) else { return nil }
            return Array(plaintext)
        case .aesCBC:
            return nil
        }
    }

    /// AES-CBC decryption without removing padding; nil unless `ciphertext` is whole blocks.
    func decryptCBC(_ ciphertext: ArraySlice<UInt8>, iv: ArraySlice<UInt8>) -> [UInt8]? {
        guard case .aesCBC = cipher, !ciphertext.isEmpty, ciphertext.count.isMultiple(of: 16), iv.count == 16,
              let iv = try? AES._CBC.IV(ivBytes: iv),
              let plaintext = try? AES._CBC.decrypt(ciphertext, using: key, iv: iv, noPadding: true) else { return nil }
        return Array(plaintext)
    }
}
