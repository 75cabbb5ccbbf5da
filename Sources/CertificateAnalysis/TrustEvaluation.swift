import WireFormat

/// Where path building stopped, before dates are looked at.
enum PathResult: Sendable, Hashable {
    /// Reached a trusted certificate; `path` runs leaf → trusted certificate (inclusive).
    case anchored(path: [CertificateSummary], root: String)
    /// A verdict that does not depend on the time.
    case ended(TrustVerdict)

    /// Step 2: every certificate of an anchored path must be valid at `time`, checked leaf first.
    func verdict(at time: Timestamp) -> TrustVerdict {
        switch self {
        case .ended(let verdict):
            return verdict
        case .anchored(let path, let root):
            return TrustVerdict.validityProblem(in: path, at: time) ?? .trusted(root: root)
        }
    }
}

extension TrustVerdict {
    /// `.expired` or `.notYetValid` for the first certificate of `chain` (in the given order) that is not valid at
    /// `time`, else nil. `evaluate` reports chain problems before dates, as OpenSSL does; this tells a report
    /// whether an untrusted chain is out of date as well. notAfter is inclusive to the second (RFC 5280 §4.1.2.5).
    public static func validityProblem(in chain: [CertificateSummary], at time: Timestamp) -> TrustVerdict? {
        for certificate in chain {
            if time.seconds < certificate.notBefore.seconds {
                return .notYetValid(subject: certificate.subject, notBefore: certificate.notBefore)
            }
            if time.seconds > certificate.notAfter.seconds {
                return .expired(subject: certificate.subject, notAfter: certificate.notAfter)
            }
        }
        return nil
    }
}

extension TrustStore {
    /// A served certificate with what signature checks need.
    private struct Link {
        var index: Int
        var summary: CertificateSummary
        var parsed: ParsedCertificate
    }

    /// Whether a trusted certificate may have issued `certificate` (names and key identifiers).
    func hasAnchor(issuing certificate: CertificateSummary) -> Bool {
        var anchors = ParsedAnchors()
        return hasAnchor(issuing: certificate, anchors: &anchors)
    }

    private func hasAnchor(issuing certificate: CertificateSummary, anchors: inout ParsedAnchors) -> Bool {
        anchors.anchors(subjectKey: NameText.comparisonKey(certificate.issuer), in: self).contains {
            certificate.mayBeIssued(by: $0.summary)
        }
    }

    /// Path building, in the spirit of OpenSSL's default (trusted-first) verification:
    ///
    /// 1. Start at the leaf (the first certificate sent). At each step, stop with success when the current
    ///    certificate is itself in the store (same subject and key) or a trusted certificate with the issuer's name
    ///    (and a compatible key identifier) verifies its signature. Otherwise, unless the current certificate is
    ///    self-signed, continue with a served certificate (any position, each used once) that does. Candidates
    ///    valid at `time` are tried first. A name match whose signature does not verify is not the issuer (a
    ///    server sending an old intermediate with the same name but another key).
    /// 2. Reached a trusted certificate: every certificate of the path, the trusted one included, must be valid at
    ///    `time` (the capture's time), checked leaf first → `.expired` / `.notYetValid` naming it, else `.trusted`.
    /// 3. Stopped without one, where some candidate's signature on the way could not be checked (RSA-PSS, DSA,
    ///    RSA under 2048 bits...) and trust lay beyond it: `.undetermined` saying which algorithm. A served
    ///    candidate that cannot be checked and leads to no trusted certificate is followed on names alone: the
    ///    chain is untrusted either way, and that finds the root to name.
    /// 4. Stopped at a self-signed certificate (the leaf included): `.unknownCA(root:)` naming it.
    /// 5. Stopped at the leaf, whose issuer was neither sent nor trusted: `.incompleteChain(missing:)` naming
    ///    the issuer. Most leaves come from an intermediate, so a lone leaf usually means the server left it out.
    /// 6. Stopped at a sent intermediate whose issuer is not trusted: `.unknownCA(root:)` naming that intermediate
    ///    (a server that sends intermediates usually sends them all; what is missing is trust in the root).
    ///
    /// Chain problems win over dates, as in OpenSSL (an expired self-signed certificate is `.unknownCA`).
    /// Not checked: key usage, name constraints, path length, revocation, signature algorithm policy (SHA-1).
    func evaluateChain(served: [CertificateSummary], at time: Timestamp) -> TrustVerdict {
        buildPath(served: served, preferringValidAt: time).verdict(at: time)
    }

