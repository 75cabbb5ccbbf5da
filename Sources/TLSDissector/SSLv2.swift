import WireFormat

// The SSLv2 record format: a CLIENT-HELLO in it opens old TLS clients' connections (RFC 5246 Appendix E.2),
// and real SSL 2.0 servers answer with a SERVER-HELLO (draft-hickman-netscape-ssl-00).

enum SSLv2 {
    static let clientHello: UInt8 = 1
    static let clientMasterKey: UInt8 = 2
    static let serverHello: UInt8 = 4

    /// A record header (Appendix E.2): with the high bit set, 2 bytes and a 15-bit length; else 3 bytes
    /// (the third is the padding length) and a 14-bit length.
    static func header(_ b0: UInt8, _ b1: UInt8) -> (headerLength: Int, length: Int) {
        if b0 & 0x80 != 0 { return (2, Int(b0 & 0x7f) << 8 | Int(b1)) }
        return (3, Int(b0 & 0x3f) << 8 | Int(b1))
    }

    enum Plausibility { case yes, no, needMore }

    /// Whether a stream's first bytes are an SSLv2 CLIENT-HELLO or SERVER-HELLO record.
    static func startsHello(_ head: [UInt8]) -> Plausibility {
        guard let b0 = head.first else { return .needMore }
        guard b0 & 0x80 != 0 else { return .no }
        guard head.count >= 3 else { return .needMore }
        let length = Int(b0 & 0x7f) << 8 | Int(head[1])
        switch head[2] {
        case clientHello:
            // msg_type, version, three 2-byte lengths.
            guard length >= 9 else { return .no }
            guard head.count >= 5 else { return .needMore }
            let major = head[3], minor = head[4]
            return (major == 0 && minor == 2) || (major == 3 && minor <= 4) ? .yes : .no
        case serverHello:
            // msg_type, session_id_hit, certificate_type, version 0x0002, three 2-byte lengths.
            guard length >= 11 else { return .no }
            guard head.count >= 7 else { return .needMore }
            return head[3] <= 1 && head[5] == 0 && head[6] == 2 ? .yes : .no
        default:
            return .no
        }
    }

    /// RFC 5246 Appendix E.2:
    ///     uint8 msg_type; Version version; uint16 cipher_spec_length; uint16 session_id_length;
    ///     uint16 challenge_length; V2CipherSpec cipher_specs[cipher_spec_length];
    ///     opaque session_id[session_id_length]; opaque challenge[challenge_length];
    /// Cipher specs are 3 bytes; those whose first byte is 0 are TLS suites (kept in `cipherSuites`), the
    /// others are SSL 2.0 kinds (kept in `sslv2CipherSpecs`).
    static func parseClientHello(_ body: ArraySlice<UInt8>) throws(TLSParseError) -> ClientHello {
        var cursor = ByteCursor(body)
        guard cursor.readInteger(as: UInt8.self) == clientHello,
              let version = cursor.readInteger(as: UInt16.self),
              let specLength = cursor.readInteger(as: UInt16.self),
              let sessionIDLength = cursor.readInteger(as: UInt16.self),
              let challengeLength = cursor.readInteger(as: UInt16.self) else {
            throw malformedHandshake("SSLv2 CLIENT-HELLO of \(body.count) bytes ends inside its fixed fields")
        }
        guard specLength % 3 == 0 else {
            throw malformedHandshake("SSLv2 CLIENT-HELLO cipher_spec_length \(specLength) is not a multiple of 3")
        }
        guard sessionIDLength <= 32, challengeLength <= 32 else {
            throw malformedHandshake(
                "SSLv2 CLIENT-HELLO session_id_length \(sessionIDLength) or challenge_length \(challengeLength) exceeds 32")
        }
        guard let specs = cursor.readSlice(length: Int(specLength)),
              cursor.readSlice(length: Int(sessionIDLength)) != nil,
              cursor.readSlice(length: Int(challengeLength)) != nil, cursor.isEmpty else {
            throw malformedHandshake("SSLv2 CLIENT-HELLO lengths do not add up to its \(body.count) bytes")
        }
        var hello = ClientHello()
        hello.isSSLv2Format = true
        hello.legacyVersion = ProtocolVersion(rawValue: version)
        hello.sessionIDLength = Int(sessionIDLength)
        splitCipherSpecs(specs, suites: &hello.cipherSuites, others: &hello.sslv2CipherSpecs)
        return hello
    }

    /// SERVER-HELLO (draft-hickman-netscape-ssl-00 §2.5): msg_type, session_id_hit, certificate_type,
    /// server_version(2), certificate_length(2), cipher_specs_length(2), connection_id_length(2), then the
    /// certificate, the cipher specs and the connection id. Returns the hello and the certificate (when X.509).
    static func parseServerHello(_ body: ArraySlice<UInt8>) throws(TLSParseError) -> (ServerHello, [UInt8]?) {
        var cursor = ByteCursor(body)
        guard cursor.readInteger(as: UInt8.self) == serverHello,
              cursor.readInteger(as: UInt8.self) != nil,
              let certificateType = cursor.readInteger(as: UInt8.self),
              let version = cursor.readInteger(as: UInt16.self),
              let certificateLength = cursor.readInteger(as: UInt16.self),
              let specLength = cursor.readInteger(as: UInt16.self),
              let connectionIDLength = cursor.readInteger(as: UInt16.self) else {
            throw malformedHandshake("SSLv2 SERVER-HELLO of \(body.count) bytes ends inside its fixed fields")
        }
        guard specLength % 3 == 0 else {
            throw malformedHandshake("SSLv2 SERVER-HELLO cipher_specs_length \(specLength) is not a multiple of 3")
        }
        guard let certificate = cursor.readSlice(length: Int(certificateLength)),
              let specs = cursor.readSlice(length: Int(specLength)),
              cursor.readSlice(length: Int(connectionIDLength)) != nil, cursor.isEmpty else {
            throw malformedHandshake("SSLv2 SERVER-HELLO lengths do not add up to its \(body.count) bytes")
        }
        var hello = ServerHello()
        hello.isSSLv2Format = true
        hello.legacyVersion = ProtocolVersion(rawValue: version)
        var index = specs.startIndex
        while index + 2 < specs.endIndex {
            hello.sslv2CipherSpecs.append(UInt32(specs[index]) << 16 | UInt32(specs[index + 1]) << 8 | UInt32(specs[index + 2]))
            index += 3
        }
        // SSL_CT_X509_CERTIFICATE = 1
        return (hello, certificateType == 1 && !certificate.isEmpty ? Array(certificate) : nil)
    }

    private static func splitCipherSpecs(
        _ specs: ArraySlice<UInt8>, suites: inout [CipherSuite], others: inout [UInt32]
    ) {
        var index = specs.startIndex
        while index + 2 < specs.endIndex {
            let kind = UInt32(specs[index]) << 16 | UInt32(specs[index + 1]) << 8 | UInt32(specs[index + 2])
            if specs[index] == 0 {
                suites.append(CipherSuite(rawValue: UInt16(kind)))
            } else {
                others.append(kind)
            }
            index += 3
        }
    }
}
