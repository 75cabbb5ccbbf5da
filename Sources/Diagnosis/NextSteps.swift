import TLSDissector
import CertificateAnalysis

/// Concrete checks and fixes per cause: the command that confirms it, the setting that changes it.
/// Commands name the server as the capture saw it; SNI is quoted because it is untrusted text.
enum NextSteps {
    static func connect(_ o: ConnectionObservation) -> String {
        var command = "openssl s_client -connect \(o.server)"
        if let sni = o.clientHello?.serverName { command += " -servername '\(shellSafe(sni))'" }
        return command
    }

    /// Keeps a name usable inside single quotes in a suggested command.
    /// Printable ASCII other than `'` is kept; UTF-8 encodes every other scalar in bytes ≥ 0x80, which go too.
    static func shellSafe(_ text: String) -> String {
        if text.utf8.allSatisfy(isShellSafe) { return text }
        return String(decoding: text.utf8.filter(isShellSafe), as: UTF8.self)
    }

    private static func isShellSafe(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "'") }

    static func versionMismatch(_ o: ConnectionObservation) -> [String] {
        ["See which versions the server accepts: `\(connect(o)) -tls1_2` and `-tls1_3` (and `nmap --script ssl-enum-ciphers -p \(o.server.port) \(o.server.address)`).",
         "Upgrade or reconfigure the client to offer TLS 1.2 or 1.3 (old Java: `-Dhttps.protocols=TLSv1.2,TLSv1.3`); only as a stopgap re-enable the old version on the server (nginx `ssl_protocols`, Apache `SSLProtocol`)."]
    }

    static func cipherMismatch(_ o: ConnectionObservation) -> [String] {
        ["List what the server accepts: `nmap --script ssl-enum-ciphers -p \(o.server.port) \(o.server.address)`; try one suite: `\(connect(o)) -cipher ECDHE-RSA-AES128-GCM-SHA256`.",
         "Add a suite both sides support to the server (nginx `ssl_ciphers`, Apache `SSLCipherSuite`, and groups in `ssl_ecdh_curve`), or update the client (old Java 8 lacks ECDHE/GCM without updates)."]
    }

    static func unknownCA(_ o: ConnectionObservation) -> [String] {
        ["See the chain the server sends and where it ends: `\(connect(o)) -showcerts </dev/null`.",
         "Serve a certificate from a CA the clients trust, or add the issuing root to the client's trust store (`update-ca-certificates`, Java `keytool -importcert`, curl `--cacert`)."]
    }

    static func incompleteChain(_ o: ConnectionObservation) -> [String] {
        ["Confirm the chain is short: `\(connect(o)) -showcerts </dev/null` lists only the leaf.",
         "Serve the full chain, leaf first then the intermediate(s): nginx `ssl_certificate` must point to the bundle (`cat leaf.pem intermediate.pem > fullchain.pem`), Apache `SSLCertificateChainFile`/full-chain `SSLCertificateFile`."]
    }

    static func expired(_ o: ConnectionObservation, _ findings: CertificateFindings) -> [String] {
        ["Check the dates the server serves now: `\(connect(o)) </dev/null | openssl x509 -noout -dates -subject`.",
         "Renew the certificate and reload the server (certbot/ACME: check the renewal timer and that the server reloads afterwards); check the client's clock if the dates look right."]
    }

    static func hostnameMismatch(_ o: ConnectionObservation, _ findings: CertificateFindings) -> [String] {
        ["See the names the certificate covers: `\(connect(o)) </dev/null | openssl x509 -noout -ext subjectAltName -subject`.",
         "Issue a certificate whose subjectAltName lists the name clients use (a wildcard `*.example.com` covers one label only, and the CN alone is ignored), or point clients at a name it covers."]
    }

    static func missingSNI(_ o: ConnectionObservation) -> [String] {
        ["Compare with SNI: `openssl s_client -connect \(o.server) -servername NAME` versus without `-servername`.",
         "Make the client send SNI (connect by host name, not IP; old Java: `-Djsse.enableSNIExtension=true`; HAProxy/nginx upstreams: `proxy_ssl_server_name on`), or make the default certificate cover the name."]
    }

    static func unrecognizedName(_ o: ConnectionObservation) -> [String] {
        ["Try the name the client used: `\(connect(o))`, and list the names the server is configured for.",
         "Add the name to the server's virtual hosts (nginx `server_name`, Apache `ServerName`/`ServerAlias`), or fix the client's host name."]
    }

    static func alpnMismatch(_ o: ConnectionObservation) -> [String] {
        ["Test with the client's protocols: `\(connect(o)) -alpn \(o.clientHello?.alpnProtocols.map(shellSafe).joined(separator: ",") ?? "h2,http/1.1")`.",
         "Enable a protocol both sides speak on the server (e.g. http/1.1 next to h2; gRPC needs h2), or change the client's ALPN list."]
    }

    static func clientCertificate(_ o: ConnectionObservation) -> [String] {
        ["Reproduce with a client certificate: `\(connect(o)) -cert client.pem -key client.key`; the server's CertificateRequest lists the CAs it accepts (`-showcerts` prints them as \"Acceptable client certificate CA names\").",
         "Configure the client with a certificate from a CA the server accepts (curl `--cert/--key`), or relax the server (nginx `ssl_verify_client optional`) if mutual TLS is not intended."]
    }

    static func badCertificate(_ o: ConnectionObservation) -> [String] {
        ["Verify the chain as the client does: `\(connect(o)) -verify_return_error -showcerts </dev/null` and read the verify error.",
         "Check the client's logs for the exact rejection reason (revocation, key usage, pinning, policy)."]
    }

    static func certificateRejected(_ o: ConnectionObservation) -> [String] {
        ["See the certificate TLS 1.3 hid: `\(connect(o)) -showcerts -verify_return_error </dev/null` prints the chain and the verify error.",
         "Or re-capture with a key log (`SSLKEYLOGFILE=keys.log curl ...`) and run `tlsdiag analyze FILE --keylog keys.log`."]
    }

    static func proxy(_ o: ConnectionObservation, _ product: String) -> [String] {
        ["Compare what the client sees with what the origin serves: `\(connect(o)) -showcerts </dev/null` from the client's network and from the server itself.",
         "Install the \(product) root CA in the client's trust store, or exempt this destination from TLS inspection."]
    }

    static func refused(_ o: ConnectionObservation) -> [String] {
        ["Check that the service listens: `ss -ltnp 'sport = :\(o.server.port)'` on \(o.server.address); and the firewall: `iptables -L -n | grep \(o.server.port)`.",
         "Start the service or fix the port clients use (load balancer target port, DNS pointing to the wrong host)."]
    }

    static func silentSYN(_ o: ConnectionObservation) -> [String] {
        ["Check reachability: `nc -vz -w 3 \(o.server.address) \(o.server.port)` and the route/firewall between client and server (security groups, ACLs).",
         "Capture on the server side too to see whether the SYN arrives."]
    }

    static func silentServer(_ o: ConnectionObservation) -> [String] {
        ["Time the server's answer: `\(connect(o)) </dev/null` and watch for a hang; check the server's load, worker limits and logs.",
         "Look for a middlebox that accepts TCP but not TLS (proxy, IDS) between client and server."]
    }

    static func reset(_ o: ConnectionObservation) -> [String] {
        ["Reproduce: `\(connect(o)) </dev/null` and check the server's error log at that time.",
         "Look for something that resets connections: a load balancer or firewall with SNI or IP rules, or a server that rejects the client's parameters without an alert."]
    }

    static func notTLSServer(_ o: ConnectionObservation) -> [String] {
        ["See what the port speaks: `nc \(o.server.address) \(o.server.port)` or `curl -v http://\(o.server)/`.",
         "Point the client at the TLS port, or enable TLS on this listener (nginx `listen \(o.server.port) ssl`, a load balancer listener with protocol HTTPS/TLS)."]
    }

    static func notTLSClient(_ o: ConnectionObservation) -> [String] {
        ["Use https:// (or enable TLS in the client) for port \(o.server.port)."]
    }

    static func generic(_ o: ConnectionObservation) -> [String] {
        ["Reproduce with details: `\(connect(o)) -msg -state </dev/null`; check both sides' logs at the time of the capture."]
    }
}
