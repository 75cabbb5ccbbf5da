import WireFormat
import TLSDissector
import CertificateAnalysis

// The rules, most specific first. Each returns nil when it does not apply.
extension Diagnoser {
    public var verdict: Verdict {
        if progress.established { return establishedVerdict }
        return tcpVerdict ?? alertVerdict ?? gapVerdict ?? midStreamVerdict ?? silentCloseVerdict ?? incompleteVerdict
            ?? unknownVerdict
    }

    // MARK: established

    var establishedVerdict: Verdict {
        let o = observation
        // TLS 1.3 without keys: inferred from record sizes; else (TLS ≤ 1.2, or decrypted) application data seen.
        let clientSentData = progress.tls13.map(\.clientSentData)
            ?? o.encryptedRecords.contains { $0.side == .client && $0.contentType == .applicationData }
        let clientClosed = o.fin[.client] != nil || o.rst[.client] != nil
        if let gap = gapVerdict, o.serverCertificateAt == nil || !o.isTLS13 {
            // Missing bytes hid part of the handshake (the certificate, typically): it cannot be judged.
            return conclude(gap.cause, gap.explanation + " The handshake itself did complete.", gap.nextSteps)
        }
        // A client that completes the handshake and closes may be a health check: only facts that hold for
        // every client (dates, names) count here, not the analyst's trust store.
        if !clientSentData, clientClosed, !o.isTLS13 || o.serverCertificateAt != nil,
           let problem = certificateProblemVerdict(alert: nil, how: "completed the handshake and then closed the connection without sending any data, as curl with OpenSSL does when it rejects the certificate after the handshake", useTrustStore: false) {
            return problem
        }
        if !clientSentData, clientClosed, o.isTLS13, !isResumption, let tls13 = progress.tls13,
           let record = encryptedRecord(tls13.clientAlertAfterHandshake), let finished = encryptedRecord(tls13.clientFirst),
           finished.at.timestamp.milliseconds(until: record.at.timestamp) <= Self.postHandshakeCheckMilliseconds {
            var text: String {
                let close = o.rst[.client].map { "reset the connection (frame \($0.frame))" } ?? o.fin[.client].map { "closed the connection (frame \($0.frame))" } ?? "closed"
                var text = "The handshake completed, but the client then sent one \(record.length)-byte encrypted record, the size of an alert (frame \(record.at.frame)), and \(close) without sending a request. TLS 1.3 hides the certificate; this is what curl with OpenSSL does when the certificate's name does not match (it checks the name after the handshake), so most likely the client rejected the certificate."
                if o.clientHello?.serverName == nil { text += " The client sent no SNI, so the server may have answered with its default certificate." }
                text += " A client that only opens a connection and closes it at once (a health check, or `openssl s_client` with nothing to send) looks the same: if this client never sends a request, that is the likelier reading."
                return text
            }
            return conclude(.certificateRejected, text, NextSteps.certificateRejected(o))
        }
        return conclude(.ok, completedText)
    }

    /// A client that checks the name after the handshake (curl with OpenSSL) closes within a millisecond of
    /// its Finished. A close that comes later, after the client waited for something, is not that check: a
    /// resumed session (no certificate at all) or a late close is a client that simply finished.
    static let postHandshakeCheckMilliseconds = 250.0

    /// `Handshake completed: TLS 1.3, TLS_AES_128_GCM_SHA256 (session resumed).`
    private var completedText: String {
        let o = observation
        var text = "Handshake completed"
        if let hello = o.serverHello {
            text += ": \(hello.negotiatedVersion), \(hello.cipherSuite)"
            if let alpn = hello.alpnProtocol { text += ", ALPN \(alpn)" }
        }
        if isResumption { text += " (session resumed)" }
        if o.sawHelloRetryRequest { text += " after a HelloRetryRequest" }
        return text + "."
    }

    // MARK: TCP-level outcomes and non-TLS peers

