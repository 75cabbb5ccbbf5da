// The NSS key log format (SSLKEYLOGFILE), as OpenSSL, BoringSSL, GnuTLS, NSS, curl and browsers write it:
// one `<label> <client_random hex> <secret hex>` per line, `#` comments. Labels:
//   CLIENT_RANDOM                     TLS ≤ 1.2: the 48-byte master secret
//   CLIENT_EARLY_TRAFFIC_SECRET       TLS 1.3 (RFC 8446 §7.1), one per secret, as long as the suite's hash
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET
//   CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, EXPORTER_SECRET
// Other labels (RSA, EARLY_EXPORTER_SECRET, ...) are counted as ignored.

/// Secrets from an NSS key log, keyed by the ClientHello's random. Pure: parses bytes; the caller reads the file.
public struct KeyLog: Sendable {
    /// What the key log holds for one connection (one client random).
    public struct Secrets: Sendable, Hashable {
        /// TLS ≤ 1.2 master secret (48 bytes).
        public var masterSecret: [UInt8]?
        public var clientEarlyTrafficSecret: [UInt8]?
        public var clientHandshakeTrafficSecret: [UInt8]?
        public var serverHandshakeTrafficSecret: [UInt8]?
        public var clientTrafficSecret0: [UInt8]?
        public var serverTrafficSecret0: [UInt8]?
        public var exporterSecret: [UInt8]?

        public init() {}
    }

    public private(set) var secrets: [[UInt8]: Secrets] = [:]
    /// Lines with a known label whose fields are not hex of the right length (or are missing).
    public private(set) var badLines = 0
    /// Lines with a label this tool does not use.
    public private(set) var ignoredLines = 0
    /// Lines that set a secret.
    public private(set) var usableLines = 0

    /// A secret is at most a SHA-384 output; the master secret is exactly 48 bytes.
    static let maxSecretLength = 64

    public init() {}

    /// Parses key log text. Malformed lines are counted in `badLines`, never fatal.
    public init<Bytes: Collection>(parsing bytes: Bytes) where Bytes.Element == UInt8 {
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            parseLine(Array(line))
        }
    }

    /// Number of connections (client randoms) with at least one secret.
    public var count: Int { secrets.count }
    public var isEmpty: Bool { secrets.isEmpty }

    /// The secrets logged for the connection whose ClientHello carried `clientRandom`.
    public subscript(clientRandom clientRandom: [UInt8]) -> Secrets? {
        secrets[clientRandom]
    }

    private mutating func parseLine(_ line: [UInt8]) {
        var text = line[...]
        while let last = text.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            text = text.dropLast()
        }
        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { text = text.dropFirst() }
        if text.isEmpty || text.first == UInt8(ascii: "#") { return }
        let fields = text.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        let label = String(decoding: fields[0], as: UTF8.self)
        let setter: ((inout Secrets, [UInt8]) -> Void)?
        switch label {
        case "CLIENT_RANDOM": setter = { $0.masterSecret = $1 }
        case "CLIENT_EARLY_TRAFFIC_SECRET": setter = { $0.clientEarlyTrafficSecret = $1 }
        case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": setter = { $0.clientHandshakeTrafficSecret = $1 }
        case "SERVER_HANDSHAKE_TRAFFIC_SECRET": setter = { $0.serverHandshakeTrafficSecret = $1 }
        case "CLIENT_TRAFFIC_SECRET_0": setter = { $0.clientTrafficSecret0 = $1 }
        case "SERVER_TRAFFIC_SECRET_0": setter = { $0.serverTrafficSecret0 = $1 }
        case "EXPORTER_SECRET": setter = { $0.exporterSecret = $1 }
        default: setter = nil
        }
        guard let setter else {
            if fields.count == 3, fields[0].allSatisfy(Self.isLabelCharacter) { ignoredLines += 1 } else { badLines += 1 }
            return
        }
        guard fields.count == 3, let random = Self.hex(fields[1]), random.count == 32,
              let secret = Self.hex(fields[2]), !secret.isEmpty, secret.count <= Self.maxSecretLength,
              label != "CLIENT_RANDOM" || secret.count == 48 else {
            badLines += 1
            return
        }
        setter(&secrets[random, default: Secrets()], secret)
        usableLines += 1
    }

    private static func isLabelCharacter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_")
    }

    /// Hex digits (either case) to bytes; nil for an odd count or a non-hex character.
    static func hex(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
