/// Orders a served chain and names what is wrong with it, by names and key identifiers only (no signatures:
/// that is `TrustStore.evaluate`'s job).
enum ChainOrdering {
    static func analyze(served: [CertificateSummary],
                        trustStore: TrustStore?) -> (ordered: [CertificateSummary], problems: [ChainAnalysis.Problem]) {
        guard !served.isEmpty else { return ([], []) }
        let issuerOf = served.indices.map { issuerIndex(of: $0, in: served) }
        var issuesSomething = Array(repeating: false, count: served.count)
        for case let issuer? in issuerOf { issuesSomething[issuer] = true }

        func chain(from start: Int) -> [Int] {
            var path = [start]
            var next = issuerOf[start]
            while let index = next, !path.contains(index) {
                path.append(index)
                next = issuerOf[index]
            }
            return path
        }
        // TLS says the first certificate is the server's (RFC 8446 §4.4.2). When the first one issued a later
        // certificate, the file was concatenated in the wrong order: the true leaf is the end of that branch.
        var leafIndex = 0
        if issuesSomething[0],
            let later = served.indices.first(where: { !issuesSomething[$0] && chain(from: $0).contains(0) }) {
            leafIndex = later
        }
        let path = chain(from: leafIndex)
        let inPath = Set(path)
        let ordered = path.map { served[$0] } + served.indices.filter { !inPath.contains($0) }.map { served[$0] }

        var problems: [ChainAnalysis.Problem] = []
        let leaf = served[leafIndex]
        if leaf.isSelfSigned { problems.append(.selfSignedLeaf) }
        if served[0].isCA && !(leafIndex == 0 && leaf.isSelfSigned) { problems.append(.caCertificateAsLeaf) }
        if path != Array(0..<path.count) { problems.append(.wrongOrder) }
        let top = served[path[path.count - 1]]
        if top.isSelfSigned {
            if path.count > 1 { problems.append(.rootSent(subject: top.subject)) }
        } else if issuerIsMissing(top: top, chainLength: path.count, trustStore: trustStore) {
            problems.append(.missingIssuer(issuer: top.issuer, issuedTo: top.subject))
        }
        if served.count > path.count { problems.append(.unrelatedCertificates(count: served.count - path.count)) }
        return (ordered, problems)
    }

    /// The served certificate that issued `served[index]`: same name, compatible key identifiers; an exact
    /// key-identifier match wins over a name-only one. Self-signed certificates have none.
    private static func issuerIndex(of index: Int, in served: [CertificateSummary]) -> Int? {
        let child = served[index]
        guard !child.isSelfSigned else { return nil }
        var nameOnly: Int?
        for candidate in served.indices where candidate != index && child.mayBeIssued(by: served[candidate]) {
            if child.authorityKeyIdentifier != nil && served[candidate].subjectKeyIdentifier != nil { return candidate }
            if nameOnly == nil { nameOnly = candidate }
        }
        return nameOnly
    }

    private static func issuerIsMissing(top: CertificateSummary, chainLength: Int, trustStore: TrustStore?) -> Bool {
        guard let trustStore else { return chainLength == 1 }
        return !trustStore.hasAnchor(issuing: top)
    }
}
