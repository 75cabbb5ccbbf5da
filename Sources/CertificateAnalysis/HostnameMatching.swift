/// RFC 6125 / RFC 9525 host name checks, the way OpenSSL's X509_check_host and X509_check_ip behave by default.
///
/// - Names compare case-insensitively in ASCII only; one trailing dot on either side is ignored.
/// - An IP-literal host matches only iPAddress SANs (octets compared, so `2001:DB8::1` equals `2001:db8:0::1`);
///   never a dNSName or the CN (RFC 9525 §6.3).
/// - A DNS host matches the dNSName SANs; the subject CN is consulted only when the certificate has no dNSName SAN
///   at all (iPAddress SANs do not count), giving `.commonNameOnly`.
/// - A wildcard is accepted only as the whole left-most label followed by at least two labels (`*.example.com`);
///   it stands for exactly one non-empty label. Partial wildcards (`f*.example.com`, `*x.example.com`) and
///   wildcards elsewhere (`a.*.example.com`) never match: RFC 9525 §6.3 drops them and most clients refuse them.
/// - Internationalized names are compared in their A-label (`xn--`) form, as written in the certificate; this module
///   does not convert U-labels.
enum HostnameRules {
    static func match(hostname: String, certificate: CertificateSummary) -> HostnameMatch {
        let presented = presentedNames(certificate)
        if let address = IPAddressText.parse(hostname) {
            for text in certificate.ipAddresses where IPAddressText.parse(text) == address {
                return .subjectAltName(text)
            }
            return .mismatch(presented: presented)
        }
        let host = normalized(hostname)
        guard !host.isEmpty else { return .mismatch(presented: presented) }
        if !certificate.dnsNames.isEmpty {
            for name in certificate.dnsNames where matches(pattern: name, host: host) {
                return .subjectAltName(name)
            }
            return .mismatch(presented: presented)
        }
        if let commonName = certificate.subjectCommonName, matches(pattern: commonName, host: host) {
            return .commonNameOnly(commonName)
        }
        return .mismatch(presented: presented)
    }

    /// What the certificate covers for a client: its SANs, plus the CN when there is no dNSName SAN.
    static func presentedNames(_ certificate: CertificateSummary) -> [String] {
        var names = certificate.dnsNames
        if names.isEmpty, let commonName = certificate.subjectCommonName { names.append(commonName) }
        return names + certificate.ipAddresses
    }

    static func matches(pattern rawPattern: String, host: String) -> Bool {
        let pattern = normalized(rawPattern)
        guard !pattern.isEmpty else { return false }
        guard pattern.contains("*") else { return pattern == host }
        // Only "*.<at least two labels>", the star alone in the left-most label.
        guard pattern.hasPrefix("*.") else { return false }
        let suffix = pattern.dropFirst(2)
        guard !suffix.contains("*"), suffix.contains("."), !suffix.hasPrefix("."),
            let firstDot = host.firstIndex(of: ".")
        else { return false }
        return firstDot > host.startIndex && host[host.index(after: firstDot)...] == suffix
    }

    /// ASCII-lowercased, without one trailing dot.
    static func normalized(_ name: String) -> String {
        let lowered = NameText.asciiLowercased(name)
        return lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }
}