    /// Steps 1 and 3-6 above: everything but the dates, so a cache can reuse it for the same served chain.
    func buildPath(served: [CertificateSummary], preferringValidAt time: Timestamp) -> PathResult {
        var anchors = ParsedAnchors()
        return buildPath(served: served, preferringValidAt: time, anchors: &anchors)
    }

    /// The same, parsing roots into (and reusing them from) `anchors`.
    func buildPath(served: [CertificateSummary], preferringValidAt time: Timestamp,
                   anchors: inout ParsedAnchors) -> PathResult {
        guard !served.isEmpty else { return .ended(.undetermined(reason: "no certificate was sent")) }
        let links = served.enumerated().map { index, summary in
            (try? ParsedCertificate(der: summary.der)).map { Link(index: index, summary: summary, parsed: $0) }
        }
        guard let leaf = links[0] else {
            return .ended(.undetermined(reason: "the server's certificate could not be parsed"))
        }
        var path = [leaf]
        var used: Set<Int> = [0]
        var unchecked: String?
        while true {
            let current = path[path.count - 1]
            if let anchor = anchorIdentical(to: current, anchors: &anchors) {
                return .anchored(path: path.map(\.summary), root: anchor.summary.subject)
            }
            let trusted = anchors.anchors(subjectKey: NameText.comparisonKey(current.summary.issuer), in: self)
            for anchor in preferringValid(trusted, at: time, summary: \.summary)
            where current.summary.mayBeIssued(by: anchor.summary) {
                switch current.parsed.signatureCheck(issuedBy: anchor.parsed) {
                case .valid: return .anchored(path: path.map(\.summary) + [anchor.summary], root: anchor.summary.subject)
                case .unsupported(let what): unchecked = unchecked ?? describe(what, current.summary)
                case .invalid: continue
                }
            }
            if current.summary.isSelfSigned { break }
            var verified: Link?
            var unverifiable: Link?
            let candidates = links.compactMap { $0 }.filter {
                !used.contains($0.index) && current.summary.mayBeIssued(by: $0.summary)
            }
            for candidate in preferringValid(candidates, at: time, summary: \.summary) {
                switch current.parsed.signatureCheck(issuedBy: candidate.parsed) {
                case .valid:
                    verified = candidate
                case .unsupported(let what):
                    // Only matters if trust lies beyond it; otherwise the chain is untrusted either way, and
                    // following the names finds the root to name.
                    if trustReachable(from: candidate, links: links, anchors: &anchors) {
                        unchecked = unchecked ?? describe(what, current.summary)
                    } else if unverifiable == nil {
                        unverifiable = candidate
                    }
                case .invalid:
                    continue
                }
                if verified != nil { break }
            }
            guard let next = verified ?? unverifiable else { break }
            used.insert(next.index)
            path.append(next)
        }
        if let unchecked { return .ended(.undetermined(reason: unchecked)) }
        let end = path[path.count - 1].summary
        if end.isSelfSigned || path.count > 1 { return .ended(.unknownCA(root: end.subject)) }
        return .ended(.incompleteChain(missing: end.issuer))
    }

    /// Whether names and key identifiers lead from `start`, through served certificates, to a trusted one.
    private func trustReachable(from start: Link, links: [Link?], anchors: inout ParsedAnchors) -> Bool {
        var frontier = [start]
        var seen: Set<Int> = [start.index]
        while let link = frontier.popLast() {
            if anchorIdentical(to: link, anchors: &anchors) != nil { return true }
            if hasAnchor(issuing: link.summary, anchors: &anchors) { return true }
            if link.summary.isSelfSigned { continue }
            for case let other? in links where !seen.contains(other.index) && link.summary.mayBeIssued(by: other.summary) {
                seen.insert(other.index)
                frontier.append(other)
            }
        }
        return false
    }

    /// The trusted certificate that is `link` itself (same subject and public key), if any.
    private func anchorIdentical(to link: Link, anchors: inout ParsedAnchors) -> Anchor? {
        anchors.anchors(subjectKey: NameText.comparisonKey(link.summary.subject), in: self).first {
            $0.parsed.subjectPublicKeyInfo == link.parsed.subjectPublicKeyInfo
        }
    }

    private func preferringValid<T>(_ items: [T], at time: Timestamp,
                                    summary: KeyPath<T, CertificateSummary>) -> [T] {
        func isValid(_ item: T) -> Bool {
            let s = item[keyPath: summary]
            return s.notBefore.seconds <= time.seconds && time.seconds <= s.notAfter.seconds
        }
        return items.filter(isValid) + items.filter { !isValid($0) }
    }

    private func describe(_ what: String, _ certificate: CertificateSummary) -> String {
        "cannot check the signature on \(certificate.subject) (issuer \(certificate.issuer)): \(what)"
    }
}
