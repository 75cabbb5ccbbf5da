// Recognizing what a peer spoke instead of TLS, and finding where TLS starts after a STARTTLS-style upgrade.

enum NonTLS {
    /// PostgreSQL SSLRequest: int32 length 8, int32 code 80877103 (protocol docs, "SSL Session Encryption").
    static let postgresSSLRequest: [UInt8] = [0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f]
    /// The preview covers at most this many bytes of the stream.
    static let previewBytes = 64
    /// After `notTLS`, a STARTTLS switch is looked for this far into the stream.
    static let startTLSScanLimit = 64 * 1024

    /// Where the preview of a non-TLS stream's first bytes ends, or nil when more bytes are needed to say.
    /// It ends after the first line (`\n`), before a TLS ClientHello/ServerHello record (PostgreSQL's 'S' reply),
    /// after a complete PostgreSQL SSLRequest, or at `previewBytes`. The result depends only on the bytes,
    /// never on how they were split into feeds.
    static func previewEnd(_ bytes: [UInt8]) -> Int? {
        let requestPrefix = min(bytes.count, postgresSSLRequest.count)
        if bytes.prefix(requestPrefix).elementsEqual(postgresSSLRequest.prefix(requestPrefix)) {
            return bytes.count >= postgresSSLRequest.count ? postgresSSLRequest.count : nil
        }
        var index = 0
        while index < bytes.count {
            if index == previewBytes { return index }
            switch helloRecordStart(bytes, at: index) {
            case .yes: return index
            case .needMore: return nil
            case .no: break
            }
            if bytes[index] == 0x0a { return index + 1 }
            index += 1
        }
        return bytes.count >= previewBytes ? previewBytes : nil
    }

    /// A TLS handshake record header (`16 03 0x LL LL`) whose first message is a ClientHello or ServerHello:
    /// where TLS starts after STARTTLS, PostgreSQL's 'S', or an HTTP CONNECT.
    static func helloRecordStart<C: RandomAccessCollection>(_ bytes: C, at offset: Int) -> SSLv2.Plausibility
    where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + offset
        let available = bytes.endIndex - base
        // `16 03 0x`, byte by byte: a short input that matches so far needs more. (Checked without a table of
        // closures: this runs at every offset of a non-TLS stream's first 64 KiB.)
        for i in 0..<3 {
            guard i < available else { return .needMore }
            let byte = bytes[base + i]
            let fits = switch i {
            case 0: byte == 0x16
            case 1: byte == 0x03
            default: byte <= 0x04
            }
            if !fits { return .no }
        }
        guard available >= 6 else { return .needMore }
        let length = Int(bytes[base + 3]) << 8 | Int(bytes[base + 4])
        guard length >= 4, length <= RecordHeader.maxLength else { return .no }
        return bytes[base + 5] == 1 || bytes[base + 5] == 2 ? .yes : .no
    }

    /// Names the protocol from its first bytes.
    static func identify(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes.prefix(previewBytes), as: UTF8.self)
        let upper = text.uppercased()
        if bytes.starts(with: postgresSSLRequest) { return "PostgreSQL" }
        if bytes.count == 1, bytes.first == UInt8(ascii: "S") || bytes.first == UInt8(ascii: "N") {
            return "PostgreSQL"  // the server's answer to SSLRequest: 'S' (go ahead with TLS) or 'N'
        }
        let httpMethods = ["GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "]
        if text.hasPrefix("HTTP/") || httpMethods.contains(where: text.hasPrefix) { return "HTTP" }
        if upper.hasPrefix("<!DOCTYPE HTML") || upper.hasPrefix("<HTML") { return "HTTP" }  // HTTP/0.9-style body
        if text.hasPrefix("SSH-") { return "SSH" }
        if text.hasPrefix("220 ") || text.hasPrefix("220-") {
            return upper.contains("FTP") && !upper.contains("SMTP") ? "FTP" : "SMTP"
        }
        if upper.hasPrefix("EHLO ") || upper.hasPrefix("HELO ") { return "SMTP" }
        if text.hasPrefix("+OK") { return "POP3" }
        if text.hasPrefix("* OK") { return "IMAP" }
        return "unknown"
    }

    /// Printable ASCII kept, `\r` `\n` `\t` escaped, other bytes as `\xNN`; at most 64 characters.
    static func preview(_ bytes: ArraySlice<UInt8>) -> String {
        let hexDigits = Array("0123456789abcdef")
        var result = ""
        for byte in bytes {
            let piece: String
            switch byte {
            case 0x0d: piece = "\\r"
            case 0x0a: piece = "\\n"
            case 0x09: piece = "\\t"
            case 0x5c: piece = "\\\\"
            case 0x20...0x7e: piece = String(UnicodeScalar(byte))
            default: piece = "\\x" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0xf)])
            }
            if result.count + piece.count > previewBytes { break }
            result += piece
        }
        return result
    }
}
