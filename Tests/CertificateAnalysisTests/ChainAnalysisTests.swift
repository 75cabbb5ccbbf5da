import CertificateAnalysis
import Testing

@Suite("ChainAnalysis")
struct ChainAnalysisTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var served: [CertificateSummary]
        var store: TrustStore?
        var ordered: [CertificateSummary]
        var problems: [ChainAnalysis.Problem]
        var testDescription: String { name }
    }

    static let store = TrustStore(roots: [Certs.root], source: "test")
    static let leaf = Certs.leaf, inter = Certs.intermediate, root = Certs.root

    static let cases: [Case] = [
        Case(name: "leaf + intermediate", served: [leaf, inter], ordered: [leaf, inter], problems: []),
        Case(name: "leaf + intermediate, root trusted", served: [leaf, inter], store: store,
             ordered: [leaf, inter], problems: []),
        Case(name: "leaf only", served: [leaf], ordered: [leaf],
             problems: [.missingIssuer(issuer: inter.subject, issuedTo: leaf.subject)]),
        Case(name: "root sent", served: [leaf, inter, root], ordered: [leaf, inter, root],
             problems: [.rootSent(subject: root.subject)]),
        Case(name: "intermediates out of order", served: [leaf, root, inter], ordered: [leaf, inter, root],
             problems: [.wrongOrder, .rootSent(subject: root.subject)]),
        Case(name: "whole file reversed", served: [root, inter, leaf], ordered: [leaf, inter, root],
             problems: [.caCertificateAsLeaf, .wrongOrder, .rootSent(subject: root.subject)]),
        Case(name: "intermediate first", served: [inter, leaf], ordered: [leaf, inter],
             problems: [.caCertificateAsLeaf, .wrongOrder]),
        Case(name: "intermediate alone", served: [inter], ordered: [inter],
             problems: [.caCertificateAsLeaf, .missingIssuer(issuer: root.subject, issuedTo: inter.subject)]),
        Case(name: "intermediate alone, its root trusted", served: [inter], store: store, ordered: [inter],
             problems: [.caCertificateAsLeaf]),
        Case(name: "self-signed leaf", served: [Certs.selfSigned], ordered: [Certs.selfSigned],
             problems: [.selfSignedLeaf]),
        Case(name: "self-signed CA alone is only self-signed", served: [root], ordered: [root],
             problems: [.selfSignedLeaf]),
        Case(name: "an unrelated root", served: [leaf, inter, Certs.otherRoot], ordered: [leaf, inter, Certs.otherRoot],
             problems: [.unrelatedCertificates(count: 1)]),
        Case(name: "wrong intermediate for a deep leaf", served: [Certs.deepLeaf, inter],
             ordered: [Certs.deepLeaf, inter],
             problems: [.missingIssuer(issuer: Certs.subIntermediate.subject, issuedTo: Certs.deepLeaf.subject),
                        .unrelatedCertificates(count: 1)]),
        Case(name: "same-name intermediate with another key", served: [leaf, Certs.imposterIntermediate],
             ordered: [leaf, Certs.imposterIntermediate],
             problems: [.missingIssuer(issuer: inter.subject, issuedTo: leaf.subject), .unrelatedCertificates(count: 1)]),
        Case(name: "deep chain, upper intermediate missing, no store", served: [Certs.deepLeaf, Certs.subIntermediate],
             ordered: [Certs.deepLeaf, Certs.subIntermediate], problems: []),
        Case(name: "deep chain, upper intermediate missing, root trusted",
             served: [Certs.deepLeaf, Certs.subIntermediate], store: store,
             ordered: [Certs.deepLeaf, Certs.subIntermediate],
             problems: [.missingIssuer(issuer: inter.subject, issuedTo: Certs.subIntermediate.subject)]),
        Case(name: "deep chain shuffled", served: [Certs.deepLeaf, inter, Certs.subIntermediate], store: store,
             ordered: [Certs.deepLeaf, Certs.subIntermediate, inter], problems: [.wrongOrder]),
        Case(name: "nothing served", served: [], ordered: [], problems: []),
    ]

    @Test("served chains", arguments: cases)
    func analyze(_ c: Case) {
        let analysis = ChainAnalysis(served: c.served, trustStore: c.store)
        #expect(analysis.ordered.map(\.subject) == c.ordered.map(\.subject))
        #expect(analysis.ordered == c.ordered)
        #expect(analysis.problems == c.problems)
    }

    @Test func plainInitHasNoTrustStore() {
        #expect(ChainAnalysis(served: [Self.leaf, Self.inter]) == ChainAnalysis(served: [Self.leaf, Self.inter], trustStore: nil))
    }
}