    var tcpVerdict: Verdict? {
        let o = observation
        let clientBytes = o.payloadBytes[.client] ?? 0
        let serverBytes = o.payloadBytes[.server] ?? 0
        if let other = o.notTLS {
            let who = other.side == .server ? "The server \(o.server)" : "The client \(o.client)"
            let what = other.protocol.name == "unknown" ? "bytes that are not TLS" : "\(other.protocol.name), not TLS"
            let text = "\(who) sent \(what) (frame \(other.at.frame): \"\(other.protocol.preview)\")."
            if other.side == .server {
                return conclude(.notTLS, text + " The port speaks another protocol, or a plain-text listener sits where TLS was expected.",
                               NextSteps.notTLSServer(o))
            }
            return conclude(.notTLS, text + " The client spoke plain text to a TLS port (http:// instead of https://?).",
                           NextSteps.notTLSClient(o))
        }
        guard clientBytes == 0, serverBytes == 0, !o.sawAnyTLS else {
            if clientBytes > 0, serverBytes == 0, o.serverHellos.isEmpty, !o.clientHellos.isEmpty {
                return unansweredClientHello
            }
            return nil
        }
        if o.serverSYNACK == nil, let rst = o.rst[.server] {
            return conclude(.tcpRefused,
                           "The server \(o.server) answered the SYN with RST (frame \(rst.frame)): nothing listens on port \(o.server.port), or a firewall rejects the connection.",
                           NextSteps.refused(o))
        }
        if o.serverSYNACK == nil {
            var attempts = o.clientSYNCount > 1 ? " (\(o.clientSYNCount) SYNs)" : ""
            if let timeout = o.liveTimeoutSeconds { attempts += " within \(timeout) s" }
            return conclude(.noServerResponse,
                           "The SYN to \(o.server) got no answer\(attempts): the server is down or unreachable, or a firewall drops the packets silently.",
                           NextSteps.silentSYN(o))
        }
        if !o.rolesFromHandshake {
            return conclude(.captureIncomplete, "The capture holds only part of this connection and no TLS bytes.", [])
        }
        var closed: String? { o.rst[.client].map { "reset it (frame \($0.frame))" } ?? o.fin[.client].map { "closed it (frame \($0.frame))" } }
        return conclude(.unknown, "The TCP connection to \(o.server) was set up but the client sent no ClientHello" + (closed.map { " and \($0)" } ?? "") + ": a TCP health check or port probe, not a TLS client.", [])
    }

    /// The client spoke, the server sent nothing back.
    var unansweredClientHello: Verdict {
        let o = observation
        let hello = o.clientHello
        var offered: String { hello.map { HandshakeDetail.versionList($0.offeredVersions) } ?? "?" }
        let maxOffered = hello?.offeredVersions.max()
        if let reset = o.rst[.server] ?? o.fin[.server] {
            var how: String { o.rst[.server] != nil ? "reset the connection (RST, frame \(reset.frame))" : "closed the connection (FIN, frame \(reset.frame))" }
            if let maxOffered, maxOffered < .tls12 {
                return conclude(.protocolVersionMismatch,
                               "The client offered only \(offered) and the server \(o.server) \(how) without answering: it most likely refuses versions below TLS 1.2.",
                               NextSteps.versionMismatch(o))
            }
            return conclude(.connectionReset,
                           "The server \(o.server) \(how) right after the ClientHello, without a TLS alert: a TLS listener that rejects this client (SNI, IP allow-list) or a proxy or load balancer in front of it.",
                           NextSteps.reset(o))
        }
        let timeout = o.rst[.client] == nil && o.fin[.client] == nil ? o.liveTimeoutSeconds : nil
        var waited: String {
            if let timeout { return " within \(timeout) s" }
            return o.clientHellos.first.map { hello in
                let ms = hello.at.timestamp.milliseconds(until: o.last.timestamp)
                return ms >= 1000 ? " for \(Int(ms / 1000)) s" : " for \(Int(ms)) ms"
            } ?? ""
        }
        var end: String {
            if timeout != nil { return "tlsdiag stopped waiting (--handshake-timeout)" }
            return o.rst[.client].map { "the client gave up (RST, frame \($0.frame))" }
                ?? o.fin[.client].map { "the client gave up (FIN, frame \($0.frame))" } ?? "the capture ended"
        }
        return conclude(.noServerResponse,
                       "The server \(o.server) accepted the TCP connection but never answered the ClientHello\(waited); \(end). The server process is hung or overloaded, or something in between swallows TLS.",
                       NextSteps.silentServer(o))
    }

    // MARK: alerts

