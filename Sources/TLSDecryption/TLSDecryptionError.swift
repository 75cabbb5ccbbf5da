/// Why a record (or a connection) could not be decrypted.
public struct TLSDecryptionError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The negotiated suite's cipher is not one this module implements (AES-CCM, 3DES, RC4, ...).
        public static let unsupportedCipherSuite = Code(rawValue: "unsupported cipher suite")
        public static let unsupportedVersion = Code(rawValue: "unsupported version")
        /// The key log lacks a secret this connection needs.
        public static let missingSecret = Code(rawValue: "missing secret")
        /// No key applies to this record yet (TLS ≤ 1.2 before ChangeCipherSpec), or any more (renegotiation,
        /// a TLS 1.0 CBC record lost in a gap).
        public static let notActive = Code(rawValue: "no key for this record")
        /// The AEAD tag or the record MAC did not verify: wrong keys, or altered bytes.
        public static let authenticationFailed = Code(rawValue: "authentication failed")
        /// Too short for the cipher's overhead, or not whole blocks.
        public static let malformedRecord = Code(rawValue: "malformed record")
        /// A TLS 1.3 client record before its first decryptable one when the client offered early data:
        /// most likely 0-RTT data under the early secret. Sequence numbers are unchanged.
        public static let earlyData = Code(rawValue: "early data")
    }

    public var code: Code
    public var detail: String
    public init(code: Code, detail: String) { self.code = code; self.detail = detail }
    public var description: String { detail.isEmpty ? code.rawValue : "\(code.rawValue): \(detail)" }
}