    var alertVerdict: Verdict? {
        guard progress.failedByAlert, let alert = progress.decisiveAlert else { return nil }
        let o = observation
        guard let plain = alert.alert else { return encryptedAlertVerdict(alert) }
        let code = plain.description
        // Words are worked out only when wanted (`conclude`): most verdicts are asked for their cause alone.
        var said: String { "The \(alert.side.rawValue) sent fatal alert \(code.rawValue) \(code.name) (frame \(alert.at.frame))" }
        let beforeServerHello = o.serverHelloAt.map { alert.at.frame < $0.frame } ?? true
        let hello = o.clientHello
        var offered: String { hello.map { HandshakeDetail.versionList($0.offeredVersions) } ?? "?" }

        if code == .protocolVersion || code == .inappropriateFallback {
            var whatClientOffered: String { hello == nil ? "The ClientHello is not in the capture, so what the client offered is unknown" : "The client offered \(offered)" }
            return conclude(.protocolVersionMismatch, "\(said): no TLS version both sides accept. \(whatClientOffered)\(chosenVersionText).",
                           NextSteps.versionMismatch(o))
        }
        if alert.side == .server, beforeServerHello, let max = hello?.offeredVersions.max(), max < .tls12 {
            return conclude(.protocolVersionMismatch,
                           "\(said) right after a ClientHello that offered only \(offered): the server accepts TLS 1.2 or later, whatever alert code it chose.",
                           NextSteps.versionMismatch(o))
        }
        if code == .unrecognizedName {
            return conclude(.unrecognizedName, "\(said): the server has no certificate or virtual host for the name \(sniText).",
                           NextSteps.unrecognizedName(o))
        }
        if code == .noApplicationProtocol {
            let offeredALPN = hello?.alpnProtocols.joined(separator: ", ") ?? ""
            return conclude(.alpnMismatch, "\(said): no application protocol both sides accept. The client offered ALPN \(offeredALPN.isEmpty ? "none" : offeredALPN).",
                           NextSteps.alpnMismatch(o))
        }
        if code == .certificateRequired {
            return conclude(.clientCertificateRequired, "\(said): the server requires a client certificate and the client sent none.",
                           NextSteps.clientCertificate(o))
        }
        if alert.side == .server {
            if o.certificateRequestAt != nil, !beforeServerHello {
                let got = o.clientCertificateCount.map { $0 == 0 ? "an empty Certificate message" : "\($0) certificate(s) it did not accept" } ?? "no Certificate message"
                return conclude(.clientCertificateRequired,
                               "\(said) after asking for a client certificate (CertificateRequest, frame \(o.certificateRequestAt!.frame)) and getting \(got).",
                               NextSteps.clientCertificate(o))
            }
            if beforeServerHello, code == .handshakeFailure || code == .insufficientSecurity {
                return conclude(.cipherMismatch, "\(said) right after the ClientHello: no cipher suite (or group, or signature algorithm) both sides accept. \(offeredSuitesText)",
                               NextSteps.cipherMismatch(o))
            }
            return conclude(.unknown, "\(said) \(stage). \(alertMeaning(code))", NextSteps.generic(o))
        }
        // The client refused something the server sent.
        switch code {
        case .certificateExpired:
            var which: String { certificates.expired.map { " Certificate \($0.subject) expired on \($0.notAfter.date); the capture was taken on \(o.first.timestamp.date)." } ?? " The certificates seen were valid at capture time: check the client's clock." }
            return conclude(.certificateExpired, "\(said): the client rejected an expired certificate.\(which)", NextSteps.expired(o, certificates))
        case .unknownCA:
            if let missing = certificates.missingIssuer, !certificates.selfSignedLeaf {
                return incompleteChainVerdict(missing: missing, how: "sent fatal alert 48 unknown_ca (frame \(alert.at.frame))")
            }
            return unknownCAVerdict(how: said)
        case .badCertificate, .unsupportedCertificate, .certificateRevoked, .certificateUnknown, .userCanceled, .accessDenied:
            // 43/44/49 name a reason other than trust: the client accepted the CA, so the analyst's trust
            // store must not override it.
            let trustRelevant = code == .badCertificate || code == .certificateUnknown || code == .userCanceled
            return certificateProblemVerdict(alert: alert, how: "sent fatal alert \(code.rawValue) \(code.name) (frame \(alert.at.frame))",
                                             useTrustStore: trustRelevant)
                ?? conclude(.badCertificate, "\(said): the client rejected the server's certificate; the capture does not show why (not expired, chain and name look right).",
                           NextSteps.badCertificate(o))
        case .handshakeFailure, .insufficientSecurity, .illegalParameter:
            return conclude(.cipherMismatch, "\(said) after the server chose \(o.serverHello.map { "\($0.negotiatedVersion), \($0.cipherSuite)" } ?? "its parameters"): the client does not accept them.",
                           NextSteps.cipherMismatch(o))
        default:
            return conclude(.unknown, "\(said) \(stage). \(alertMeaning(code))", NextSteps.generic(o))
        }
    }

    func encryptedAlertVerdict(_ alert: ObservedAlert) -> Verdict {
        let o = observation
        if let t = progress.tls13, t.clientRejected, let record = encryptedRecord(t.clientFirst) {
            let flight = encryptedRecord(t.serverFlight).map { "frame \($0.at.frame)" } ?? "?"
            let close = o.rst[.client].map { " and reset the connection (frame \($0.frame))" }
                ?? o.fin[.client].map { " and closed the connection (frame \($0.frame))" } ?? ""
            var text = "TLS 1.3 hides the certificate, but the record pattern shows the client refused the server's flight: right after the server's encrypted handshake (from \(flight)) the client sent one \(record.length)-byte encrypted record, the size of an alert (frame \(record.at.frame)),\(close). Most likely the client rejected the server's certificate (untrusted CA, missing intermediate, wrong name or expired)."
            if o.clientHello?.serverName == nil { text += " The client sent no SNI, so the server may have answered with its default certificate." }
            return conclude(.certificateRejected, text, NextSteps.certificateRejected(o))
        }
        if let t = progress.tls13, let record = encryptedRecord(t.serverRejected) {
            let clientFrame = encryptedRecord(t.clientFirst).map { "frame \($0.at.frame)" } ?? "?"
            return conclude(.clientCertificateRequired,
                           "TLS 1.3 hides the alert, but right after the client's final flight (from \(clientFrame)) the server sent one \(record.length)-byte encrypted record, the size of an alert (frame \(record.at.frame)), and nothing more: most likely it rejected a missing or unacceptable client certificate.",
                           NextSteps.clientCertificate(o))
        }
        if alert.side == .server, o.certificateRequestAt != nil {
            return conclude(.clientCertificateRequired,
                           "The server sent an encrypted alert (frame \(alert.at.frame)) after asking for a client certificate and receiving \(o.clientCertificateCount.map { $0 == 0 ? "none" : "\($0)" } ?? "none").",
                           NextSteps.clientCertificate(o))
        }
        if alert.side == .client, o.serverCertificateAt != nil,
           let problem = certificateProblemVerdict(alert: nil, how: "sent an encrypted alert (frame \(alert.at.frame))") {
            return problem
        }
        var text: String {
            var text = "The \(alert.side.rawValue) sent an encrypted alert during the handshake (frame \(alert.at.frame)) \(stage); without keys its code is hidden. Record a key log (SSLKEYLOGFILE) to decrypt it."
            if alert.side == .server, !o.sawHelloRetryRequest, o.clientHellos.count > 1 {
                text += " The client sent a second ClientHello (frame \(o.clientHellos[1].at.frame)) that no HelloRetryRequest asked for, which servers answer with unexpected_message."
            }
            return text
        }
        return conclude(.unknown, text, NextSteps.generic(o))
    }

    // MARK: certificates

    /// A certificate problem that explains a client's refusal. Facts that do not depend on who judges come
    /// first (dates at capture time, names, the chain's shape); the analyst's trust store comes last and only
    /// when `useTrustStore`: it is not the client's, and private CAs are common.
    func certificateProblemVerdict(alert: ObservedAlert?, how: @autoclosure () -> String, useTrustStore: Bool = true) -> Verdict? {
        let o = observation
        guard certificates.leaf != nil else { return nil }
        var who: String { "The client \(how())" }
        if let cert = certificates.expired {
            return conclude(.certificateExpired, "\(who). Certificate \(cert.subject) expired on \(cert.notAfter.date); the capture was taken on \(o.first.timestamp.date).",
                           NextSteps.expired(o, certificates))
        }
        if let cert = certificates.notYetValid {
            return conclude(.certificateExpired, "\(who). Certificate \(cert.subject) is not valid before \(cert.notBefore.date); the capture was taken on \(o.first.timestamp.date) (check clocks).",
                           NextSteps.expired(o, certificates))
        }
        if let presented = certificates.hostnameMismatch, let sni = o.clientHello?.serverName {
            return conclude(.hostnameMismatch,
                           "\(who). The certificate does not cover \(sni): it is for \(presented.isEmpty ? "no DNS name" : CountText.list(presented)) (a wildcard covers exactly one label).",
                           NextSteps.hostnameMismatch(o, certificates))
        }
        if let cn = certificates.commonNameOnly {
            return conclude(.hostnameMismatch,
                           "\(who). The certificate names \(cn) only in its subject CN, with no subjectAltName: modern clients (Go, Chrome, Python 3.7+, curl with recent OpenSSL) ignore the CN.",
                           NextSteps.hostnameMismatch(o, certificates))
        }
        // A leaf sent without its issuer is a fact about the server, which fails every client that does not fetch
        // intermediates; without SNI the wanted name is unknown, so a missing SNI comes after it.
        if let missing = certificates.structuralMissingIssuer, !certificates.selfSignedLeaf {
            return incompleteChainVerdict(missing: missing, how: how())
        }
        if o.clientHello?.serverName == nil, !certificates.selfSignedLeaf,
           !certificates.leafNames.contains(o.server.address.description) {
            return conclude(.missingSNI,
                           "\(who). The client sent no SNI, so the server answered with its default certificate for \(CountText.list(certificates.leafNames)).",
                           NextSteps.missingSNI(o))
        }
        if useTrustStore, let missing = certificates.missingIssuer, !certificates.selfSignedLeaf {
            return incompleteChainVerdict(missing: missing, how: how())
        }
        if certificates.selfSignedLeaf { return unknownCAVerdict(how: who) }
        if let product = certificates.interceptionProduct {
            return conclude(.unknownCA, "\(who). The certificate was issued by \(product): a TLS-terminating proxy or inspection product answered instead of the origin, and the client does not trust its CA.",
                           NextSteps.proxy(o, product))
        }
        if useTrustStore, certificates.untrustedRoot != nil { return unknownCAVerdict(how: who) }
        return nil
    }

    func incompleteChainVerdict(missing: String, how: @autoclosure () -> String) -> Verdict {
        var text: String {
            let leaf = certificates.leaf.map { $0.subjectCommonName.map { "CN=\($0)" } ?? $0.subject } ?? "its leaf"
            let count = certificates.summaries.count
            let sent = count == 1 ? "only its leaf (\(leaf))" : "\(count) certificates starting with \(leaf)"
            var text = "The client \(how()). The server sent \(sent), issued by \"\(missing)\", which it did not send; clients that do not fetch intermediates themselves (curl, Java, Go, Python) cannot build a chain to a trusted root."
            if observation.clientHello?.serverName == nil { text += " The client also sent no SNI, so this may be the server's default certificate." }
            return text
        }
        return conclude(.incompleteChain, text, NextSteps.incompleteChain(observation))
    }

    func unknownCAVerdict(how: @autoclosure () -> String) -> Verdict {
        let product = certificates.interceptionProduct
        return conclude(.unknownCA, unknownCAText(how: how(), product: product),
                        product.map { NextSteps.proxy(observation, $0) } ?? NextSteps.unknownCA(observation))
    }

    private func unknownCAText(how: String, product: String?) -> String {
        var text = how.hasPrefix("The ") ? how : "The client \(how)"
        if certificates.selfSignedLeaf, let leaf = certificates.leaf {
            text += ": the server's certificate \(leaf.subject) is self-signed."
        } else if let root = certificates.untrustedRoot {
            text += ": the chain ends at \"\(root)\", a CA the client does not trust."
        } else if let top = certificates.chain?.ordered.last ?? certificates.leaf {
            text += ": the chain ends at \"\(top.issuer)\", a CA the client does not trust."
        } else {
            text += ": the client does not trust the CA that issued the server's certificate."
        }
        if let product {
            text += " The issuer is \(product): a TLS-terminating proxy or inspection product answered, not the origin."
        }
        return text
    }

    // MARK: missing bytes, silent closes, cut-off captures

    var gapVerdict: Verdict? {
        let o = observation
        let missing = (o.missingBytes[.client] ?? 0) + (o.missingBytes[.server] ?? 0)
        guard missing > 0 else { return nil }
        let frame = [o.firstGap[.client], o.firstGap[.server]].compactMap { $0?.frame }.min().map { " (from frame \($0))" } ?? ""
        return conclude(.captureIncomplete,
                       "\(CountText.plural(missing, "byte")) of this connection's handshake \(CountText.agreeing(missing, "was", "were")) not captured\(frame): packets were dropped or cut by the snap length, so the handshake cannot be judged.",
                       ["Capture again with the full snap length and a bigger buffer: `tcpdump -i IFACE -s 0 -B 8192 -w FILE.pcap 'tcp port \(o.server.port)'`."])
    }

    var silentCloseVerdict: Verdict? {
        let o = observation
        let closer: (side: Side, at: FrameMark, how: String)? =
            o.rst[.client].map { (.client, $0, "reset the connection (RST") }
            ?? o.rst[.server].map { (.server, $0, "reset the connection (RST") }
            ?? o.fin[.client].map { (.client, $0, "closed the connection (FIN") }
            ?? o.fin[.server].map { (.server, $0, "closed the connection (FIN") }
        guard let closer else { return nil }
        var how: String { "\(closer.how), frame \(closer.at.frame)) \(stage) without a TLS alert" }
        if closer.side == .client {
            if o.isTLS13, progress.tls13?.serverFlight != nil, progress.tls13?.clientFirst == nil {
                return conclude(.certificateRejected,
                               "TLS 1.3 hides the certificate, but the client \(how): right after the server's encrypted flight, the point where it checks the certificate. Most likely it rejected the certificate.",
                               NextSteps.certificateRejected(o))
            }
            if o.serverCertificateAt != nil, let problem = certificateProblemVerdict(alert: nil, how: how) {
                return problem
            }
        } else if o.certificateRequestAt != nil, o.clientCertificateCount ?? 0 == 0 {
            return conclude(.clientCertificateRequired,
                           "The server \(how) after asking for a client certificate and getting none.", NextSteps.clientCertificate(o))
        }
        return conclude(.connectionReset, "The \(closer.side.rawValue) \(how).", NextSteps.reset(o))
    }

    /// Seen from its middle: its close (FIN, RST, a close_notify) says nothing about a handshake not in the file.
    var midStreamVerdict: Verdict? {
        let o = observation
        guard !o.sawHello, o.sawAnyTLS else { return nil }
        return conclude(.captureIncomplete, "The capture began after this connection's handshake: only encrypted records were seen, so the handshake cannot be judged.", [])
    }

    var incompleteVerdict: Verdict? {
        let o = observation
        guard o.sawHello else { return nil }
        guard o.openAtEnd else { return nil }
        let lastFrame = o.last.frame
        if let timeout = o.liveTimeoutSeconds {
            return conclude(.handshakeIncomplete,
                           "The handshake made no progress for \(timeout) s \(stage) (last packet: frame \(lastFrame)); tlsdiag stopped waiting (--handshake-timeout).",
                           NextSteps.silentServer(o))
        }
        return conclude(.handshakeIncomplete,
                       "The capture ends (last packet of this connection: frame \(lastFrame)) in the middle of the handshake, \(stage); what happened next is not in the file.",
                       ["Capture for longer, or start the capture before reproducing the problem."])
    }

    var unknownVerdict: Verdict {
        conclude(.unknown, "The handshake did not complete (\(stage)) and the capture shows no alert, reset or close that explains why.", NextSteps.generic(observation))
    }

    // MARK: wording helpers

    var sniText: String { observation.clientHello?.serverName.map { "\"\($0)\"" } ?? "(no SNI was sent)" }

    var chosenVersionText: String {
        guard let hello = observation.serverHello else { return "" }
        return "; the server chose \(hello.negotiatedVersion)"
    }

    var offeredSuitesText: String {
        guard let hello = observation.clientHello else { return "" }
        let suites = hello.cipherSuites.filter { !$0.isSignalingOrGREASE }
        let shown = suites.prefix(6).map(\.description).joined(separator: ", ")
        let versions = hello.offeredVersions
        var text = "The client offered \(HandshakeDetail.versionList(versions)) with \(suites.count) suite\(suites.count == 1 ? "" : "s"): \(shown)\(suites.count > 6 ? ", …" : "")."
        // The cheap test first: naming every suite and searching the names costs more than all the rest.
        guard !versions.contains(.tls13) else { return text }
        let names = suites.map(\.description)
        if !names.isEmpty, !names.contains(where: { $0.contains("ECDHE") }) {
            text += " It offers no ECDHE suite"
            text += names.contains(where: { $0.contains("GCM") }) ? "." : " and no AES-GCM (an old client, e.g. Java 7/8 defaults)."
        }
        return text
    }

    func alertMeaning(_ code: AlertDescription) -> String {
        switch code {
        case .badRecordMAC, .decryptError: "Keys or cryptographic parameters disagree (a middlebox altering bytes, or a broken implementation)."
        case .decodeError, .illegalParameter, .unexpectedMessage: "One side sent a message the other could not parse or did not expect: an implementation bug or a middlebox."
        case .internalError: "The sender hit an internal error: check its logs."
        case .missingExtension, .unsupportedExtension: "An extension was missing or not acceptable."
        case .unknownPSKIdentity: "The server does not know the pre-shared key identity the client used."
        default: "The alert code names the reason."
        }
    }
}
